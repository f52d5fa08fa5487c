import { describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { parseRouteKey, RouteMatcher } from '../../../src/local/apigateway/route-matcher.js';
import { StageSelector } from '../../../src/local/apigateway/stage-selector.js';
import type { StageConfig } from '../../../src/local/apigateway/types.js';

const routes = (...keys: string[]) =>
  new RouteMatcher(keys.map((routeKey) => ({ routeKey, integrationId: 'i' })));

describe('RouteMatcher: route priority (aws-behavior.md §1.1)', () => {
  // The worked example of http-api-develop-routes.md, removing the winner each time.
  const example = [
    'GET /pets/dog/1',
    'GET /pets/dog/{id}',
    'GET /pets/{proxy+}',
    'ANY /{proxy+}',
    '$default',
  ];

  it.each(example.map((_, i) => [example[i], example.slice(i)] as const))(
    'GET /pets/dog/1 goes to %s when the routes are %j',
    (winner, keys) => {
      // Declaration order must not matter: declare in reverse.
      expect(routes(...[...keys].reverse()).match('GET', '/pets/dog/1')?.route.routeKey).toBe(winner);
    },
  );

  it.each([
    ['GET', '/pets/dog/1', 'GET /pets/dog/1', undefined],
    ['GET', '/pets/dog/2', 'GET /pets/dog/{id}', { id: '2' }],
    ['GET', '/pets/cat/2', 'GET /pets/{proxy+}', { proxy: 'cat/2' }],
    ['POST', '/pets/dog/1', 'ANY /{proxy+}', { proxy: 'pets/dog/1' }],
    ['GET', '/', '$default', undefined],
    ['GET', '/pets', 'ANY /{proxy+}', { proxy: 'pets' }],
  ])('%s %s → %s with path parameters %j', (method, path, key, params) => {
    const match = routes(...example).match(method, path);
    expect(match?.route.routeKey).toBe(key);
    expect(match?.pathParameters).toEqual(params);
  });

  it('prefers a specific method over ANY on the same path ("ANY matches all methods you haven\'t defined")', () => {
    const matcher = routes('ANY /pets', 'GET /pets');
    expect(matcher.match('GET', '/pets')?.route.routeKey).toBe('GET /pets');
    expect(matcher.match('DELETE', '/pets')?.route.routeKey).toBe('ANY /pets');
  });

  it('prefers the longest literal prefix among greedy routes', () => {
    const matcher = routes('ANY /{proxy+}', 'GET /a/{proxy+}', 'GET /a/b/{proxy+}');
    expect(matcher.match('GET', '/a/b/c')?.route.routeKey).toBe('GET /a/b/{proxy+}');
    expect(matcher.match('GET', '/a/x/c')?.route.routeKey).toBe('GET /a/{proxy+}');
  });

  it('does not match / with /{proxy+} nor an empty {param}, and returns undefined without $default', () => {
    const matcher = routes('ANY /{proxy+}', 'GET /pets/{id}');
    expect(matcher.match('GET', '/')).toBeUndefined();
    expect(matcher.match('GET', '/pets/')?.route.routeKey).toBe('ANY /{proxy+}');
    expect(routes('GET /pets/{id}').match('GET', '/pets/')).toBeUndefined();
    expect(routes('GET /pets').match('POST', '/pets')).toBeUndefined();
  });

  it('throws WHARF_APIGW_ROUTE_KEY_INVALID for a greedy variable that is not last, naming the key', () => {
    try {
      parseRouteKey('GET /{proxy+}/x');
      expect.unreachable();
    } catch (error) {
      expect(isWharfError(error) && error.code).toBe('WHARF_APIGW_ROUTE_KEY_INVALID');
      expect((error as Error).message).toContain("'GET /{proxy+}/x'");
      expect((error as Error).message).toContain('greedy path variable must be at the end');
    }
  });

  it.each(['GET', 'FETCH /x', 'GET x', 'GET /a{b}'])('rejects the route key %j', (key) => {
    expect(() => parseRouteKey(key)).toThrow(/is not valid/);
  });

  it('throws WHARF_APIGW_ROUTE_DUPLICATE for a route key defined twice', () => {
    expect(() => routes('GET /a', 'GET /a')).toThrow(/defined twice/);
  });
});

describe('StageSelector (aws-behavior.md §1.1)', () => {
  const stage = (name: string): StageConfig => ({ name, autoDeploy: true, routeThrottles: {} });

  it('sends /<stage>/… to the named stage and matches routes on the rest of the path', () => {
    const selector = new StageSelector([stage('$default'), stage('test')]);
    expect(selector.select('/test/pets')).toMatchObject({ stage: { name: 'test' }, routePath: '/pets' });
    expect(selector.select('/test')).toMatchObject({ stage: { name: 'test' }, routePath: '/' });
  });

  it('sends everything else to $default with the whole path', () => {
    const selector = new StageSelector([stage('$default'), stage('test')]);
    expect(selector.select('/testing/pets')).toMatchObject({
      stage: { name: '$default' },
      routePath: '/testing/pets',
    });
    expect(selector.select('/')).toMatchObject({ stage: { name: '$default' }, routePath: '/' });
  });

  it('matches no stage when there is no $default stage and no stage segment', () => {
    const selector = new StageSelector([stage('prod')]);
    expect(selector.select('/pets')).toBeUndefined();
    expect(selector.select('/prod/pets')?.routePath).toBe('/pets');
  });
});
