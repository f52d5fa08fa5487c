import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { Agent, Pool, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clfTime } from '../../../src/local/apigateway/access-log.js';
import type { GatewayDiagnostic } from '../../../src/local/apigateway/ports.js';
import { type RunningHttpApi, startHttpApi } from '../../../src/local/apigateway/server.js';
import type { HttpApiConfig } from '../../../src/local/apigateway/types.js';
import { ManualClock } from '../../../src/local/clock.js';
import {
  type Backend,
  type Echo,
  FakeCloudMap,
  patternBytes,
  sha256,
  startBackend,
  TableNetwork,
  taskInstance,
} from './backends.js';

const ACCOUNT = '123456789012';
const srv = (id: string) => `arn:aws:servicediscovery:us-east-1:${ACCOUNT}:service/${id}`;
const REQUEST_ID = /^[A-Za-z0-9+/]{15}=$/;
const TRACE = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const CLF =
  '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId';
const BLOCKED_MESSAGE =
  'sg-task (service.yml: TaskSecurityGroup) allows no tcp 8080 from sg-link (VPC link VpcLink (vpclink-abc123))';

const vpcLink = {
  id: 'vpclink-abc123',
  name: 'VpcLink',
  securityGroupIds: ['sg-link'],
  subnetIds: ['subnet-a'],
};
const cloudMapIntegration = (id: string, serviceId: string, timeoutMs = 30_000) => ({
  id,
  type: 'HTTP_PROXY' as const,
  connectionType: 'VPC_LINK' as const,
  uri: srv(serviceId),
  method: 'ANY',
  timeoutMs,
  vpcLinkId: vpcLink.id,
});

let a: Backend;
let b: Backend;
let api: RunningHttpApi;
let staged: RunningHttpApi;
let client: Agent;
const clock = new ManualClock();
const logLines: Array<[string, string]> = [];
const blocked: string[] = [];
const diagnostics: GatewayDiagnostic[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([startBackend('a'), startBackend('b')]);
  const cloudMap = new FakeCloudMap({
    'srv-orders': [
      taskInstance('srv-orders', '10.0.1.10', 8080),
      taskInstance('srv-orders', '10.0.2.10', 8080),
    ],
    'srv-locked': [taskInstance('srv-locked', '10.0.3.10', 8080)],
    'srv-gone': [taskInstance('srv-gone', '10.0.4.10', 8080)],
  });
  const network = new TableNetwork({
    '10.0.1.10:8080': { ok: true, host: '127.0.0.1', port: a.port },
    '10.0.2.10:8080': { ok: true, host: '127.0.0.1', port: b.port },
    '10.0.3.10:8080': { ok: false, reason: 'blocked', message: BLOCKED_MESSAGE },
  });
  const config: HttpApiConfig = {
    id: 'a1b2c3d4e5',
    name: 'Api',
    awsEndpoint: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
    stages: [
      {
        name: '$default',
        autoDeploy: true,
        routeThrottles: { 'GET /limited': { rateLimit: 1, burstLimit: 2 } },
        accessLog: {
          destinationArn: 'arn:aws:logs:us-east-1:1:log-group:/api/access',
          logGroupName: '/api/access',
          format: CLF,
        },
      },
    ],
    routes: [
      { routeKey: 'ANY /{proxy+}', integrationId: 'orders' },
      { routeKey: 'GET /limited', integrationId: 'orders' },
      { routeKey: 'GET /slow', integrationId: 'orders-200ms' },
      { routeKey: 'GET /blocked', integrationId: 'locked' },
      { routeKey: 'GET /empty', integrationId: 'empty' },
      { routeKey: 'GET /gone', integrationId: 'gone' },
      { routeKey: 'GET /notarget' },
      { routeKey: 'GET /ext/{proxy+}', integrationId: 'public' },
    ],
    integrations: [
      cloudMapIntegration('orders', 'srv-orders'),
      cloudMapIntegration('orders-200ms', 'srv-orders', 200),
      cloudMapIntegration('locked', 'srv-locked'),
      cloudMapIntegration('empty', 'srv-empty'),
      cloudMapIntegration('gone', 'srv-gone'),
      {
        id: 'public',
        type: 'HTTP_PROXY',
        connectionType: 'INTERNET',
        uri: `http://127.0.0.1:${a.port}/base/{proxy}`,
        method: 'ANY',
        timeoutMs: 30_000,
      },
    ],
    vpcLinks: [vpcLink],
  };
  const deps = {
    instances: cloudMap,
    network,
    clock,
    accessLog: (group: string, line: string) => logLines.push([group, line]),
    onBlocked: (message: string) => blocked.push(message),
    onDiagnostic: (diagnostic: GatewayDiagnostic) => diagnostics.push(diagnostic),
  };
  api = await startHttpApi(config, deps, { vpcLinkSourceIps: { [vpcLink.id]: '10.0.0.21' } });
  staged = await startHttpApi(
    { ...config, stages: [{ name: 'prod', autoDeploy: true, routeThrottles: {} }] },
    { instances: cloudMap, network },
  );
  client = new Agent({ keepAliveTimeout: 10_000 });
});

