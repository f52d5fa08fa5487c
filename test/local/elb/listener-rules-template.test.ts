/**
 * Listener rules read from a template (test/fixtures/several-services/alb-rules.yml): attached to
 * their listener in priority order, both ways of writing conditions, weighted forwards with group
 * stickiness; and the rules AWS refuses (aws-behavior-2.md §4), each a TemplateError naming the
 * file, the rule and the property, exit 2 from the CLI.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TemplateError } from '../../../src/errors.js';
import { buildLocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { runMain } from '../../support/in-process-cli.js';
import { failure } from '../../support/thrown-error.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/several-services/alb-rules.yml');
const TEXT = readFileSync(FIXTURE, 'utf8');
const DIR = mkdtempSync(join(tmpdir(), 'wharf-alb-rules-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

function modelOf(file: string) {
  return buildLocalModel(resolveApp(loadTemplateFile(file)));
}

/** The fixture with `from` replaced by `to` (which must occur once), written to a temporary file. */
function variant(name: string, from: string, to: string): string {
  expect(TEXT.split(from)).toHaveLength(2);
  const file = join(DIR, `${name}.yml`);
  writeFileSync(file, TEXT.replace(from, to));
  return file;
}

describe('listener rules from a template', () => {
  const model = modelOf(FIXTURE);
  const listener = model.loadBalancers[0]?.listeners[0];
  const arnOf = (name: string) => model.targetGroups.find((g) => g.name === name)?.arn;

  it('attaches every rule to its listener, lowest priority first, and gives no warning for them', () => {
    expect(listener?.rules?.map((r) => [r.origin?.logicalId, r.priority])).toEqual([
      ['CanaryRule', 5],
      ['OrdersRule', 10],
      ['UsersRule', 20],
      ['VersionRule', 30],
      ['OfficeRule', 40],
      ['LegacyRule', 50],
    ]);
    expect(model.warnings.filter((w) => w.includes('ListenerRule'))).toEqual([]);
  });

  it('reads the Values shorthand and the *Config forms alike', () => {
    const byId = (id: string) => listener?.rules?.find((r) => r.origin?.logicalId === id);
    expect(byId('OrdersRule')?.conditions).toEqual([
      { field: 'path-pattern', values: ['/orders', '/orders/*'] },
    ]);
    expect(byId('UsersRule')?.conditions).toEqual([
      { field: 'host-header', values: ['users.example.com', '*.users.example.com'] },
      { field: 'http-request-method', values: ['GET', 'HEAD'] },
    ]);
    expect(byId('CanaryRule')?.conditions).toEqual([
      { field: 'http-header', headerName: 'X-Canary', values: ['yes'] },
    ]);
    expect(byId('VersionRule')?.conditions).toEqual([
      {
        field: 'query-string',
        values: [
          { key: 'version', value: 'v2*' },
          { key: undefined, value: 'literal\\*star' },
        ],
      },
    ]);
    expect(byId('OfficeRule')?.conditions).toEqual([
      { field: 'source-ip', values: ['192.0.2.0/24', '2001:db8::/32'] },
    ]);
  });

  it('reads a weighted forward with group stickiness, a redirect and a fixed response', () => {
    const action = (id: string) => listener?.rules?.find((r) => r.origin?.logicalId === id)?.action;
    expect(action('CanaryRule')).toEqual({
      type: 'forward',
      targetGroups: [
        { targetGroupArn: arnOf('orders'), weight: 3 },
        { targetGroupArn: arnOf('canary'), weight: 1 },
      ],
      stickiness: { enabled: true, durationSeconds: 3600 },
    });
    expect(action('UsersRule')).toEqual({
      type: 'forward',
      targetGroups: [{ targetGroupArn: arnOf('users'), weight: 1 }],
    });
    expect(action('LegacyRule')).toMatchObject({
      type: 'redirect',
      host: 'shop.example.com',
      path: '/new/#{path}',
      statusCode: 'HTTP_301',
    });
    expect(action('OfficeRule')).toEqual({
      type: 'fixed-response',
      statusCode: 403,
      contentType: 'text/plain',
      messageBody: 'office only',
    });
  });
});

