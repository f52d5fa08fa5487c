import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/local/clock.js';
import { type RunningLoadBalancer, startLoadBalancer } from '../../../src/local/elb/load-balancer.js';
import { TargetGroup, type TargetStateChange } from '../../../src/local/elb/target-group.js';
import type { ListenerAction, LoadBalancerConfig } from '../../../src/local/elb/types.js';
import { LocalCertificateAuthority } from '../../../src/local/tls/certificate-authority.js';
import { getOverTls } from '../tls/support.js';
import { type Backend, send, startBackend, TestNetwork, targetGroupConfig } from './support.js';

const LB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/app-alb/50dc6c495c0c9188';
/** ManualClock's start, as an HTTP date. */
const DATE = 'Thu, 01 Jan 2026 00:00:00 GMT';
const TRACE = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/;

function page(title: string): string {
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}

function lbConfig(
  actions: readonly ListenerAction[],
  overrides: Partial<LoadBalancerConfig> = {},
): LoadBalancerConfig {
  return {
    arn: LB_ARN,
    name: 'app-alb',
    dnsName: 'app-alb-1234567890.us-east-1.elb.amazonaws.com',
    scheme: 'internet-facing',
    securityGroupIds: ['sg-alb'],
    subnetIds: ['subnet-a', 'subnet-b'],
    idleTimeoutSeconds: 60,
    dropInvalidHeaderFields: false,
    listeners: [
      {
        arn: `${LB_ARN.replace(':loadbalancer/', ':listener/')}/f2f7dc8efc522ab2`,
        port: 80,
        protocol: 'HTTP',
        defaultActions: actions,
      },
    ],
    ...overrides,
  };
}

