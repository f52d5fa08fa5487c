/**
 * Listener rules end to end: the load balancer of test/fixtures/several-services/alb-rules.yml,
 * served on 127.0.0.1, in front of three real HTTP servers standing in for the tasks of three
 * target groups (aws-behavior-2.md §4). Each rule's action is seen from a client, and each access
 * log line carries the matched rule's priority and the target group that served.
 */

import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/local/clock.js';
import { groupStickinessValue } from '../../../src/local/elb/balancer.js';
import { type RunningLoadBalancer, startLoadBalancer } from '../../../src/local/elb/load-balancer.js';
import { TargetGroup } from '../../../src/local/elb/target-group.js';
import { buildLocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { type Backend, send, startBackend, TestNetwork } from './support.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/several-services/alb-rules.yml');

/** The fields of an access log line, quoted ones unquoted. */
function fields(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}
const PRIORITY = 20;
const TARGET_GROUP = 16;
const ACTIONS = 22;

describe('listener rules through the local load balancer (real sockets)', () => {
  const model = buildLocalModel(resolveApp(loadTemplateFile(FIXTURE)));
  const config = model.loadBalancers[0];
  const arnOf = (name: string) => model.targetGroups.find((g) => g.name === name)?.arn as string;
  const backends: Record<string, Backend> = {};
  const randoms: number[] = [];
  const lines: string[] = [];
  let lb: RunningLoadBalancer;
  let url: string;

  beforeAll(async () => {
    if (!config) throw new Error('the fixture has no load balancer');
    const clock = new ManualClock();
    const network = new TestNetwork();
    const groups = new Map<string, TargetGroup>();
    let host = 10;
    for (const name of ['orders', 'users', 'canary']) {
      const backend = await startBackend(name);
      backends[name] = backend;
      const groupConfig = model.targetGroups.find((g) => g.name === name);
      if (!groupConfig) throw new Error(`no target group ${name}`);
      const group = new TargetGroup(groupConfig, { clock });
      const ip = `10.0.1.${host++}`;
      network.add(ip, 8080, backend.port);
      group.registerTarget({ id: ip, port: 8080 });
      groups.set(group.arn, group);
    }
    lb = await startLoadBalancer(config, groups, {
      network,
      clock,
      accessLog: (line) => lines.push(line),
      random: () => randoms.shift() ?? 0,
    });
    url = lb.listeners[0]?.url as string;
  });

  afterAll(async () => {
    await lb?.close();
    await Promise.all(Object.values(backends).map((b) => b.close()));
  });

  beforeEach(() => {
    lines.length = 0;
    for (const backend of Object.values(backends)) backend.requests.length = 0;
  });

  it('forwards /orders/7 to the orders group by its path-pattern rule, path unchanged, and logs priority 10', async () => {
    const response = await send(url, { path: '/orders/7?x=1' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ backend: 'orders', url: '/orders/7?x=1' });
    expect(lines).toHaveLength(1);
    const line = fields(lines[0] as string);
    expect(line[PRIORITY]).toBe('10');
    expect(line[TARGET_GROUP]).toBe(arnOf('orders'));
    expect(line[ACTIONS]).toBe('forward');
  });

  it('forwards GET with Host users.example.com to the users group (host-header AND method)', async () => {
    const response = await send(url, { path: '/me', headers: { Host: 'USERS.example.com:80' } });
    expect(JSON.parse(response.body).backend).toBe('users');
    expect(fields(lines[0] as string)[PRIORITY]).toBe('20');
  });

  it('answers a POST to the users host with the default fixed response, logged as priority 0', async () => {
    const response = await send(url, { method: 'POST', path: '/me', headers: { Host: 'users.example.com' } });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toBe('{"message":"no route"}');
    expect(backends.users?.requests).toEqual([]);
    const line = fields(lines[0] as string);
    expect(line[PRIORITY]).toBe('0');
    expect(line[TARGET_GROUP]).toBe('-');
    expect(line[ACTIONS]).toBe('fixed-response');
  });

  it('evaluates the priority-5 header rule before the priority-10 path rule', async () => {
    randoms.push(0.99); // weights 3:1, 0.99 of 4 lands on the canary group
    const response = await send(url, { path: '/orders/1', headers: { 'X-Canary': 'YES' } });
    expect(JSON.parse(response.body).backend).toBe('canary');
    expect(fields(lines[0] as string)[PRIORITY]).toBe('5');
    expect(fields(lines[0] as string)[TARGET_GROUP]).toBe(arnOf('canary'));
  });

  it('splits a weighted forward by the weights (3:1) when the client has no stickiness cookie', async () => {
    randoms.push(0.1, 0.5, 0.74, 0.75, 0.9);
    const served: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await send(url, { path: '/x', headers: { 'X-Canary': 'yes' } });
      served.push(JSON.parse(response.body).backend);
    }
    expect(served).toEqual(['orders', 'orders', 'orders', 'canary', 'canary']);
  });

  it('keeps a client with the AWSALBTG cookie on its group, and sets both stickiness cookies for the duration', async () => {
    randoms.push(0.99);
    const first = await send(url, { path: '/x', headers: { 'X-Canary': 'yes' } });
    expect(JSON.parse(first.body).backend).toBe('canary');
    const cookies = first.headers['set-cookie'] ?? [];
    const value = groupStickinessValue(arnOf('canary'));
    // ManualClock starts at 2026-01-01T00:00:00Z; DurationSeconds is 3600.
    expect(cookies).toEqual([
      `AWSALBTG=${value}; Expires=Thu, 01 Jan 2026 01:00:00 GMT; Path=/`,
      `AWSALBTGCORS=${value}; Expires=Thu, 01 Jan 2026 01:00:00 GMT; Path=/; SameSite=None; Secure`,
    ]);
    // The weights would now pick orders (0.0), but the cookie keeps the client on canary.
    for (let i = 0; i < 3; i++) {
      randoms.push(0);
      const again = await send(url, {
        path: '/x',
        headers: { 'X-Canary': 'yes', Cookie: `session=1; AWSALBTG=${value}` },
      });
      expect(JSON.parse(again.body).backend).toBe('canary');
    }
    // A cookie that names no group of the action is ignored: the weights decide.
    randoms.push(0);
    const other = await send(url, { path: '/x', headers: { 'X-Canary': 'yes', Cookie: 'AWSALBTG=bogus' } });
    expect(JSON.parse(other.body).backend).toBe('orders');
  });

  it('forwards ?version=v2.1 to the canary group by its query-string rule', async () => {
    const response = await send(url, { path: '/anything?Version=V2.1' });
    expect(JSON.parse(response.body).backend).toBe('canary');
    expect(fields(lines[0] as string)[PRIORITY]).toBe('30');
  });

  it('redirects /old/a?b=1 with 301 to the configured host and path, logged as priority 50', async () => {
    const response = await send(url, { path: '/old/a?b=1' });
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('http://shop.example.com:80/new/old/a?b=1');
    const line = fields(lines[0] as string);
    expect(line[PRIORITY]).toBe('50');
    expect(line[ACTIONS]).toBe('redirect');
  });

  it('does not apply the source-ip rule to a client outside its blocks (127.0.0.1): the default action serves', async () => {
    const response = await send(url, { path: '/nowhere' });
    expect(response.status).toBe(404);
    expect(fields(lines[0] as string)[PRIORITY]).toBe('0');
  });
});
