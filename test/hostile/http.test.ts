/**
 * Hostile HTTP against the local ingresses: a corpus of malformed, smuggling and stalling requests
 * written on raw sockets (node:net) to the API Gateway HTTP API emulator and the ALB emulator,
 * each with its exact outcome (status, body, connection kept or closed), then a good request to
 * show the emulator still serves, and a real backend (node:http on 127.0.0.1) recording every
 * request that reached it. Section numbers are those of aws-behavior.md (§1 HTTP API, §2 ALB);
 * RFC 9112 is HTTP/1.1's message syntax, RFC 7239 the `Forwarded` header.
 *
 * Timeouts are shortened through the emulators' own settings (the integration's
 * `TimeoutInMillis`, the ALB's idle timeout) so the whole file runs in a few seconds.
 */

import { once } from 'node:events';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHttpApi, startHttpApi } from '../../src/local/apigateway/server.js';
import type { HttpApiConfig } from '../../src/local/apigateway/types.js';
import { ManualClock } from '../../src/local/clock.js';
import { startLocalCloud } from '../../src/local/cloud.js';
import { startCloudMapEndpoint } from '../../src/local/cloudmap/server.js';
import { type RunningLoadBalancer, startLoadBalancer } from '../../src/local/elb/load-balancer.js';
import { TargetGroup } from '../../src/local/elb/target-group.js';
import type { LoadBalancerConfig } from '../../src/local/elb/types.js';
import { FakeCloudMap, TableNetwork, taskInstance } from '../local/apigateway/backends.js';
import { makeRegistry } from '../local/cloudmap/fixtures.js';
import { TestNetwork, targetGroupConfig } from '../local/elb/support.js';
import {
  ALB_PAGE,
  eventually,
  listenOn,
  parseForwarded,
  type RawResult,
  type RecordingBackend,
  rawRequest,
  startRecordingBackend,
} from './http-support.js';

const LB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/edge/50dc6c495c0c9188';
const DNS_NAME = 'edge-1234567890.us-east-1.elb.amazonaws.com';

let backend: RecordingBackend;
let evil: { port: number; connections: number; close(): Promise<void> };
let api: RunningHttpApi;
let alb: RunningLoadBalancer;
let idleAlb: RunningLoadBalancer;
const albLog: string[] = [];

function loadBalancer(name: string, group: TargetGroup): LoadBalancerConfig {
  return {
    arn: LB_ARN.replace('/edge/', `/${name}/`),
    name,
    dnsName: DNS_NAME,
    scheme: 'internet-facing',
    securityGroupIds: ['sg-alb'],
    subnetIds: ['subnet-a'],
    idleTimeoutSeconds: 60,
    dropInvalidHeaderFields: false,
    listeners: [
      {
        arn: `${LB_ARN.replace(':loadbalancer/', ':listener/')}/f2f7dc8efc522ab2`,
        port: 80,
        protocol: 'HTTP',
        defaultActions: [{ type: 'forward', targetGroups: [{ targetGroupArn: group.arn, weight: 1 }] }],
      },
    ],
  };
}