describe('Application Load Balancer end to end over real sockets (aws-behavior.md §2)', () => {
  const cleanups: Array<() => unknown> = [];
  let clock: ManualClock;
  let network: TestNetwork;
  let group: TargetGroup;
  let a: Backend;
  let b: Backend;
  let lb: RunningLoadBalancer;
  let url: string;
  let logLines: string[];
  let blocked: string[];

  async function setUp(
    options: {
      register?: boolean;
      hold?: boolean;
      idleTimeoutMs?: number;
      lb?: Partial<LoadBalancerConfig>;
      actions?: readonly ListenerAction[];
    } = {},
  ) {
    clock = new ManualClock();
    network = new TestNetwork();
    logLines = [];
    blocked = [];
    a = await startBackend('a', { hold: options.hold });
    b = await startBackend('b');
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    network.add('10.0.1.10', 80, a.port);
    network.add('10.0.2.10', 80, b.port);
    group = new TargetGroup(targetGroupConfig(), { clock });
    if (options.register !== false) {
      group.registerTarget({ id: '10.0.1.10', port: 80 });
      group.registerTarget({ id: '10.0.2.10', port: 80 });
    }
    const actions = options.actions ?? [
      { type: 'forward', targetGroups: [{ targetGroupArn: group.arn, weight: 1 }] },
    ];
    lb = await startLoadBalancer(
      lbConfig(actions, options.lb),
      new Map([[group.arn, group]]),
      {
        network,
        clock,
        accessLog: (line) => logLines.push(line),
        onBlocked: (message) => blocked.push(message),
      },
      { idleTimeoutMs: options.idleTimeoutMs },
    );
    cleanups.push(() => lb.close());
    url = lb.listeners[0].url;
  }

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('opens one loopback listener per AWS listener and reports both ports', async () => {
    await setUp();
    expect(lb.listeners).toEqual([
      {
        awsPort: 80,
        protocol: 'HTTP',
        url: `http://127.0.0.1:${lb.listeners[0].port}`,
        port: lb.listeners[0].port,
      },
    ]);
    expect(lb.listeners[0].port).toBeGreaterThan(0);
  });

  it('answers 200 from the targets and spreads requests round robin over both (fail-open while initial)', async () => {
    await setUp();
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await send(url, { path: `/items/${i}?x=1` });
      expect(response.status).toBe(200);
      bodies.push(JSON.parse(response.body).backend);
    }
    expect(bodies).toEqual(['a', 'b', 'a', 'b']);
    expect(a.requests.map((r) => r.url)).toEqual(['/items/0?x=1', '/items/2?x=1']);
    expect(group.describeTargetHealth().map((t) => t.state)).toEqual(['initial', 'initial']);
  });

  it('streams a request body to the target and its response back', async () => {
    await setUp();
    const response = await send(url, { method: 'POST', path: '/echo', body: 'x'.repeat(100_000) });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).body).toHaveLength(100_000);
  });

  it('sends X-Forwarded-For (appended), -Proto, -Port 80, Host without :80, and a new trace Root (§2.4, §2.6)', async () => {
    await setUp();
    const response = await send(url, {
      headers: { Host: 'www.example.com:80', 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Port': '8080' },
    });
    const seen = JSON.parse(response.body).headers;
    expect(seen.host).toBe('www.example.com');
    expect(seen['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-port']).toBe('80');
    expect(seen['x-amzn-trace-id']).toMatch(TRACE);
  });

  it('presents the AWS listener port, not the local one, in Host (client sends 127.0.0.1:<local port>)', async () => {
    await setUp();
    const response = await send(url);
    expect(JSON.parse(response.body).headers.host).toBe('127.0.0.1');
  });

  it('inserts Self= in front of a client Root, keeps custom fields, and replaces an existing Self (§2.6)', async () => {
    await setUp();
    const root = 'Root=1-5759e988-bd862e3fe1be46a994272793';
    const first = JSON.parse((await send(url, { headers: { 'X-Amzn-Trace-Id': `${root};Sampled=1` } })).body);
    expect(first.headers['x-amzn-trace-id']).toMatch(
      /^Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1$/,
    );
    const old = 'Self=1-67891233-12456789abcdef012345678';
    const second = JSON.parse((await send(url, { headers: { 'X-Amzn-Trace-Id': `${old};${root}` } })).body);
    const value: string = second.headers['x-amzn-trace-id'];
    expect(value).toMatch(/^Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-5759e988-bd862e3fe1be46a994272793$/);
    expect(value.startsWith(old)).toBe(false);
  });

  it('does not forward hop-by-hop headers or headers named in Connection', async () => {
    await setUp();
    const response = await send(url, {
      headers: { Connection: 'close, X-Secret', 'X-Secret': 's', 'X-Kept': 'k' },
    });
    const seen = JSON.parse(response.body).headers;
    expect(seen['x-secret']).toBeUndefined();
    expect(seen['x-kept']).toBe('k');
    expect(seen.connection).not.toBe('close, X-Secret');
  });

  it('forwards header names outside [-A-Za-z0-9] unless drop_invalid_header_fields is on', async () => {
    await setUp();
    expect(JSON.parse((await send(url, { headers: { X_Under: '1' } })).body).headers.x_under).toBe('1');
    await lb.close();
    await setUp({ lb: { dropInvalidHeaderFields: true } });
    const seen = JSON.parse((await send(url, { headers: { X_Under: '1', 'X-Dash': '2' } })).body).headers;
    expect(seen.x_under).toBeUndefined();
    expect(seen['x-dash']).toBe('2');
  });

  it('answers 503 Service Temporarily Unavailable, byte for byte, when the group has no registered targets (§2.5)', async () => {
    await setUp({ register: false });
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const response = await send(url, { agent });
    expect(response.status).toBe(503);
    expect(response.statusText).toBe('Service Temporarily Unavailable');
    expect(response.rawHeaders).toEqual([
      'Server',
      'awselb/2.0',
      'Date',
      DATE,
      'Content-Type',
      'text/html',
      'Content-Length',
      '162',
      'Connection',
      'keep-alive',
    ]);
    expect(response.body).toBe(page('503 Service Temporarily Unavailable'));
    expect(a.requests).toHaveLength(0);
  });

  it('answers 502 Bad Gateway (122 bytes) when the target closes the connection with the request outstanding', async () => {
    await setUp();
    a.mode = 'destroy';
    const response = await send(url);
    expect(response.status).toBe(502);
    expect(response.statusText).toBe('Bad Gateway');
    expect(response.headers).toMatchObject({
      server: 'awselb/2.0',
      'content-type': 'text/html',
      'content-length': '122',
    });
    expect(response.body).toBe(page('502 Bad Gateway'));
  });

  it('answers 502 when the target refuses the connection (TCP RST on connect)', async () => {
    await setUp();
    await a.close();
    expect((await send(url)).status).toBe(502);
  });

  it('answers 504 Gateway Time-out when the target sends nothing within the idle timeout', async () => {
    await setUp({ idleTimeoutMs: 300 });
    a.mode = 'hang';
    const response = await send(url);
    expect(response.status).toBe(504);
    expect(response.statusText).toBe('Gateway Time-out');
    expect(response.headers['content-length']).toBe('132');
    expect(response.body).toBe(page('504 Gateway Time-out'));
  });

  it('passes the target HTTP errors through unchanged (§2.5)', async () => {
    await setUp();
    a.mode = 'fail-503';
    const response = await send(url);
    expect(response.status).toBe(503);
    expect(response.body).toBe('down');
    expect(response.headers.server).toBeUndefined();
  });

  it('refuses TRACE with 405 Method Not Allowed', async () => {
    await setUp();
    const response = await send(url, { method: 'TRACE' });
    expect(response.status).toBe(405);
    expect(response.body).toBe(page('405 Method Not Allowed'));
    expect(a.requests).toHaveLength(0);
  });

  it('a deregistered target gets no new requests, and deregistration waits for its in-flight request (§2.3)', async () => {
    await setUp({ register: false, hold: true });
    group.registerTarget({ id: '10.0.1.10', port: 80 });
    const held = a.nextRequest();
    const inFlight = send(url, { path: '/slow' });
    const { res } = await held;
    group.registerTarget({ id: '10.0.2.10', port: 80 });

    let deregistered = false;
    const done = group.deregisterTarget('10.0.1.10', 80).then(() => {
      deregistered = true;
    });
    expect(group.describeTargetHealth()[0]).toEqual({
      id: '10.0.1.10',
      port: 80,
      state: 'draining',
      reason: 'Target.DeregistrationInProgress',
      description: 'Target deregistration is in progress',
    });
    for (let i = 0; i < 3; i++) expect(JSON.parse((await send(url)).body).backend).toBe('b');
    expect(deregistered).toBe(false);

    res.writeHead(200, { 'content-type': 'text/plain' }).end('slow done');
    expect((await inFlight).body).toBe('slow done');
    await done;
    expect(deregistered).toBe(true);
    // Still listed as draining until the delay (30 s) is over, then unused and gone.
    expect(group.describeTargetHealth().map((t) => t.state)).toEqual(['draining', 'initial']);
    const changes: TargetStateChange[] = [];
    group.on('state', (change) => changes.push(change));
    await clock.advance(30_000);
    expect(
      changes
        .filter((change) => change.id === '10.0.1.10')
        .map((change) => [change.previousState, change.state]),
    ).toEqual([['draining', 'unused']]);
    expect(group.describeTargetHealth().map((t) => t.id)).toEqual(['10.0.2.10']);
  });

  it('deregistration of an idle target completes at once but the target stays draining until the delay ends', async () => {
    await setUp();
    await group.deregisterTarget('10.0.1.10', 80);
    expect(group.describeTargetHealth().map((t) => t.state)).toEqual(['draining', 'initial']);
  });

  it('a request still in flight when the deregistration delay ends gets 502 (§2.5)', async () => {
    await setUp({ register: false, hold: true });
    group.registerTarget({ id: '10.0.1.10', port: 80 });
    const held = a.nextRequest();
    const inFlight = send(url);
    await held;
    const done = group.deregisterTarget('10.0.1.10', 80);
    await clock.advance(30_000);
    await done;
    const response = await inFlight;
    expect(response.status).toBe(502);
    expect(response.body).toBe(page('502 Bad Gateway'));
  });

  it('with only draining targets left, answers 503', async () => {
    await setUp();
    await group.deregisterTarget('10.0.1.10', 80);
    await group.deregisterTarget('10.0.2.10', 80);
    expect((await send(url)).status).toBe(503);
  });

  it('a security group that blocks the load balancer: checks time out, targets go unhealthy, fail open, requests get 504 (§2.2, §2.5)', async () => {
    await setUp();
    const message = 'sg-task (TaskSecurityGroup) has no ingress rule for tcp/80 from sg-alb';
    network.block('10.0.1.10', 80, message);
    network.block('10.0.2.10', 80, message);
    // Two checks (6 s interval, 5 s timeout) → unhealthy (threshold 2).
    await clock.advance(6000);
    await clock.advance(5000);
    await clock.advance(1000);
    await clock.advance(5000);
    await vi.waitFor(() =>
      expect(group.describeTargetHealth().map((t) => [t.state, t.reason])).toEqual([
        ['unhealthy', 'Target.Timeout'],
        ['unhealthy', 'Target.Timeout'],
      ]),
    );
    const response = await send(url);
    expect(response.status).toBe(504);
    expect(response.body).toBe(page('504 Gateway Time-out'));
    expect(blocked).toContain(message);
    expect(network.sources.every((source) => source.label === 'load balancer app-alb')).toBe(true);
    expect(network.sources[0]).toEqual({
      securityGroupIds: ['sg-alb'],
      sourceIp: '10.0.0.10',
      label: 'load balancer app-alb',
    });
  });

  it('routes only to healthy targets once one passes its checks', async () => {
    await setUp();
    b.mode = 'fail-503';
    await clock.advance(6000);
    await vi.waitFor(() => expect(a.healthChecks).toHaveLength(1));
    await vi.waitFor(() => expect(b.healthChecks).toHaveLength(1));
    await clock.advance(6000);
    await vi.waitFor(() =>
      expect(group.describeTargetHealth().map((t) => t.state)).toEqual(['healthy', 'unhealthy']),
    );
    b.mode = 'echo';
    for (let i = 0; i < 3; i++) expect(JSON.parse((await send(url)).body).backend).toBe('a');
  });

  it('writes one access log line per request in the ALB format (§2.7)', async () => {
    await setUp();
    await send(url, { path: '/a?b=1', headers: { Host: 'www.example.com', 'User-Agent': 'curl/8.0' } });
    await lb.close();
    await setUp({ register: false });
    await send(url, { path: '/none', headers: { Host: 'www.example.com' } });
    expect(logLines).toHaveLength(1);
    const time = '2026-01-01T00:00:00\\.\\d{6}Z';
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-tg/73e2d6bc24d8a067';
    expect(logLines[0]).toMatch(
      new RegExp(
        [
          '^http',
          time,
          'app/app-alb/50dc6c495c0c9188',
          '127\\.0\\.0\\.1:\\d+',
          '-',
          '-1 -1 -1',
          '503 -',
          '\\d+ \\d+',
          '"GET http://www\\.example\\.com:80/none HTTP/1\\.1"',
          '"-"',
          '- -',
          tg,
          '"-" "-" "-" 0',
          time,
          '"forward" "-" "-" "-" "-" "-" "-"$',
        ].join(' '),
      ),
    );
  });

  it('logs a forwarded request with the target, times, statuses, trace id and the target list', async () => {
    await setUp();
    await send(url, { path: '/a?b=1', headers: { Host: 'www.example.com', 'User-Agent': 'curl/8.0' } });
    expect(logLines).toHaveLength(1);
    const fields = logLines[0];
    expect(fields).toMatch(
      new RegExp(
        [
          '^http 2026-01-01T00:00:00\\.\\d{6}Z app/app-alb/50dc6c495c0c9188 127\\.0\\.0\\.1:\\d+ 10\\.0\\.1\\.10:80',
          '\\d+\\.\\d{3} \\d+\\.\\d{3} \\d+\\.\\d{3}',
          '200 200',
          '[1-9]\\d* [1-9]\\d*',
          '"GET http://www\\.example\\.com:80/a\\?b=1 HTTP/1\\.1" "curl/8\\.0" - -',
          'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-tg/73e2d6bc24d8a067',
          '"Root=1-[0-9a-f]{8}-[0-9a-f]{24}" "-" "-" 0 2026-01-01T00:00:00\\.000000Z',
          '"forward" "-" "-" "10\\.0\\.1\\.10:80" "200" "-" "-"$',
        ].join(' '),
      ),
    );
  });

  it('redirects HTTP to HTTPS with 301 and Location https://#{host}:443/#{path}?#{query} (§2.5 page)', async () => {
    await setUp({
      actions: [{ type: 'redirect', protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' }],
    });
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const response = await send(url, {
      path: '/shop/cart?id=7&x=y',
      headers: { Host: 'www.example.com' },
      agent,
    });
    expect(response.status).toBe(301);
    expect(response.statusText).toBe('Moved Permanently');
    expect(response.rawHeaders).toEqual([
      'Server',
      'awselb/2.0',
      'Date',
      DATE,
      'Content-Type',
      'text/html',
      'Content-Length',
      '134',
      'Connection',
      'keep-alive',
      'Location',
      'https://www.example.com:443/shop/cart?id=7&x=y',
    ]);
    expect(response.body).toBe(page('301 Moved Permanently'));
    expect((await send(url, { path: '/', headers: { Host: 'www.example.com' } })).headers.location).toBe(
      'https://www.example.com:443/',
    );
    expect(logLines[0]).toMatch(
      /"redirect" "https:\/\/www\.example\.com:443\/shop\/cart\?id=7&x=y" "-" "-" "-"/,
    );
  });

  it('answers a fixed-response action with its status, type and body', async () => {
    await setUp({
      actions: [
        { type: 'fixed-response', statusCode: 404, contentType: 'application/json', messageBody: '{"m":1}' },
      ],
    });
    const response = await send(url);
    expect(response.status).toBe(404);
    expect(response.headers).toMatchObject({
      server: 'awselb/2.0',
      'content-type': 'application/json; charset=utf-8',
      'content-length': '7',
    });
    expect(response.body).toBe('{"m":1}');
  });

  it('close() ends keep-alive client connections at once', async () => {
    await setUp();
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const response = await send(url, { agent });
    expect(response.headers.connection).toBe('keep-alive');
    const closed = once(response.socket, 'close');
    await lb.close();
    await closed;
    expect(response.socket.destroyed).toBe(true);
    // Health checks stopped too: nothing left on the clock.
    expect(clock.pending).toBe(0);
  });

  it('answers a malformed request with the ALB 400 page and closes the connection', async () => {
    await setUp();
    const socket = connect(lb.listeners[0].port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.end('GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(socket, 'close');
    const text = Buffer.concat(chunks).toString('latin1');
    expect(text).toBe(
      `HTTP/1.1 400 Bad Request\r\nServer: awselb/2.0\r\nDate: ${DATE}\r\nContent-Type: text/html\r\n` +
        `Content-Length: 122\r\nConnection: close\r\n\r\n${page('400 Bad Request')}`,
    );
    expect(a.requests).toHaveLength(0);
  });

  it('HTTPS listener pattern: port 80 redirects to the local HTTPS port, port 443 forwards over TLS with X-Forwarded-Proto https and Port 443', async () => {
    const caRoot = mkdtempSync(join(tmpdir(), 'wharf-ca-'));
    cleanups.push(() => rmSync(caRoot, { recursive: true, force: true }));
    const ca = LocalCertificateAuthority.openOrCreate(join(caRoot, 'ca'));
    clock = new ManualClock();
    network = new TestNetwork();
    logLines = [];
    a = await startBackend('a');
    b = await startBackend('b');
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    network.add('10.0.1.10', 80, a.port);
    group = new TargetGroup(targetGroupConfig(), { clock });
    group.registerTarget({ id: '10.0.1.10', port: 80 });
    const config = lbConfig([{ type: 'redirect', protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' }]);
    lb = await startLoadBalancer(
      {
        ...config,
        listeners: [
          ...config.listeners,
          {
            arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/app-alb/50dc6c495c0c9188/443',
            port: 443,
            protocol: 'HTTPS',
            tls: {
              certificates: [
                {
                  arn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
                  names: ['shop.example.com'],
                },
              ],
              sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
            },
            defaultActions: [{ type: 'forward', targetGroups: [{ targetGroupArn: group.arn, weight: 1 }] }],
          },
        ],
      },
      new Map([[group.arn, group]]),
      {
        network,
        clock,
        accessLog: (line) => logLines.push(line),
        issueCertificate: (names) => ca.issue(names),
      },
    );
    cleanups.push(() => lb.close());
    expect(lb.listeners.map((listener) => [listener.awsPort, listener.protocol])).toEqual([
      [80, 'HTTP'],
      [443, 'HTTPS'],
    ]);
    const redirect = await send(lb.listeners[0].url, {
      path: '/a?b=1',
      headers: { Host: 'shop.example.com' },
    });
    expect(redirect.headers.location).toBe(`https://shop.example.com:${lb.listeners[1].port}/a?b=1`);
    expect(lb.listeners[1].url).toBe(`https://shop.example.com:${lb.listeners[1].port}`);
    const response = await getOverTls(
      `https://shop.example.com:${lb.listeners[1].port}/a?b=1`,
      ca.certificatePem,
      { maxVersion: 'TLSv1.2' },
    );
    expect(response.authorized).toBe(true);
    const seen = JSON.parse(response.body).headers;
    expect([seen.host, seen['x-forwarded-proto'], seen['x-forwarded-port']]).toEqual([
      'shop.example.com',
      'https',
      '443',
    ]);
    expect(logLines[1]).toMatch(
      /^https .* "GET https:\/\/shop\.example\.com:443\/a\?b=1 HTTP\/1\.1" "-" ECDHE-RSA-AES\d+-GCM-SHA\d+ TLSv1\.2 /,
    );
  });

  it('throws WHARF_ELB_TARGET_GROUP_UNKNOWN when an action names a group it was not given', async () => {
    await expect(
      startLoadBalancer(
        lbConfig([{ type: 'forward', targetGroups: [{ targetGroupArn: 'arn:missing', weight: 1 }] }]),
        new Map(),
        { network: new TestNetwork() },
      ),
    ).rejects.toMatchObject({ code: 'WHARF_ELB_TARGET_GROUP_UNKNOWN' });
  });
});