afterAll(async () => {
  await Promise.all([api?.close(), staged?.close(), client?.close()]);
  await Promise.all([a?.close(), b?.close()]);
});

async function send(
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string | Readable;
    base?: string;
  } = {},
) {
  const res = await request(`${options.base ?? api.url}${path}`, {
    method: (options.method ?? 'GET') as 'GET',
    headers: options.headers,
    body: options.body,
    dispatcher: client,
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body, text: body.toString() };
}

/** Resolves once `condition()` holds; fails after 5 s (the waits here are for events, not timing). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 5_000) throw new Error('the condition did not hold within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function echo(path: string, options: Parameters<typeof send>[1] = {}): Promise<Echo> {
  const res = await send(path, options);
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as Echo;
}

/** The exact shape of a gateway-generated response (§1.4, §1.5). */
function expectGatewayResponse(res: Awaited<ReturnType<typeof send>>, status: number, message: string): void {
  const body = JSON.stringify({ message });
  expect(res.status).toBe(status);
  expect(res.text).toBe(body);
  expect(Object.keys(res.headers).sort()).toEqual([
    'apigw-requestid',
    'connection',
    'content-length',
    'content-type',
    'date',
    'keep-alive',
  ]);
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  expect(res.headers['apigw-requestid']).toMatch(REQUEST_ID);
  expect(res.headers.connection).toBe('keep-alive');
  expect(Number.isNaN(Date.parse(String(res.headers.date)))).toBe(false);
}

describe('HTTP API → VPC link → Cloud Map: successful requests', () => {
  it('answers 200 with the backend body and headers plus apigw-requestid (§1.4)', async () => {
    const res = await send('/orders/42');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as Echo;
    expect(['a', 'b']).toContain(body.backend);
    expect(res.headers['x-backend']).toBe(body.backend);
    expect(res.headers.server).toBe(`echo-${body.backend}`);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['apigw-requestid']).toMatch(REQUEST_ID);
  });

  it('spreads requests over every instance Cloud Map returns (§1.2, uniform random)', async () => {
    const seen = { a: 0, b: 0 };
    for (let i = 0; i < 200; i++) seen[(await echo(`/spread/${i}`)).backend as 'a' | 'b']++;
    expect(seen.a).toBeGreaterThan(0);
    expect(seen.b).toBeGreaterThan(0);
    expect(seen.a + seen.b).toBe(200);
  });

  it('sends Forwarded (the Host with its port as an RFC 7239 quoted-string), Via, X-Amzn-Trace-Id and the original Host, and no X-Forwarded-For (§1.3)', async () => {
    const seen = await echo('/headers', {
      headers: { 'x-forwarded-for': '198.51.100.1', forwarded: 'for=198.51.100.1', 'x-custom': 'kept' },
    });
    expect(seen.headers.host).toBe(`127.0.0.1:${api.port}`);
    expect(seen.headers.forwarded).toBe(`by=10.0.0.21;for=127.0.0.1;host="127.0.0.1:${api.port}";proto=http`);
    expect(seen.headers.via).toBe('HTTP/1.1 AmazonAPIGateway');
    expect(seen.headers['x-amzn-trace-id']).toMatch(TRACE);
    expect(seen.headers['x-forwarded-for']).toBeUndefined();
    expect(seen.headers['x-custom']).toBe('kept');
  });

  it('keeps a well-formed X-Amzn-Trace-Id sent by the client', async () => {
    const trace = 'Root=1-5f84c7a9-0a1b2c3d4e5f60718293a4b5';
    expect((await echo('/trace', { headers: { 'x-amzn-trace-id': trace } })).headers['x-amzn-trace-id']).toBe(
      trace,
    );
  });

  it('connects from the VPC link ENI: its security groups, its private IP, its name (§1.2)', async () => {
    await echo('/source');
    const network = (api.emulator.api.network as TableNetwork).sources.at(-1);
    expect(network).toEqual({
      securityGroupIds: ['sg-link'],
      sourceIp: '10.0.0.21',
      label: 'VPC link VpcLink (vpclink-abc123)',
    });
  });

  it('forwards the path and query string unchanged on the $default stage (§1.1)', async () => {
    const seen = await echo('/orders/7?expand=items&page=2');
    expect(seen.url).toBe('/orders/7?expand=items&page=2');
    expect(seen.method).toBe('GET');
  });

  it('forwards a POST body and its Content-Length', async () => {
    const payload = JSON.stringify({ item: 'apple', quantity: 3 });
    const seen = await echo('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe(payload);
    expect(seen.headers['content-length']).toBe(String(payload.length));
    expect(seen.headers['content-type']).toBe('application/json');
  });

  it('forwards a chunked (no Content-Length) request body to the backend', async () => {
    const parts = ['one,', 'two,', 'three'];
    const seen = await echo('/upload', {
      method: 'PUT',
      body: Readable.from(parts.map((p) => Buffer.from(p))),
    });
    expect(seen.body).toBe('one,two,three');
    expect(seen.bodyLength).toBe(13);
  });

  it('streams a 25 MB response body through intact', async () => {
    const size = 25 * 1024 * 1024;
    const res = await send(`/big?size=${size}`);
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(size);
    expect(sha256(res.body)).toBe(sha256(patternBytes(size)));
    expect(res.headers['apigw-requestid']).toMatch(REQUEST_ID);
  });

  it('reuses keep-alive connections to the backends (fewer connections than requests)', async () => {
    const before = a.connections + b.connections;
    const pool = new Pool(api.url, { connections: 1 });
    try {
      for (let i = 0; i < 30; i++) {
        const res = await pool.request({ path: `/keepalive/${i}`, method: 'GET' });
        expect(res.statusCode).toBe(200);
        await res.body.dump();
      }
    } finally {
      await pool.close();
    }
    expect(a.connections + b.connections - before).toBeLessThan(30);
  });

  it('sends URL (INTERNET) integrations to the URL with {proxy} replaced and Host set to its host (§1.3)', async () => {
    const seen = await echo('/ext/x/y?q=1');
    expect(seen.backend).toBe('a');
    expect(seen.url).toBe('/base/x/y?q=1');
    expect(seen.headers.host).toBe(`127.0.0.1:${a.port}`);
    expect(seen.headers.forwarded).toMatch(new RegExp(`;host="127\\.0\\.0\\.1:${api.port}";proto=http$`));
  });
});

describe('named stages (§1.1)', () => {
  it('keeps the stage segment in the path sent to a private integration', async () => {
    const seen = await echo('/prod/orders/1?x=1', { base: staged.url });
    expect(seen.url).toBe('/prod/orders/1?x=1');
  });

  it('answers 404 Not Found when the path names no stage and there is no $default stage', async () => {
    expectGatewayResponse(await send('/orders/1', { base: staged.url }), 404, 'Not Found');
  });
});

describe('gateway errors (§1.5)', () => {
  it('answers 404 {"message":"Not Found"} when no route matches', async () => {
    expectGatewayResponse(await send('/'), 404, 'Not Found');
  });

  it('answers 404 for a route without an integration target', async () => {
    expectGatewayResponse(await send('/notarget'), 404, 'Not Found');
  });

  it('answers 503 {"message":"Service Unavailable"} when Cloud Map has no instance, and reports it', async () => {
    expectGatewayResponse(await send('/empty'), 503, 'Service Unavailable');
    expect(diagnostics.at(-1)).toMatchObject({ kind: 'no-instances', integrationId: 'empty' });
    expect(diagnostics.at(-1)?.message).toContain('srv-empty');
  });

  it('answers 503 when the integration times out (TimeoutInMillis 200)', async () => {
    expectGatewayResponse(await send('/slow'), 503, 'Service Unavailable');
  });

  // Not an AWS fact (aws-behavior.md is silent): abandoned requests must not pile up on the task.
  it('cuts the backend call when the client goes away before the answer', async () => {
    const requestsBefore = a.requests + b.requests;
    const cutBefore = a.cutShort + b.cutShort;
    const socket = connect(api.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /orders/slow HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // The backend holds `/slow` for 2 s; leave once it has the request.
    await waitFor(() => a.requests + b.requests > requestsBefore);
    socket.destroy();
    await waitFor(() => a.cutShort + b.cutShort > cutBefore);
    expect(a.cutShort + b.cutShort).toBe(cutBefore + 1);
  });

  it('answers 503 and reports the missing security-group rule when the VPC link is blocked', async () => {
    blocked.length = 0;
    expectGatewayResponse(await send('/blocked'), 503, 'Service Unavailable');
    expect(blocked).toEqual([BLOCKED_MESSAGE]);
    expect(diagnostics.at(-1)).toEqual({
      kind: 'blocked',
      integrationId: 'locked',
      message: BLOCKED_MESSAGE,
    });
  });

  it('answers 503 when the instance address has nothing behind it (task gone)', async () => {
    expectGatewayResponse(await send('/gone'), 503, 'Service Unavailable');
    expect(diagnostics.at(-1)).toMatchObject({ kind: 'no-such-address', integrationId: 'gone' });
  });

  it('answers 500 {"message":"Internal Server Error"} when the backend response is not HTTP', async () => {
    expectGatewayResponse(await send('/garbage'), 500, 'Internal Server Error');
  });

  it('answers 413 at once for a declared body over 10 MB', async () => {
    const res = await send('/orders', { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1) });
    expectGatewayResponse(res, 413, 'Request Entity Too Large');
  });

  it('accepts a body of exactly 10 MB', async () => {
    const seen = await echo('/orders', { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024) });
    expect(seen.bodyLength).toBe(10 * 1024 * 1024);
  });

  it('answers 413 when a chunked body passes 10 MB while streaming', async () => {
    const chunk = Buffer.alloc(256 * 1024, 1);
    async function* twelveMegabytes() {
      for (let i = 0; i < 48; i++) yield chunk;
    }
    const res = await send('/orders', { method: 'POST', body: Readable.from(twelveMegabytes()) });
    expectGatewayResponse(res, 413, 'Request Entity Too Large');
  });

  it('answers 431 when request line + headers exceed 10,240 bytes, and forwards 10,000', async () => {
    expectGatewayResponse(
      await send('/orders', { headers: { 'x-big': 'a'.repeat(10_300) } }),
      431,
      'Request Header Fields Too Large',
    );
    expect(
      (await echo('/orders', { headers: { 'x-big': 'a'.repeat(10_000) } })).headers['x-big'],
    ).toHaveLength(10_000);
  });

  it('answers a gateway-shaped 431 and closes the connection for headers beyond what node:http parses', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(api.port, '127.0.0.1');
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk;
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      socket.write(`GET /orders HTTP/1.1\r\nHost: x\r\nX-Huge: ${'a'.repeat(70_000)}\r\n\r\n`);
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head?.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(head).toMatch(/\r\napigw-requestid: [A-Za-z0-9+/]{15}=\r\n/);
    expect(head).toContain('\r\ncontent-type: application/json\r\n');
    expect(body).toBe('{"message":"Request Header Fields Too Large"}');
  });

  it('answers 429 {"message":"Too Many Requests"} past the route burst, and again 200 once refilled', async () => {
    expect((await send('/limited')).status).toBe(200);
    expect((await send('/limited')).status).toBe(200);
    expectGatewayResponse(await send('/limited'), 429, 'Too Many Requests');
    await clock.advance(1_000);
    expect((await send('/limited')).status).toBe(200);
  });
});