beforeAll(async () => {
  backend = await startRecordingBackend();
  const evilServer = createServer((_req, res) => res.end('fetched'));
  evil = await listenOn(evilServer, { port: 0, connections: 0 });
  evilServer.on('connection', () => evil.connections++);

  const integration = (id: string, timeoutMs: number) => ({
    id,
    type: 'HTTP_PROXY' as const,
    connectionType: 'VPC_LINK' as const,
    uri: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-app',
    method: 'ANY',
    timeoutMs,
    vpcLinkId: 'vpclink-1',
  });
  const config: HttpApiConfig = {
    id: 'a1b2c3d4e5',
    name: 'Api',
    awsEndpoint: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
    stages: [{ name: '$default', autoDeploy: true, routeThrottles: {} }],
    routes: [
      { routeKey: 'ANY /app/{proxy+}', integrationId: 'main' },
      // A short TimeoutInMillis: the body-stall cases end after it.
      { routeKey: 'POST /app/upload', integrationId: 'upload' },
    ],
    integrations: [integration('main', 5_000), integration('upload', 300)],
    vpcLinks: [{ id: 'vpclink-1', name: 'Link', securityGroupIds: ['sg-link'], subnetIds: ['subnet-a'] }],
  };
  api = await startHttpApi(config, {
    instances: new FakeCloudMap({ 'srv-app': [taskInstance('srv-app', '10.0.1.10', 8080)] }),
    network: new TableNetwork({ '10.0.1.10:8080': { ok: true, host: '127.0.0.1', port: backend.port } }),
  });

  const clock = new ManualClock();
  const network = new TestNetwork();
  network.add('10.0.1.10', 80, backend.port);
  const group = new TargetGroup(targetGroupConfig(), { clock });
  group.registerTarget({ id: '10.0.1.10', port: 80 });
  const groups = new Map([[group.arn, group]]);
  alb = await startLoadBalancer(loadBalancer('edge', group), groups, {
    network,
    clock,
    accessLog: (line) => albLog.push(line),
  });
  // The same load balancer with a 400 ms idle timeout (the attribute's minimum is 1 s).
  idleAlb = await startLoadBalancer(
    loadBalancer('idle', group),
    groups,
    { network, clock, accessLog: (line) => albLog.push(line) },
    { idleTimeoutMs: 400 },
  );
});

afterAll(async () => {
  await Promise.all([api?.close(), alb?.close(), idleAlb?.close()]);
  await Promise.all([backend?.close(), evil?.close()]);
});

type Emulator = 'API Gateway' | 'ALB';
const portOf = (emulator: Emulator) => (emulator === 'ALB' ? alb.listeners[0].port : api.port);

/** A good request on a new connection: 200 from the backend, which saw it. */
async function expectStillServing(emulator: Emulator): Promise<void> {
  const before = backend.complete.length;
  const res = await rawRequest(
    portOf(emulator),
    'GET /app/still-serving HTTP/1.1\r\nHost: localhost\r\n\r\n',
  );
  expect(res.statusLine).toBe('HTTP/1.1 200 OK');
  expect(res.body).toBe('backend ok');
  expect(backend.complete.slice(before).map((seen) => seen.url)).toEqual(['/app/still-serving']);
}

/** The exact refusal each emulator writes for a request it will not forward. */
function expectRefused(emulator: Emulator, res: RawResult, status: 400 | 408 | 431): void {
  const text = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[status];
  if (emulator === 'API Gateway') {
    expect(res.statusLine).toBe(`HTTP/1.1 ${status} ${text}`);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['apigw-requestid']).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(res.body).toBe(JSON.stringify({ message: text }));
    expect(res.headers.connection).toBe('close');
  } else {
    const albText = status === 408 ? 'Request Time-out' : 'Bad Request';
    expect(res.statusLine).toBe(`HTTP/1.1 ${status} ${albText}`);
    expect(res.headers.server).toBe('awselb/2.0');
    expect(res.headers.connection).toBe('close');
    expect(res.body).toBe(ALB_PAGE(`${status} ${albText}`));
  }
  expect(res.closed).toBe(true);
}

