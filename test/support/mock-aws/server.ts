/**
 * The HTTP side of mocked AWS: one server on 127.0.0.1 that plays every service. A request is
 * routed by the service name in its SigV4 credential scope (`Credential=AKID/date/region/<service>/
 * aws4_request`), falling back to `X-Amz-Target` and the query `Action` for unsigned requests.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MockRequest, type ServiceHandler, UnknownActionError } from './protocol.js';
import type { MockWorld } from './world.js';

const TARGET_SERVICES: Record<string, string> = {
  AmazonSSM: 'ssm',
  AmazonEC2ContainerServiceV20141113: 'ecs',
  Logs_20140328: 'logs',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
};

/** The service a request is for, and the access key that signed it. */
export function routeOf(
  headers: IncomingMessage['headers'],
  query: URLSearchParams,
  body: Buffer,
): { service: string; accessKeyId?: string } {
  const authorization = String(headers.authorization ?? '');
  const credential =
    /Credential=([^/,\s]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization) ??
    /^([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(query.get('X-Amz-Credential') ?? '');
  if (credential) return { accessKeyId: credential[1], service: credential[2] };
  const target = String(headers['x-amz-target'] ?? '');
  if (target) return { service: TARGET_SERVICES[target.split('.')[0]] ?? target.split('.')[0] };
  const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? query.get('Action');
  if (action) return { service: /^(GetCallerIdentity|AssumeRole)/.test(action) ? 'sts' : 'cloudformation' };
  return { service: 's3' };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Starts the HTTP server on a free port of 127.0.0.1. */
export async function listen(
  world: MockWorld,
  services: Record<string, ServiceHandler>,
): Promise<{ server: Server; endpoint: string }> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { service, accessKeyId } = routeOf(req.headers, url.searchParams, body);
    const request: MockRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      service,
      accessKeyId,
      requestId: world.requestId(),
    };
    const handler = services[service];
    if (!handler) {
      const error = new UnknownActionError(service, `${request.method} ${url.pathname}`);
      world.reportUnknown(error);
      world.calls.push({ service, action: error.action, input: {} });
      res.writeHead(400, { 'content-type': 'text/plain' }).end(error.message);
      return;
    }
    const decoded = handler(request);
    world.calls.push({ service, action: decoded.action, input: decoded.input });
    const reply = await decoded.respond();
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      process.stderr.write(`[mocked AWS] request failed: ${error}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}` };
}
