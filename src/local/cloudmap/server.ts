/**
 * The local Cloud Map API endpoint: an HTTP server speaking the AWS JSON 1.1 protocol, so the
 * official SDKs and the AWS CLI (`--endpoint-url`) can query and update the local registry.
 *
 * Fidelity (aws-behavior.md §4.4):
 * - Requests are `POST /` with `Content-Type: application/x-amz-json-1.1` and
 *   `X-Amz-Target: Route53AutoNaming_v20170314.<Operation>`; see `operations.ts` for the
 *   operations served. Every response carries `x-amzn-RequestId`.
 * - Errors are `400 {"__type":"<Name>","Message":"…"}` with `x-amzn-ErrorType: <Name>`, so SDK v3
 *   throws an exception whose `name` is the AWS error name (`ServiceNotFound`, `InvalidInput`, …;
 *   the SDK reads `Message` and `message` alike, and the API model names the member `Message`).
 *   An unknown target gives `UnknownOperationException`, a body that is not a JSON object
 *   `SerializationException`, JSON nested deeper than any Cloud Map request `InvalidInput`
 *   (request-body.ts), an unexpected failure `500 InternalFailure`. Messages never quote the
 *   request body.
 * - Signatures are NOT verified: any credentials are accepted, nothing is authorized. Instead,
 *   only requests addressed to this machine are served: a `Host` other than `127.0.0.1`,
 *   `localhost` or `[::1]` (any port) gets `403 AccessDeniedException`, so a web page whose DNS
 *   name was rebound to 127.0.0.1 cannot register or deregister instances (a local deviation:
 *   AWS would refuse the unsigned request instead). The `data-` host prefix AWS uses for
 *   DiscoverInstances must be turned off in the client (see {@link startCloudMapEndpoint}).
 * - Not reproduced: throttling (`RequestLimitExceeded`), request size limits other than 1 MiB,
 *   CRC32 response checksums.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../http/host.js';
import { isCloudMapError } from './errors.js';
import { type JsonObject, OPERATIONS, type OperationContext } from './operations.js';
import type { CloudMapRegistry } from './registry.js';
import { decodeRequestBody } from './request-body.js';

/** The `X-Amz-Target` prefix of every Cloud Map operation. */
export const TARGET_PREFIX = 'Route53AutoNaming_v20170314.';

/** Largest request body accepted. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Where the endpoint listens. */
export interface CloudMapEndpointOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
}

/** A running endpoint. */
export interface CloudMapEndpoint {
  /** `http://<host>:<port>`, to pass as the SDK's `endpoint`. */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves `registry` over the Cloud Map API.
 *
 * Client settings: SDK v3 prepends `data-` to the host name for DiscoverInstances and
 * DiscoverInstancesRevision (the API's host prefix), which turns `127.0.0.1` into
 * `data-127.0.0.1`; pass `disableHostPrefix: true`. Credentials can be anything.
 *
 * @example
 * ```ts
 * const endpoint = await startCloudMapEndpoint(registry);
 * const client = new ServiceDiscoveryClient({
 *   endpoint: endpoint.url,
 *   region: 'us-east-1',
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
 *   disableHostPrefix: true,
 * });
 * await client.send(new DiscoverInstancesCommand({ NamespaceName: 'local', ServiceName: 'api' }));
 * await endpoint.close();
 * ```
 * botocore (boto3, the AWS CLI) applies the same prefix; boto3 turns it off with
 * `Config(inject_host_prefix=False)`.
 */
export async function startCloudMapEndpoint(
  registry: CloudMapRegistry,
  options: CloudMapEndpointOptions = {},
): Promise<CloudMapEndpoint> {
  const context: OperationContext = { registry, operations: new Map() };
  const server = createServer((request, response) => {
    handle(context, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 'InternalFailure', describe(error));
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(
  context: OperationContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (!isLoopbackHost(request.headers.host)) {
    request.resume();
    response.setHeader('connection', 'close');
    sendError(
      response,
      403,
      'AccessDeniedException',
      'The local Cloud Map endpoint serves only requests addressed to 127.0.0.1, localhost or [::1]; the Host header named another host.',
    );
    return;
  }
  if (request.method !== 'POST') {
    request.resume();
    sendError(
      response,
      400,
      'UnknownOperationException',
      `Method ${request.method} is not supported: use POST.`,
    );
    return;
  }
  const target = request.headers['x-amz-target'];
  const name =
    typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  if (!operation) {
    request.resume();
    sendError(
      response,
      400,
      'UnknownOperationException',
      `X-Amz-Target must be ${TARGET_PREFIX}<Operation> naming an operation this endpoint serves: ${Object.keys(OPERATIONS).join(', ')}.`,
    );
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    response.setHeader('connection', 'close');
    sendError(response, 413, 'SerializationException', `Request body exceeds ${MAX_REQUEST_BYTES} bytes.`);
    return;
  }
  const decoded = decodeRequestBody(body);
  if (!decoded.ok) {
    sendError(response, 400, decoded.type, decoded.message);
    return;
  }
  let output: JsonObject;
  try {
    output = operation(decoded.input, context);
  } catch (error) {
    if (!isCloudMapError(error)) throw error;
    sendError(response, error.httpStatus, error.awsType, error.message);
    return;
  }
  send(response, 200, JSON.stringify(output));
}

/** Reads the whole body, or `undefined` past {@link MAX_REQUEST_BYTES}. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function send(response: ServerResponse, status: number, body: string, errorType?: string): void {
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(body);
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  send(response, status, JSON.stringify({ __type: type, Message: message }), type);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
