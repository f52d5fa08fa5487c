/** Output → lines, and where log files go (the awslogs stream name as a path). */

import { describe, expect, it } from 'vitest';
import {
  awslogsStreamName,
  containerLogFile,
  LineSplitter,
  logGroupFolder,
} from '../../../src/local/runtime/container-logs.js';
import { containerConfig } from './support.js';

describe('LineSplitter', () => {
  it('splits on \\n and \\r\\n across chunks, and emits a last line without newline at end()', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('a\r\nb');
    splitter.push(Buffer.from('c\n\nd'));
    expect(lines).toEqual(['a', 'bc', '']);
    splitter.end();
    expect(lines).toEqual(['a', 'bc', '', 'd']);
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('héllo\n');
    splitter.push(bytes.subarray(0, 2));
    splitter.push(bytes.subarray(2));
    expect(lines).toEqual(['héllo']);
  });
});

describe('log file paths', () => {
  const container = containerConfig({
    name: 'web',
    image: 'x',
    log: { logGroupName: '/ecs/api', streamPrefix: 'api' },
  });

  it('names the stream <prefix>/<container>/<taskId>, as awslogs does', () => {
    expect(awslogsStreamName(container, 'abc')).toBe('api/web/abc');
    expect(awslogsStreamName(containerConfig({ name: 'web', image: 'x' }), 'abc')).toBeUndefined();
  });

  it('puts the file at <logDir>/<group folder>/<prefix>/<container>/<taskId>.log', () => {
    expect(containerLogFile('/logs', container, 'abc')).toBe('/logs/ecs_api/api/web/abc.log');
    expect(containerLogFile(undefined, container, 'abc')).toBeUndefined();
  });

  it.each([
    ['/ecs/api', 'ecs_api'],
    ['my-group.v1', 'my-group.v1'],
    ['..', '_'],
    ['/', '_'],
    ['a b#c', 'a_b_c'],
  ])('maps log group %j to the folder %j', (group, folder) => {
    expect(logGroupFolder(group)).toBe(folder);
  });
});
