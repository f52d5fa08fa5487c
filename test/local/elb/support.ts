/**
 * Test helpers for the ALB emulator: a programmable VPC path and echo backends on 127.0.0.1.
 */

import { once } from 'node:events';
import {
  type Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { HealthCheckConfig, TargetGroupConfig } from '../../../src/local/elb/types.js';
import type { ConnectionSource, NetworkPath, RouteResult } from '../../../src/local/network/types.js';

/** A NetworkPath whose routes and blocks the test sets. Records every source it was asked about. */
export class TestNetwork implements NetworkPath {
  private readonly routes = new Map<string, { host: string; port: number }>();
  private readonly blocks = new Map<string, string>();
  readonly sources: ConnectionSource[] = [];

  /** `ip:port` (private) → 127.0.0.1:`localPort`. */
  add(ip: string, port: number, localPort: number): void {
    this.routes.set(`${ip}:${port}`, { host: '127.0.0.1', port: localPort });
  }

  block(ip: string, port: number, message: string): void {
    this.blocks.set(`${ip}:${port}`, message);
  }

  route(source: ConnectionSource, ip: string, port: number): RouteResult {
    this.sources.push(source);
    const key = `${ip}:${port}`;
    const message = this.blocks.get(key);
    if (message) return { ok: false, reason: 'blocked', message };
    const route = this.routes.get(key);
    return route
      ? { ok: true, ...route }
      : { ok: false, reason: 'no-such-address', message: `nothing holds ${key}` };
  }
}

/** How a backend answers. */
export type BackendMode = 'echo' | 'fail-503' | 'not-found' | 'hang' | 'destroy';

/** What an echo backend saw. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
}

/** A node:http backend that echoes requests as JSON, switchable to fail. */
export interface Backend {
  readonly name: string;
  readonly port: number;
  mode: BackendMode;
  /** Requests other than health checks (User-Agent ELB-HealthChecker/2.0). */
  readonly requests: SeenRequest[];
  readonly healthChecks: SeenRequest[];
  /** Resolves the next request that arrives (health checks excluded). */
  nextRequest(): Promise<{ req: IncomingMessage; res: ServerResponse }>;
  close(): Promise<void>;
}

/** Starts an echo backend on 127.0.0.1 with a free port. */
export async function startBackend(name: string, options: { hold?: boolean } = {}): Promise<Backend> {
  const sockets = new Set<Socket>();
  const waiters: Array<(value: { req: IncomingMessage; res: ServerResponse }) => void> = [];
  const backend = {
    name,
    port: 0,
    mode: 'echo' as BackendMode,
    requests: [] as SeenRequest[],
    healthChecks: [] as SeenRequest[],
    nextRequest: () =>
      new Promise<{ req: IncomingMessage; res: ServerResponse }>((resolve) => {
        waiters.push(resolve);
      }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
    };
    const isHealthCheck = req.headers['user-agent'] === 'ELB-HealthChecker/2.0';
    (isHealthCheck ? backend.healthChecks : backend.requests).push(seen);
    if (!isHealthCheck) {
      const waiter = waiters.shift();
      waiter?.({ req, res });
      if (options.hold) return;
    }
    switch (backend.mode) {
      case 'hang':
        return;
      case 'destroy':
        req.socket.destroy();
        return;
      case 'not-found':
        res.writeHead(404, { 'content-type': 'text/plain' }).end('nope');
        return;
      case 'fail-503':
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
        return;
      default: {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
          res.end(JSON.stringify({ backend: name, ...seen, body: Buffer.concat(chunks).toString() }));
        });
      }
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  backend.port = (server.address() as AddressInfo).port;
  return backend;
}

/** Health check settings with AWS defaults, overridable. */
export function healthCheck(overrides: Partial<HealthCheckConfig> = {}): HealthCheckConfig {
  return {
    enabled: true,
    protocol: 'HTTP',
    path: '/health',
    port: 'traffic-port',
    intervalSeconds: 6,
    timeoutSeconds: 5,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 2,
    matcher: '200',
    ...overrides,
  };
}

/** A target group config with test defaults. */
export function targetGroupConfig(overrides: Partial<TargetGroupConfig> = {}): TargetGroupConfig {
  return {
    arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-tg/73e2d6bc24d8a067',
    name: 'app-tg',
    port: 80,
    protocol: 'HTTP',
    healthCheck: healthCheck(),
    deregistrationDelaySeconds: 30,
    algorithm: 'round_robin',
    ...overrides,
  };
}

/** A response as the client saw it. */
export interface ClientResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: string;
  readonly socket: Socket;
}

/** Sends one request with node:http (through `agent` when given) and reads the whole response. */
export function send(
  url: string,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    agent?: Agent | false;
  } = {},
): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(options.path ?? '/', url);
    const req = request(
      target,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const socket = res.socket;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks).toString('latin1'),
            socket,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