describe('rules AWS refuses are refused, naming the file, the rule and the property', () => {
  const cases: Array<[string, string, string, string, RegExp]> = [
    [
      'a priority taken by another rule of the listener',
      'Priority: 20',
      'Priority: 10',
      'UsersRule.Properties.Priority',
      /priority 10 is already taken by OrdersRule/,
    ],
    [
      'priority 0',
      'Priority: 20',
      'Priority: 0',
      'UsersRule.Properties.Priority',
      /got 0; allowed: an integer from 1 to 50000/,
    ],
    ['priority 50001', 'Priority: 20', 'Priority: 50001', 'UsersRule.Properties.Priority', /from 1 to 50000/],
    [
      'a fixed response of 302',
      'StatusCode: "403"',
      'StatusCode: "302"',
      'OfficeRule.Properties.Actions.0.FixedResponseConfig.StatusCode',
      /got 302; a fixed response is 2XX, 4XX or 5XX/,
    ],
    [
      'a fixed response content type AWS does not offer',
      'ContentType: text/plain',
      'ContentType: text/xml',
      'OfficeRule.Properties.Actions.0.FixedResponseConfig.ContentType',
      /allowed: text\/plain, text\/css/,
    ],
    [
      'more than 5 condition values in a rule',
      'Values: [GET, HEAD]',
      'Values: [GET, HEAD, POST, PUT]',
      'UsersRule.Properties.Conditions',
      /6 values; a rule allows at most 5/,
    ],
    [
      'more than 5 wildcards in a rule',
      'Values: [/old/*]',
      'Values: ["/o??/*/*/*/*"]',
      'LegacyRule.Properties.Conditions',
      /6 wildcards/,
    ],
    [
      'two path-pattern conditions in one rule',
      '          Values: [/orders, /orders/*]',
      '          Values: [/orders]\n        - Field: path-pattern\n          Values: [/orders/*]',
      'OrdersRule.Properties.Conditions.1.Field',
      /at most one path-pattern condition/,
    ],
    [
      'a condition without values',
      'Values: [/old/*]',
      'Values: []',
      'LegacyRule.Properties.Conditions.0.PathPatternConfig.Values',
      /at least one value/,
    ],
    [
      'an unknown field',
      'Field: source-ip',
      'Field: source-port',
      'OfficeRule.Properties.Conditions.0.Field',
      /got 'source-port'; allowed: host-header, path-pattern/,
    ],
    [
      'a source IP that is not a CIDR block',
      '192.0.2.0/24, ',
      '192.0.2.0, ',
      'OfficeRule.Properties.Conditions.0.SourceIpConfig.Values.0',
      /expected an IPv4 or IPv6 CIDR block/,
    ],
    [
      'a lower-case method',
      'Values: [GET, HEAD]',
      'Values: [get]',
      'UsersRule.Properties.Conditions.1.HttpRequestMethodConfig.Values.0',
      /A-Z, - and _/,
    ],
    [
      'an http-header condition on Host',
      'HttpHeaderName: X-Canary',
      'HttpHeaderName: Host',
      'CanaryRule.Properties.Conditions.0.HttpHeaderConfig.HttpHeaderName',
      /use a host-header condition/,
    ],
    [
      'a weight over 999',
      'Weight: 3',
      'Weight: 1000',
      'CanaryRule.Properties.Actions.0.ForwardConfig.TargetGroups.0.Weight',
      /0 to 999/,
    ],
    [
      'a stickiness duration of 0',
      'DurationSeconds: 3600',
      'DurationSeconds: 0',
      'CanaryRule.Properties.Actions.0.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds',
      /1 to 604800 seconds/,
    ],
    [
      'Values on a condition other than host-header or path-pattern',
      '          HttpRequestMethodConfig:\n            Values: [GET, HEAD]',
      '          Values: [GET, HEAD]',
      'UsersRule.Properties.Conditions.1.Values',
      /only for host-header and path-pattern/,
    ],
  ];

  it.each(cases)('refuses %s', (_name, from, to, property, message) => {
    const file = variant(property.replace(/[^A-Za-z0-9]/g, '-'), from, to);
    const error = failure(() => modelOf(file));
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.message).toContain(`${file}: ${property}: `);
    expect(error.message).toMatch(message);
  });

  it('warns, and does not refuse, a rule whose listener another stack owns (not in these templates)', () => {
    const arn =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2';
    const file = variant(
      'foreign-listener',
      'ListenerArn: !Ref Listener\n      Priority: 50',
      `ListenerArn: ${arn}\n      Priority: 50`,
    );
    const model = modelOf(file);
    expect(model.warnings).toContain(
      `${file}: LegacyRule: its listener '${arn}' is not declared in these templates, so the rule has no local effect; pass the template that declares the load balancer with another --template`,
    );
    expect(model.loadBalancers[0]?.listeners[0]?.rules?.map((r) => r.priority)).toEqual([5, 10, 20, 30, 40]);
  });

  it('wharf dev exits 2 for a duplicate priority, naming the file, the rule and the property', async () => {
    const file = variant('duplicate-priority-cli', 'Priority: 20', 'Priority: 10');
    const run = await runMain(['dev', '--template', file, '--runtime', 'process', '--once']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${file}: UsersRule.Properties.Priority: priority 10 is already taken by OrdersRule`,
    );
  });
});