const chunked = 'Transfer-Encoding: chunked\r\n';
/** Requests node:http's strict parser refuses: the framing cannot be trusted, nothing is forwarded. */
const MALFORMED: ReadonlyArray<readonly [string, string]> = [
  [
    'Content-Length and Transfer-Encoding together (CL.TE)',
    `POST /app/x HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n${chunked}\r\n0\r\n\r\nG`,
  ],
  [
    'Transfer-Encoding then a shorter Content-Length (TE.CL)',
    `POST /app/x HTTP/1.1\r\nHost: h\r\n${chunked}Content-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n`,
  ],
  [
    'two different Content-Length headers',
    'POST /app/x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde',
  ],
  [
    'two identical Content-Length headers',
    'POST /app/x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd',
  ],
  ['a Content-Length list "4, 4"', 'POST /app/x HTTP/1.1\r\nHost: h\r\nContent-Length: 4, 4\r\n\r\nabcd'],
  ['a negative Content-Length', 'POST /app/x HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n'],
  ['a signed Content-Length "+3"', 'POST /app/x HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc'],
  ['a chunk size that is not hex', `POST /app/x HTTP/1.1\r\nHost: h\r\n${chunked}\r\nzz\r\nabc\r\n0\r\n\r\n`],
  [
    'a chunk size that overflows 64 bits',
    `POST /app/x HTTP/1.1\r\nHost: h\r\n${chunked}\r\nfffffffffffffffffff\r\nabc\r\n0\r\n\r\n`,
  ],
  [
    'a chunk extension holding a NUL',
    `POST /app/x HTTP/1.1\r\nHost: h\r\n${chunked}\r\n3;a="\u0000"\r\nabc\r\n0\r\n\r\n`,
  ],
  [
    'Transfer-Encoding: chunked, identity',
    'POST /app/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  ],
  [
    'Transfer-Encoding with a space before the colon',
    'POST /app/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  ],
  [
    'Transfer-Encoding: chunked twice',
    `POST /app/x HTTP/1.1\r\nHost: h\r\n${chunked}${chunked}\r\n3\r\nabc\r\n0\r\n\r\n`,
  ],
  [
    'an unknown Transfer-Encoding (gzip)',
    'POST /app/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\nabc',
  ],
  ['a NUL in a header value', 'GET /app/x HTTP/1.1\r\nHost: h\r\nX-A: b\u0000c\r\n\r\n'],
  ['a NUL in a header name', 'GET /app/x HTTP/1.1\r\nHost: h\r\nX\u0000A: b\r\n\r\n'],
  ['a control character in a header value', 'GET /app/x HTTP/1.1\r\nHost: h\r\nX-A: b\u0001c\r\n\r\n'],
  ['a bare CR in a header value', 'GET /app/x HTTP/1.1\r\nHost: h\r\nX-A: b\rX-B: c\r\n\r\n'],
  ['bare LF line endings', 'GET /app/x HTTP/1.1\nHost: h\nX-A: b\n\n'],
  ['an obs-fold continuation line', 'GET /app/x HTTP/1.1\r\nHost: h\r\nX-A: b\r\n c\r\n\r\n'],
  ['a space inside a header name', 'GET /app/x HTTP/1.1\r\nHost: h\r\nX A: b\r\n\r\n'],
  ['a space in the request-target', 'GET /app/a b HTTP/1.1\r\nHost: h\r\n\r\n'],
  ['an invalid method (G@T)', 'G@T /app/x HTTP/1.1\r\nHost: h\r\n\r\n'],
  ['an unknown method (FOO)', 'FOO /app/x HTTP/1.1\r\nHost: h\r\n\r\n'],
  ['a lower-case method', 'get /app/x HTTP/1.1\r\nHost: h\r\n\r\n'],
];

describe.each(['API Gateway', 'ALB'] as const)(
  '%s: malformed framing is refused, never forwarded (no request smuggling)',
  (emulator) => {
    it.each(MALFORMED)('answers 400 and closes the connection for %s', async (_name, payload) => {
      const before = backend.started.length;
      expectRefused(emulator, await rawRequest(portOf(emulator), payload), 400);
      expect(backend.started.length).toBe(before);
      await expectStillServing(emulator);
    });

    it('forwards a request-line hidden in a body as body bytes, never as a second request', async () => {
      const inner = 'GET /app/admin HTTP/1.1\r\nHost: h\r\n\r\n';
      const before = backend.complete.length;
      const res = await rawRequest(
        portOf(emulator),
        `POST /app/form HTTP/1.1\r\nHost: h\r\nContent-Length: ${inner.length}\r\n\r\n${inner}`,
      );
      expect(res.statusLine).toBe('HTTP/1.1 200 OK');
      expect(backend.complete.slice(before).map((seen) => [seen.method, seen.url, seen.body])).toEqual([
        ['POST', '/app/form', inner],
      ]);
    });

    it('forwards a chunked body with a chunk extension, without the extension, as one request', async () => {
      const before = backend.complete.length;
      const res = await rawRequest(
        portOf(emulator),
        `POST /app/chunks HTTP/1.1\r\nHost: h\r\n${chunked}\r\n3;name=value\r\nabc\r\n0\r\n\r\n`,
      );
      expect(res.statusLine).toBe('HTTP/1.1 200 OK');
      const seen = backend.complete.slice(before);
      expect(seen.map((s) => [s.url, s.body])).toEqual([['/app/chunks', 'abc']]);
      expect(seen[0]?.rawHeaders.join('\n')).not.toContain('name=value');
    });

    it('closes the connection on CONNECT without forwarding anything', async () => {
      const before = backend.started.length;
      const res = await rawRequest(
        portOf(emulator),
        'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n',
      );
      expect([res.statusLine, res.closed]).toEqual(['', true]);
      expect(backend.started.length).toBe(before);
      await expectStillServing(emulator);
    });
  },
);

describe.each(['API Gateway', 'ALB'] as const)('%s: request-targets (RFC 9112 §3.2)', (emulator) => {
  it('routes an absolute-form target on its path and sends origin-form, with the target host as Host (§3.2.2)', async () => {
    const before = backend.complete.length;
    const res = await rawRequest(
      portOf(emulator),
      `GET http://127.0.0.1:${evil.port}/app/x?q=1 HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    const seen = backend.complete.slice(before);
    expect(seen.map((s) => s.url)).toEqual(['/app/x?q=1']);
    const host = `127.0.0.1:${evil.port}`;
    if (emulator === 'API Gateway') {
      expect(seen[0]?.headers.host).toBe(host);
      expect(parseForwarded(String(seen[0]?.headers.forwarded))[0]?.host).toBe(host);
    } else {
      // The ALB strips the port and presents its listener port 80 (§2.4).
      expect(seen[0]?.headers.host).toBe('127.0.0.1');
    }
    // No remote fetch: the URL in the request line is never connected to.
    expect(evil.connections).toBe(0);
  });

  it.each([
    ['asterisk-form (OPTIONS *)', 'OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n'],
    [
      'an absolute-form target with userinfo',
      'GET http://user@evil.example/app/x HTTP/1.1\r\nHost: h\r\n\r\n',
    ],
    [
      'an absolute-form target with another scheme',
      'GET ftp://evil.example/app/x HTTP/1.1\r\nHost: h\r\n\r\n',
    ],
  ])('answers 400 and closes for %s', async (_name, payload) => {
    const before = backend.started.length;
    expectRefused(emulator, await rawRequest(portOf(emulator), payload), 400);
    expect(backend.started.length).toBe(before);
    await expectStillServing(emulator);
  });

  it('answers 400 and closes for an HTTP/1.1 request without Host (RFC 9112 §3.2)', async () => {
    const before = backend.started.length;
    expectRefused(emulator, await rawRequest(portOf(emulator), 'GET /app/x HTTP/1.1\r\n\r\n'), 400);
    expect(backend.started.length).toBe(before);
  });
});

describe('API Gateway: the Host names the API; Forwarded values stay single values (§1.3, RFC 7239 §4)', () => {
  it.each([
    ['a semicolon', 'a;for=6.6.6.6'],
    ['a comma', 'a,for=6.6.6.6'],
    ['an equals sign and a port', 'a=b:8080'],
  ])('quotes a Host with %s, so the backend reads exactly one element and one for=', async (_name, host) => {
    const before = backend.complete.length;
    const res = await rawRequest(api.port, `GET /app/fwd HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    const seen = backend.complete.slice(before)[0];
    expect(seen?.headers.forwarded).toBe(`by=10.0.0.5;for=127.0.0.1;host="${host}";proto=http`);
    expect(parseForwarded(String(seen?.headers.forwarded))).toEqual([
      { by: '10.0.0.5', for: '127.0.0.1', host, proto: 'http' },
    ]);
  });

  it.each([
    ['a double quote', 'GET /app/x HTTP/1.1\r\nHost: "a\r\n\r\n'],
    ['a space', 'GET /app/x HTTP/1.1\r\nHost: a b\r\n\r\n'],
    ['a slash', 'GET /app/x HTTP/1.1\r\nHost: a/b\r\n\r\n'],
    ['nothing (empty)', 'GET /app/x HTTP/1.1\r\nHost: \r\n\r\n'],
    ['two Host lines', 'GET /app/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
    ['none on HTTP/1.0', 'GET /app/x HTTP/1.0\r\n\r\n'],
  ])(
    'answers 400 {"message":"Bad Request"} and forwards nothing for a Host with %s',
    async (_name, payload) => {
      const before = backend.started.length;
      expectRefused('API Gateway', await rawRequest(api.port, payload), 400);
      expect(backend.started.length).toBe(before);
      await expectStillServing('API Gateway');
    },
  );
});

describe('ALB: Host is forwarded as AWS forwards it; X-Forwarded-* come from the connection (§2.4, §2.6)', () => {
  it('forwards Host: a;for=6.6.6.6 unchanged with X-Forwarded-For the peer only, and adds no Forwarded', async () => {
    const before = backend.complete.length;
    const res = await rawRequest(
      alb.listeners[0].port,
      'GET /app/fwd HTTP/1.1\r\nHost: a;for=6.6.6.6\r\n\r\n',
    );
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    const seen = backend.complete.slice(before)[0];
    expect([seen?.headers.host, seen?.headers['x-forwarded-for'], seen?.headers.forwarded]).toEqual([
      'a;for=6.6.6.6',
      '127.0.0.1',
      undefined,
    ]);
  });

  it("gives an HTTP/1.0 request without Host the load balancer's DNS name", async () => {
    const before = backend.complete.length;
    const res = await rawRequest(alb.listeners[0].port, 'GET /app/old HTTP/1.0\r\n\r\n');
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(backend.complete.slice(before).map((seen) => seen.headers.host)).toEqual([DNS_NAME]);
  });
});

describe('header limits (§1.6, §2.5)', () => {
  const withHeader = (bytes: number) =>
    `GET /app/big HTTP/1.1\r\nHost: h\r\nX-Pad: ${'a'.repeat(bytes)}\r\n\r\n`;

  it('API Gateway: 431 past 10,240 bytes of request line and headers, and the connection is kept', async () => {
    const res = await rawRequest(api.port, withHeader(10_300));
    expect(res.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(res.body).toBe('{"message":"Request Header Fields Too Large"}');
    expect(res.closed).toBe(false);
  });

  it('API Gateway: 431 and the connection closed past the 64 KiB node:http parses', async () => {
    const res = await rawRequest(api.port, withHeader(70_000));
    expectRefusedHeaders(res);
  });

  function expectRefusedHeaders(res: RawResult): void {
    expect(res.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(res.body).toBe('{"message":"Request Header Fields Too Large"}');
    expect(res.closed).toBe(true);
  }

  it('ALB: 400 for one header line over 16 K, and 16 K exactly is forwarded (§2.5)', async () => {
    // "X-Pad: " is 7 bytes of the line.
    const before = backend.started.length;
    expectRefused('ALB', await rawRequest(alb.listeners[0].port, withHeader(16 * 1024 - 7 + 1)), 400);
    expect(backend.started.length).toBe(before);
    const res = await rawRequest(alb.listeners[0].port, withHeader(16 * 1024 - 7));
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
  });

  it('ALB: 400 for a request line over 16 K (§2.5)', async () => {
    const res = await rawRequest(
      alb.listeners[0].port,
      `GET /app/${'a'.repeat(16 * 1024)} HTTP/1.1\r\nHost: h\r\n\r\n`,
    );
    expectRefused('ALB', res, 400);
  });

  it('ALB: 400 and the connection closed for headers over 64 K (§2.5)', async () => {
    const headers = Array.from({ length: 5 }, (_, i) => `X-Pad-${i}: ${'a'.repeat(15_000)}\r\n`).join('');
    expectRefused(
      'ALB',
      await rawRequest(alb.listeners[0].port, `GET /app/x HTTP/1.1\r\nHost: h\r\n${headers}\r\n`),
      400,
    );
  });
});

describe('stalled request bodies end after the idle timeout', () => {
  const stalls = [
    [
      '3 bytes of a declared 5 MB body',
      'POST /app/upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5000000\r\n\r\nabc',
    ],
    [
      'a chunked body without its last chunk',
      `POST /app/upload HTTP/1.1\r\nHost: h\r\n${chunked}\r\n3\r\nabc\r\n`,
    ],
  ] as const;

  it.each(stalls)(
    'ALB: 408 Request Time-out and the connection closed for %s, the target call cut (§2.4 idle timeout, §2.5 408)',
    async (_name, payload) => {
      const completeBefore = backend.complete.length;
      const abortedBefore = backend.aborted;
      const res = await rawRequest(idleAlb.listeners[0].port, payload);
      expectRefused('ALB', res, 408);
      expect(res.afterMs).toBeGreaterThanOrEqual(350);
      await eventually('the target seeing its request aborted', () => backend.aborted > abortedBefore);
      expect(backend.complete.length).toBe(completeBefore);
      expect(albLog.at(-1)).toMatch(
        /^http \S+ app\/idle\/\S+ 127\.0\.0\.1:\d+ 10\.0\.1\.10:80 [\d.]+ -1 -1 408 - /,
      );
    },
  );

  it.each(stalls)(
    'API Gateway: 408 {"message":"Request Timeout"} and the connection closed for %s after TimeoutInMillis (§1.6)',
    async (_name, payload) => {
      const completeBefore = backend.complete.length;
      const abortedBefore = backend.aborted;
      const res = await rawRequest(api.port, payload);
      expectRefused('API Gateway', res, 408);
      expect(res.afterMs).toBeGreaterThanOrEqual(250);
      await eventually('the backend seeing its request aborted', () => backend.aborted > abortedBefore);
      expect(backend.complete.length).toBe(completeBefore);
    },
  );

  it('ALB: a slow body that keeps sending within the idle timeout is not cut', async () => {
    const socket = connect(idleAlb.listeners[0].port, '127.0.0.1');
    const before = backend.complete.length;
    // 6 bytes 100 ms apart: 600 ms in all, longer than the 400 ms idle timeout, never idle for it.
    socket.write('POST /app/slow HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\n');
    for (const byte of 'abcdef') {
      await new Promise((next) => setTimeout(next, 100));
      socket.write(byte);
    }
    await eventually('the slow request reaching the target whole', () => backend.complete.length > before);
    socket.destroy();
    expect(backend.complete.at(-1)?.body).toBe('abcdef');
  });

  it('ALB: 408 and close for headers that never end (slowloris)', async () => {
    const res = await rawRequest(
      idleAlb.listeners[0].port,
      'GET /app/x HTTP/1.1\r\nHost: h\r\nX-Slow: 1\r\n',
    );
    expectRefused('ALB', res, 408);
  });
});

describe('what already held keeps holding', () => {
  it('every listener (HTTP API, ALB, Cloud Map endpoint) is on 127.0.0.1 and refuses other interfaces', async () => {
    const registry = makeRegistry();
    const cloudMap = await startCloudMapEndpoint(registry);
    const cloudMapPort = Number(new URL(cloudMap.url).port);
    const ports = [api.port, alb.listeners[0].port, cloudMapPort];
    expect([api.url, alb.listeners[0].url, cloudMap.url]).toEqual(
      ports.map((port) => `http://127.0.0.1:${port}`),
    );
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
    for (const port of external ? ports : []) {
      const socket = connect(port, external as string);
      const [error] = (await once(socket, 'error').catch((e) => [e])) as [NodeJS.ErrnoException];
      expect(error.code).toBe('ECONNREFUSED');
    }
    await cloudMap.close();
    registry.close();
  });

  it('API Gateway answers 413 for a declared body over 10 MB at once, before any body byte (§1.6)', async () => {
    const before = backend.started.length;
    const res = await rawRequest(
      api.port,
      'POST /app/x HTTP/1.1\r\nHost: h\r\nContent-Length: 10485761\r\n\r\n',
    );
    expect(res.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expect(res.body).toBe('{"message":"Request Entity Too Large"}');
    expect(backend.started.length).toBe(before);
  });

  it('close() of either ingress returns at once and drops clients still holding stalled requests (Ctrl-C)', async () => {
    const local = await startRecordingBackend();
    const clock = new ManualClock();
    const network = new TestNetwork();
    network.add('10.0.1.10', 80, local.port);
    const group = new TargetGroup(targetGroupConfig(), { clock });
    group.registerTarget({ id: '10.0.1.10', port: 80 });
    const lb = await startLoadBalancer(loadBalancer('ctrlc', group), new Map([[group.arn, group]]), {
      network,
      clock,
    });
    const gateway = await startHttpApi(api.emulator.api.config, {
      instances: new FakeCloudMap({ 'srv-app': [taskInstance('srv-app', '10.0.1.10', 8080)] }),
      network: new TableNetwork({ '10.0.1.10:8080': { ok: true, host: '127.0.0.1', port: local.port } }),
    });
    const stalled = [lb.listeners[0].port, gateway.port].map((port) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write('POST /app/x HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nab');
      return once(socket, 'close');
    });
    await eventually('both requests reaching the backend', () => local.started.length === 2);
    const started = performance.now();
    await Promise.all([lb.close(), gateway.close()]);
    await Promise.all(stalled);
    expect(performance.now() - started).toBeLessThan(1_000);
    await local.close();
  });
});

describe('ALB access log folder (a hostile load balancer Name)', () => {
  it("keeps the access log inside the log folder for Name ../../x, sanitised with the API log groups' rule", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-hostile-lb-'));
    const logDir = join(dir, 'logs');
    writeFileSync(join(dir, 'template.yml'), HOSTILE_NAME_TEMPLATE);
    const cloud = await startLocalCloud({ template: join(dir, 'template.yml'), runtime: 'process', logDir });
    try {
      const url = cloud.endpoints.find((endpoint) => endpoint.kind === 'load-balancer')?.url as string;
      expect((await fetch(`${url}/`)).status).toBe(200);
    } finally {
      await cloud.stop();
    }
    const files = readdirSync(logDir, { recursive: true, encoding: 'utf8' });
    expect(files).toContain(join('elb', '.._.._x', 'access.log'));
    for (const file of files) expect(relative(logDir, resolve(logDir, file)).startsWith('..')).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['logs', 'template.yml']);
  });
});

const HOSTILE_NAME_TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: us-east-1a
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Name: ../../x
      Subnets: [!Ref SubnetA]
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: fixed-response
          FixedResponseConfig:
            StatusCode: "200"
            ContentType: text/plain
            MessageBody: ok
`;
