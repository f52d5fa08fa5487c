/**
 * The `overwrite:path` mapping (aws-behavior-2.md §5.2): what each allowed value turns a request
 * path into, and the sources that are refused.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the mapping syntax under test

import { describe, expect, it } from 'vitest';
import { compilePathMapping } from '../../../src/local/apigateway/path-mapping.js';

const input = { routePath: '/svc/a/b', pathParameters: { proxy: 'a/b', id: '7' } };

describe('overwrite:path', () => {
  it.each([
    ['$request.path', '/svc/a/b'],
    ['${request.path}', '/svc/a/b'],
    ['/${request.path.proxy}', '/a/b'],
    ['$request.path.proxy', '/a/b'],
    ['/items/$request.path.id/detail', '/items/7/detail'],
    ['/v2${request.path}', '/v2/svc/a/b'],
    ['/static', '/static'],
    ['/${request.path.missing}', '/'],
  ])('maps %s to %s', (value, expected) => {
    expect(compilePathMapping(value)(input)).toBe(expected);
  });

  it.each(['$context.stage', '/${stageVariables.base}/x', '$request.header.x-path'])(
    'refuses %s, a source other than the request path',
    (value) => {
      expect(() => compilePathMapping(value)).toThrow(/uses a source other than the request path/);
    },
  );
});