describe('access logs (§1.9)', () => {
  async function lineFor(requestId: string): Promise<[string, string]> {
    for (let i = 0; i < 100; i++) {
      const found = logLines.find(([, line]) => line.endsWith(` ${requestId}`));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no access log line for ${requestId}`);
  }

  it("writes the stage's format to its log group for a proxied request", async () => {
    const res = await send('/orders/9');
    const id = String(res.headers['apigw-requestid']);
    const [group, line] = await lineFor(id);
    expect(group).toBe('/api/access');
    expect(line).toBe(
      `127.0.0.1 - - [${clfTime(clock.now())}] "GET ANY /{proxy+} HTTP/1.1" 200 ${res.body.length} ${id}`,
    );
  });

  it('logs a gateway error with route key - and the error body length', async () => {
    const res = await send('/');
    const id = String(res.headers['apigw-requestid']);
    const [, line] = await lineFor(id);
    expect(line).toMatch(
      new RegExp(
        `^127\\.0\\.0\\.1 - - \\[[^\\]]+\\] "GET - HTTP/1\\.1" 404 23 ${id.replace(/[+/]/g, '\\$&')}$`,
      ),
    );
  });
});

describe('shutdown', () => {
  it('close() stops listening and ends keep-alive connections promptly', async () => {
    const extra = await startHttpApi(
      { ...(api.emulator.api.config as HttpApiConfig) },
      { instances: new FakeCloudMap({}), network: new TableNetwork({}) },
    );
    const pool = new Pool(extra.url);
    const res = await pool.request({ path: '/', method: 'GET' });
    await res.body.dump();
    await extra.close();
    await expect(pool.request({ path: '/', method: 'GET' })).rejects.toThrow();
    await pool.destroy();
  });
});
