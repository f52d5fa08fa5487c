/**
 * Test backends for the HTTP API emulator: node:http servers on 127.0.0.1 that echo what they
 * received, plus a few special paths (slow, large streamed body), and a NetworkPath / Cloud Map
 * stand-in mapping private task addresses to them.
 */

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InstanceLookup } from '../../../src/local/apigateway/ports.js';
import type { InstanceRecord } from '../../../src/local/cloudmap/types.js';
import type { ConnectionSource, NetworkPath, RouteResult } from '../../../src/local/network/types.js';

/** What an echo backend answers with. */
export interface Echo {
  readonly backend: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly bodyLength: number;
}

/** A running echo backend. */
export interface Backend {
  readonly name: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests answered so far. */
  requests: number;
  /** `/slow` requests whose connection the gateway closed before the backend answered. */
  cutShort: number;
  close(): Promise<void>;
}

/** Bytes of the deterministic large body: byte i is `i % 251`. */
export function patternBytes(size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buffer[i] = i % 251;
  return buffer;
}

/** sha256 hex of a buffer. */
export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * Starts an echo backend. Paths: `/slow` answers after 2 s; `/big?size=N` streams N pattern
 * bytes; `/garbage` writes a response that is not HTTP; anything else echoes.
 */
export async function startBackend(name: string): Promise<Backend> {
  // 251 KiB: a multiple of 251, so repeating it continues the pattern.
  const chunk = patternBytes(251 * 1024);
  const server: Server = createServer((req, res) => {
    state.requests++;
    const url = new URL(req.url ?? '/', 'http://backend');
    if (url.pathname.endsWith('/slow')) {
      const timer = setTimeout(() => {
        if (!res.destroyed) res.end('late');
      }, 2_000);
      res.on('close', () => {
        clearTimeout(timer);
        if (!res.writableFinished) state.cutShort++;
      });
      req.resume();
      return;
    }
    if (url.pathname.endsWith('/garbage')) {
      req.socket.end('NOT HTTP AT ALL\r\n\r\n');
      return;
    }
    if (url.pathname.endsWith('/big')) {
      const size = Number(url.searchParams.get('size'));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-backend': name });
      let sent = 0;
      const write = () => {
        while (sent < size) {
          const length = Math.min(chunk.length, size - sent);
          const ok = res.write(chunk.subarray(0, length));
          sent += length;
          if (!ok) {
            res.once('drain', write);
            return;
          }
        }
        res.end();
      };
      write();
      return;
    }
    const parts: Buffer[] = [];
    let length = 0;
    req.on('data', (data: Buffer) => {
      length += data.length;
      if (length <= 1024 * 1024) parts.push(data);
    });
    req.on('end', () => {
      const echo: Echo = {
        backend: name,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: length <= 1024 * 1024 ? Buffer.concat(parts).toString() : '',
        bodyLength: length,
      };
      res.writeHead(200, { 'content-type': 'application/json', server: `echo-${name}`, 'x-backend': name });
      res.end(JSON.stringify(echo));
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: Backend = {
    name,
    port: (server.address() as AddressInfo).port,
    connections: 0,
    requests: 0,
    cutShort: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return state;
}

/** A Cloud Map stand-in: a fixed list of instances per service id. */
export class FakeCloudMap implements InstanceLookup {
  readonly calls: Array<{ serviceId: string; queryParameters?: Record<string, string> }> = [];

  constructor(readonly services: Record<string, readonly InstanceRecord[]>) {}

  instancesForService(
    serviceId: string,
    queryParameters?: Record<string, string>,
  ): readonly InstanceRecord[] {
    this.calls.push({ serviceId, queryParameters });
    return this.services[serviceId] ?? [];
  }
}

/** An ECS-registered instance (SRV: IPv4 and port attributes). */
export function taskInstance(serviceId: string, ip: string, port: number): InstanceRecord {
  return {
    serviceId,
    instanceId: `task-${ip}`,
    attributes: { AWS_INSTANCE_IPV4: ip, AWS_INSTANCE_PORT: String(port), AVAILABILITY_ZONE: 'us-east-1a' },
    health: 'HEALTHY',
  };
}

/** A NetworkPath over a table `ip:port` → result, recording the sources it was asked for. */
export class TableNetwork implements NetworkPath {
  readonly sources: ConnectionSource[] = [];

  constructor(readonly table: Record<string, RouteResult>) {}

  route(source: ConnectionSource, ip: string, port: number): RouteResult {
    this.sources.push(source);
    return (
      this.table[`${ip}:${port}`] ?? {
        ok: false,
        reason: 'no-such-address',
        message: `nothing listens on ${ip}:${port}`,
      }
    );
  }
}
