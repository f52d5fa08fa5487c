/**
 * Listener rule evaluation against the documented behaviour (aws-behavior-2.md §4): one block per
 * condition type, then priorities, AND/OR and the default action. Pure: no sockets.
 */

import { describe, expect, it } from 'vitest';
import { ListenerRules, type RuleRequest, wildcardRegExp } from '../../../src/local/elb/listener-rules.js';
import type { ListenerAction, ListenerRuleConfig, RuleCondition } from '../../../src/local/elb/types.js';

const DEFAULT: ListenerAction = { type: 'fixed-response', statusCode: 404 };

function forward(name: string): ListenerAction {
  return { type: 'forward', targetGroups: [{ targetGroupArn: `tg/${name}`, weight: 1 }] };
}

function rule(priority: number, conditions: RuleCondition[], name = `p${priority}`): ListenerRuleConfig {
  return { arn: `rule/${priority}`, priority, conditions, action: forward(name) };
}

function request(overrides: Partial<RuleRequest> = {}): RuleRequest {
  return {
    method: 'GET',
    host: 'www.example.com',
    path: '/',
    query: '',
    rawHeaders: ['Host', 'www.example.com'],
    sourceIp: '203.0.113.7',
    ...overrides,
  };
}

/** Whether a listener with this one condition sends `req` to the rule (priority 1) or the default. */
function matches(condition: RuleCondition, req: Partial<RuleRequest>): boolean {
  return new ListenerRules([rule(1, [condition])], DEFAULT).decide(request(req)).priority === 1;
}

describe('host-header conditions (case-insensitive, * and ?, whole name)', () => {
  const condition: RuleCondition = { field: 'host-header', values: ['*.example.com', 'api-?.example.org'] };

  it('matches a subdomain with * and ignores case', () => {
    expect(matches(condition, { host: 'test.example.com' })).toBe(true);
    expect(matches(condition, { host: 'TEST.Example.COM' })).toBe(true);
  });

  it('does not match the bare domain with *.example.com (as AWS documents)', () => {
    expect(matches(condition, { host: 'example.com' })).toBe(false);
  });

  it('matches exactly one character with ?', () => {
    expect(matches(condition, { host: 'api-1.example.org' })).toBe(true);
    expect(matches(condition, { host: 'api-12.example.org' })).toBe(false);
    expect(matches(condition, { host: 'api-.example.org' })).toBe(false);
  });

  it('never matches a request without a Host', () => {
    expect(matches(condition, { host: '' })).toBe(false);
  });
});

describe('path-pattern conditions (case-sensitive, path only, whole path)', () => {
  const condition: RuleCondition = { field: 'path-pattern', values: ['/api/*', '/img/?.png'] };

  it('matches the path under the prefix', () => {
    expect(matches(condition, { path: '/api/orders' })).toBe(true);
    expect(matches(condition, { path: '/api/' })).toBe(true);
  });

  it('does not match /api for /api/* (the pattern must match the whole path)', () => {
    expect(matches(condition, { path: '/api' })).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(matches(condition, { path: '/API/orders' })).toBe(false);
  });

  it('looks at the path only, never the query string', () => {
    expect(matches(condition, { path: '/other', query: 'next=/api/x' })).toBe(false);
    expect(matches(condition, { path: '/api/x', query: 'a=1' })).toBe(true);
  });

  it('lets * cross / and ? stand for one character', () => {
    expect(matches(condition, { path: '/api/a/b/c' })).toBe(true);
    expect(matches(condition, { path: '/img/a.png' })).toBe(true);
    expect(matches(condition, { path: '/img/ab.png' })).toBe(false);
  });

  it('treats regular-expression characters in a pattern literally', () => {
    const dotted: RuleCondition = { field: 'path-pattern', values: ['/v1.0/(x)+'] };
    expect(matches(dotted, { path: '/v1.0/(x)+' })).toBe(true);
    expect(matches(dotted, { path: '/v1x0/xx' })).toBe(false);
  });
});

describe('http-header conditions (name and values case-insensitive, repeated headers searched)', () => {
  const condition: RuleCondition = { field: 'http-header', headerName: 'User-Agent', values: ['*Mobile*'] };

  it('matches the header whatever the case of its name and value', () => {
    expect(matches(condition, { rawHeaders: ['user-agent', 'Foo mobile Safari'] })).toBe(true);
    expect(matches(condition, { rawHeaders: ['USER-AGENT', 'xMOBILEx'] })).toBe(true);
  });

  it('searches every occurrence of a repeated header', () => {
    const headers = ['User-Agent', 'Desktop', 'Accept', '*/*', 'User-Agent', 'Mobile'];
    expect(matches(condition, { rawHeaders: headers })).toBe(true);
  });

  it('does not match when the header is absent or no value fits', () => {
    expect(matches(condition, { rawHeaders: ['Host', 'x.example.com'] })).toBe(false);
    expect(matches(condition, { rawHeaders: ['User-Agent', 'Desktop'] })).toBe(false);
  });
});

describe('http-request-method conditions (exact, case-sensitive)', () => {
  const condition: RuleCondition = { field: 'http-request-method', values: ['GET', 'HEAD'] };

  it('matches the listed methods exactly', () => {
    expect(matches(condition, { method: 'GET' })).toBe(true);
    expect(matches(condition, { method: 'HEAD' })).toBe(true);
    expect(matches(condition, { method: 'POST' })).toBe(false);
  });

  it('does not match a method sent in another case', () => {
    expect(matches(condition, { method: 'get' })).toBe(false);
  });
});

