import { describe, expect, it } from 'vitest';
import { mentionsHost } from '../../src/aws/dns-names.js';
import { dnsServiceNameProblem } from '../../src/check/traps/cloud-map-name-invalid.js';
import {
  cidrCovers,
  conditionCovers,
  patternCovers,
  type RuleCondition,
  shadowingPairs,
} from '../../src/check/traps/condition-cover.js';

// Matching rules per docs/reference/aws-behavior-2.md §4.1: `*` 0+ chars, `?` one; path-pattern
// case-sensitive, host-header case-insensitive; `/api/*` does not match `/api`.
describe('patternCovers: does pattern a match every string pattern b matches', () => {
  it.each([
    ['/api/*', '/api/orders', false, true],
    ['/api/*', '/api/orders/*', false, true],
    ['/api/*', '/api/*/items', false, true],
    ['/api/*', '/api', false, false],
    ['/api/*', '/API/orders', false, false],
    ['/api/*', '/ap*', false, false],
    ['*', '/anything/*', false, true],
    ['/orders', '/orders', false, true],
    ['/orders', '/orders/*', false, false],
    ['*.example.com', 'shop.example.com', true, true],
    ['*.example.com', 'SHOP.Example.com', true, true],
    ['*.example.com', 'example.com', true, false],
    ['*.example.com', '*.shop.example.com', true, true],
    ['/a/*/c', '/a/b/c', false, true],
    ['/a/*/c', '/a/*/d', false, false],
    // Conservative: two stars, `?` or escapes cover only their equal.
    ['/a/*/*', '/a/b/c', false, false],
    ['/a?', '/ab', false, false],
    ['/a\\*', '/a\\*', false, true],
    ['/a*', '/a\\*', false, false],
  ])('%s covers %s (case-insensitive %s): %s', (a, b, ci, expected) => {
    expect(patternCovers(a, b, ci)).toBe(expected);
  });
});

describe('cidrCovers', () => {
  it.each([
    ['10.0.0.0/8', '10.1.2.0/24', true],
    ['10.1.0.0/16', '10.1.255.255/32', true],
    ['10.1.0.0/16', '10.0.0.0/8', false],
    ['192.168.1.0/24', '192.168.2.0/24', false],
    ['0.0.0.0/0', '203.0.113.7/32', true],
    ['2001:db8::/32', '2001:db8::/32', true],
    ['2001:db8::/32', '2001:db8:1::/48', false],
  ])('%s contains %s: %s', (a, b, expected) => {
    expect(cidrCovers(a, b)).toBe(expected);
  });
});

describe('conditionCovers and shadowingPairs', () => {
  const path = (...values: string[]): RuleCondition => ({ field: 'path-pattern', values });
  const method = (...values: string[]): RuleCondition => ({ field: 'http-request-method', values });
  const header = (name: string, ...values: string[]): RuleCondition => ({
    field: 'http-header',
    header: name,
    values,
  });

  it('needs every value of the later condition covered by some value of the earlier one', () => {
    expect(conditionCovers(path('/a/*', '/b/*'), path('/a/x', '/b/y'))).toBe(true);
    expect(conditionCovers(path('/a/*'), path('/a/x', '/c'))).toBe(false);
  });

  it('compares methods exactly (case-sensitive) and headers by name case-insensitively', () => {
    expect(conditionCovers(method('GET', 'POST'), method('GET'))).toBe(true);
    expect(conditionCovers(method('get'), method('GET'))).toBe(false);
    expect(conditionCovers(header('X-Env', 'beta*'), header('x-env', 'BETA-1'))).toBe(true);
    expect(conditionCovers(header('X-Env', 'beta'), header('X-Other', 'beta'))).toBe(false);
  });

  it('covers query pairs with a key, or any key when the earlier pair has none', () => {
    const query = (...pairs: { key?: string; value: string }[]): RuleCondition => ({
      field: 'query-string',
      pairs,
    });
    expect(conditionCovers(query({ value: 'on' }), query({ key: 'debug', value: 'ON' }))).toBe(true);
    expect(conditionCovers(query({ key: 'debug', value: '*' }), query({ value: 'on' }))).toBe(false);
  });

  it('shadows only when each condition of the earlier rule covers one of the later rule (AND)', () => {
    expect(shadowingPairs([path('/api/*')], [path('/api/v2/*'), method('GET')])).toHaveLength(1);
    expect(shadowingPairs([path('/api/*'), method('GET')], [path('/api/v2/*')])).toBeUndefined();
    expect(shadowingPairs([], [path('/x')])).toBeUndefined();
  });
});

describe('dnsServiceNameProblem', () => {
  it.each(['inventory', 'orders-v2', 'a', 'x'.repeat(63), '_orders._tcp', '_sip._udp', 'orders.api'])(
    'accepts %s',
    (name) => {
      expect(dnsServiceNameProblem(name)).toBeUndefined();
    },
  );

  it.each([
    ['orders_api', 'warning', "'_'"],
    ['-orders', 'error', 'hyphen'],
    ['orders-', 'error', 'hyphen'],
    ['x'.repeat(64), 'error', '64 characters'],
    ['orders!', 'error', "'!'"],
    ['a..b', 'error', 'empty label'],
  ])('rejects %s (%s, %s)', (name, severity, text) => {
    const found = dnsServiceNameProblem(name);
    expect(found?.severity).toBe(severity);
    expect(found?.problem).toContain(text);
  });
});

describe('mentionsHost: does an environment value name the DNS name as a host', () => {
  it.each([
    ['http://inventory.internal:8080/', true],
    ['inventory.internal', true],
    ['INVENTORY.INTERNAL.', true],
    ['http://a.inventory.internal/', false],
    ['http://inventory.internal.example.com/', false],
    ['inventory-internal', false],
  ])('%s: %s', (text, expected) => {
    expect(mentionsHost(text, 'inventory.internal')).toBe(expected);
  });
});