describe('query-string conditions (key/value case-insensitive, wildcards, \\ escapes)', () => {
  const condition: RuleCondition = {
    field: 'query-string',
    values: [{ key: 'version', value: 'v2*' }, { value: 'literal\\*star' }],
  };

  it('matches a key/value pair with a wildcard, in any case, anywhere in the query', () => {
    expect(matches(condition, { query: 'a=1&version=v2.1' })).toBe(true);
    expect(matches(condition, { query: 'VERSION=V2' })).toBe(true);
    expect(matches(condition, { query: 'version=v1' })).toBe(false);
  });

  it('matches a value under any key when the condition has no key', () => {
    expect(matches(condition, { query: 'anything=literal*star' })).toBe(true);
  });

  it('takes an escaped \\* as a literal star, not a wildcard', () => {
    expect(matches(condition, { query: 'x=literalXstar' })).toBe(false);
  });

  it('compares percent-decoded pairs', () => {
    expect(matches(condition, { query: 'x=literal%2Astar' })).toBe(true);
    expect(matches(condition, { query: 'ver%73ion=v2' })).toBe(true);
  });

  it('does not match without a query string', () => {
    expect(matches(condition, { query: '' })).toBe(false);
  });
});

describe('source-ip conditions (TCP peer, IPv4 and IPv6 CIDR)', () => {
  const condition: RuleCondition = { field: 'source-ip', values: ['192.0.2.0/24', '2001:db8::/32'] };

  it('matches an IPv4 peer inside a block and not outside', () => {
    expect(matches(condition, { sourceIp: '192.0.2.200' })).toBe(true);
    expect(matches(condition, { sourceIp: '192.0.3.1' })).toBe(false);
  });

  it('matches an IPv6 peer inside a block', () => {
    expect(matches(condition, { sourceIp: '2001:db8:1::5' })).toBe(true);
    expect(matches(condition, { sourceIp: '2001:db9::5' })).toBe(false);
  });

  it('takes an IPv4-mapped IPv6 peer as its IPv4 address', () => {
    expect(matches(condition, { sourceIp: '::ffff:192.0.2.9' })).toBe(true);
  });

  it('looks at the peer, never X-Forwarded-For', () => {
    expect(
      matches(condition, { sourceIp: '198.51.100.1', rawHeaders: ['X-Forwarded-For', '192.0.2.1'] }),
    ).toBe(false);
  });
});

describe('rule order, AND of conditions, OR of values, and the default action (§4.2)', () => {
  it('evaluates rules from the lowest priority number to the highest, whatever the order given', () => {
    const rules = new ListenerRules(
      [
        rule(20, [{ field: 'path-pattern', values: ['/api/*'] }], 'api'),
        rule(3, [{ field: 'path-pattern', values: ['/api/admin/*'] }], 'admin'),
        rule(10, [{ field: 'path-pattern', values: ['/*'] }], 'catch-all'),
      ],
      DEFAULT,
    );
    expect(rules.decide(request({ path: '/api/admin/x' })).priority).toBe(3);
    // /api/orders matches both 10 and 20: 10 wins.
    expect(rules.decide(request({ path: '/api/orders' })).priority).toBe(10);
  });

  it('requires every condition of a rule to match (AND)', () => {
    const rules = new ListenerRules(
      [
        rule(1, [
          { field: 'host-header', values: ['api.example.com'] },
          { field: 'http-request-method', values: ['POST'] },
        ]),
      ],
      DEFAULT,
    );
    expect(rules.decide(request({ host: 'api.example.com', method: 'POST' })).priority).toBe(1);
    expect(rules.decide(request({ host: 'api.example.com', method: 'GET' })).priority).toBe(0);
    expect(rules.decide(request({ host: 'www.example.com', method: 'POST' })).priority).toBe(0);
  });

  it('needs one of a condition’s values to match (OR)', () => {
    const rules = new ListenerRules([rule(1, [{ field: 'path-pattern', values: ['/a', '/b'] }])], DEFAULT);
    expect(rules.decide(request({ path: '/b' })).priority).toBe(1);
  });

  it('answers with the default action, priority 0, when no rule matches', () => {
    const rules = new ListenerRules([rule(1, [{ field: 'path-pattern', values: ['/a'] }])], DEFAULT);
    expect(rules.decide(request({ path: '/z' }))).toEqual({ action: DEFAULT, priority: 0, rule: undefined });
  });

  it('returns the matched rule’s own action', () => {
    const rules = new ListenerRules([rule(7, [{ field: 'path-pattern', values: ['/a'] }], 'a')], DEFAULT);
    expect(rules.decide(request({ path: '/a' })).action).toEqual(forward('a'));
  });
});

describe('wildcardRegExp', () => {
  it('escapes only \\* and \\? when escapes are on', () => {
    expect(wildcardRegExp('a\\?b', { ignoreCase: false, escapes: true }).test('a?b')).toBe(true);
    expect(wildcardRegExp('a\\?b', { ignoreCase: false, escapes: true }).test('axb')).toBe(false);
    expect(wildcardRegExp('a\\b', { ignoreCase: false, escapes: true }).test('a\\b')).toBe(true);
  });
});
