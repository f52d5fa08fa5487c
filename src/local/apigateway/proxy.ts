/**
 * `HTTP_PROXY`: sends the request to the chosen backend and streams the answer back.
 *
 * Fidelity (aws-behavior.md §1.3, §1.4, §1.5, §1.6):
 * - to the backend over HTTP/1.1 [DOC]: the client's headers minus hop-by-hop ones, `Host` kept
 *   for Cloud Map integrations and set to the URL's host for URL integrations [OBS], plus
 *   `Forwarded: by=<gateway ip>;for=<client ip>;host=<Host>;proto=<http|https>` (each value a
 *   token or an RFC 7239 quoted-string, so `Host: a;for=6.6.6.6` stays one `host=` value; the
 *   local Host carries a port and is sent quoted, `host="127.0.0.1:3000"`) and
 *   `Via: HTTP/1.1 AmazonAPIGateway` [OBS]. No `X-Forwarded-For` is added [OBS]; one sent by the
 *   client is dropped, as are the client's `Forwarded` (replaced) [UNCONFIRMED both]; a client `Via`
 *   is kept and ours appended (RFC 9110 §7.6.3) [UNCONFIRMED]. `X-Amzn-Trace-Id: Root=1-…-…` is
 *   added; a well-formed one sent by the client is kept as is [UNCONFIRMED]. `X-Forwarded-Port`
 *   (seen once) is not added. `by=` is the VPC link's private IP (what the task sees as the peer);
 *   AWS shows it on execute-api hosts only [UNCONFIRMED rule]. `proto=` is a choice (see
 *   CompileOptions.forwardedProto). `Expect` is dropped (node:http already answered `100 Continue`).
 * - the method is the client's when `IntegrationMethod` is `ANY`, else the integration's;
 * - the response: the backend's status and headers minus hop-by-hop ones, plus `apigw-requestid`
 *   [OBS]; its body is streamed (AWS buffers it; the 10 MB response limit is not enforced);
 * - no response headers within `TimeoutInMillis` → 503 `Service Unavailable` [OBS]. After the
 *   headers are sent the same timeout applies between body chunks, and a stall cuts the connection
 *   (AWS would have answered 503, having buffered);
 * - connection refused or reset → 503 [UNCONFIRMED]; a response that is not valid HTTP → 500
 *   `Internal Server Error` [OBS for integration errors];
 * - request bodies are streamed and counted; past 10 MB the backend request is aborted and the
 *   client gets 413 [UNCONFIRMED status]. AWS buffers the body before calling the backend;
 * - a request body that stops arriving for the integration's `TimeoutInMillis` (nothing read,
 *   nothing written) ends the request: the backend call is cut and the client gets 408
 *   `Request Timeout` with `Connection: close` [UNCONFIRMED: AWS documents no client-side body
 *   timeout for HTTP APIs; on AWS the backend would not have been called yet, as the body is
 *   buffered first]. Without it a client declaring 5 MB and sending 3 bytes held the
 *   connection and the backend's for node's 300 s request timeout.
 */

import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import type { Dispatcher } from 'undici';
import { watchRequestBody } from '../http/body-idle.js';
import { forwardedNode, forwardedValue } from '../http/forwarded.js';
import { connectionTokens, isHopByHop } from '../http/hop-by-hop.js';
import { newTraceHeader } from '../http/trace-id.js';
import type { CompiledApi } from './compiled-api.js';
import { GATEWAY_ERRORS, type GatewayError, sendGatewayError } from './errors.js';
import type { RequestContext, Upstream } from './request-context.js';
import { MAX_PAYLOAD_BYTES } from './request-steps.js';

const VIA = 'HTTP/1.1 AmazonAPIGateway';
const TRACE_ROOT = /(?:^|;)\s*Root=1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}(?:;|$)/;

/** Client headers the gateway never forwards as sent (beyond hop-by-hop ones). */
const REPLACED = new Set(['host', 'forwarded', 'via', 'x-forwarded-for', 'x-amzn-trace-id', 'expect']);

/** Counts request body bytes on their way to the backend and stops past the payload limit. */
class PayloadMeter extends Transform {
  constructor(private readonly ctx: RequestContext) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const ctx = this.ctx;
    ctx.requestLength += chunk.length;
    if (ctx.requestLength > MAX_PAYLOAD_BYTES) {
      ctx.bodyTooLarge = true;
      ctx.req.unpipe(this);
      callback(new Error(`request body exceeds the HTTP API payload limit of ${MAX_PAYLOAD_BYTES} bytes`));
      return;
    }
    callback(null, chunk);
  }
}

function ignore(): void {}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/** The headers sent to the backend, as a flat `[name, value, …]` list. */
export function backendRequestHeaders(
  ctx: RequestContext,
  upstream: Upstream,
  proto: 'http' | 'https',
  nowMs: number,
): string[] {
  const req = ctx.req;
  const raw = req.rawHeaders;
  const tokens = connectionTokens(req.headers.connection);
  const out: string[] = [];
  let clientVia: string | undefined;
  let clientTrace: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (isHopByHop(lower, tokens)) continue;
    if (REPLACED.has(lower)) {
      if (lower === 'via') clientVia = clientVia ? `${clientVia}, ${raw[i + 1]}` : raw[i + 1];
      else if (lower === 'x-amzn-trace-id') clientTrace = raw[i + 1];
      continue;
    }
    out.push(name, raw[i + 1] as string);
  }
  const host = upstream.host ?? req.headers.host;
  if (host !== undefined) out.push('Host', host);
  out.push(
    'Forwarded',
    `by=${forwardedNode(upstream.by)};for=${forwardedNode(ctx.sourceIp)}` +
      `${req.headers.host === undefined ? '' : `;host=${forwardedValue(req.headers.host)}`};proto=${proto}`,
    'Via',
    clientVia ? `${clientVia}, ${VIA}` : VIA,
    'X-Amzn-Trace-Id',
    clientTrace !== undefined && TRACE_ROOT.test(clientTrace) ? clientTrace : newTraceHeader(nowMs),
  );
  return out;
}

/**
 * The backend's response headers to send to the client, as a flat list, plus `apigw-requestid`.
 * `raw` is undici's raw list (names and values as `Buffer`s, or already strings).
 */
export function clientResponseHeaders(raw: readonly (string | Buffer)[], requestId: string): string[] {
  const out: string[] = [];
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = headerName(raw[i] as string | Buffer);
    const value = headerValue(raw[i + 1] as string | Buffer);
    if (connection === undefined && name.length === 10 && name.toLowerCase() === 'connection') {
      connection = value;
    }
    out.push(name, value);
  }
  const tokens = connection === undefined ? undefined : connectionTokens(connection);
  let kept = 0;
  for (let i = 0; i < out.length; i += 2) {
    const name = out[i] as string;
    const lower = name.toLowerCase();
    if (isHopByHop(lower, tokens) || lower === 'apigw-requestid') continue;
    out[kept++] = name;
    out[kept++] = out[i + 1] as string;
  }
  out.length = kept;
  out.push('apigw-requestid', requestId);
  return out;
}

/** undici's own conversions for raw response headers (`responseHeaders: 'raw'`). */
function headerName(name: string | Buffer): string {
  return typeof name === 'string' ? name : name.toString();
}

function headerValue(value: string | Buffer): string {
  return typeof value === 'string' ? value : value.toString('latin1');
}

/** The gateway response for a failed backend call, and the message for `$context.integrationErrorMessage`. */
export function classifyUpstreamError(error: unknown): {
  response: GatewayError;
  message: string;
  refused: boolean;
} {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  const text = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return {
        response: GATEWAY_ERRORS.SERVICE_UNAVAILABLE,
        message: 'The integration timed out',
        refused: false,
      };
    case 'ECONNREFUSED':
      return {
        response: GATEWAY_ERRORS.SERVICE_UNAVAILABLE,
        message: `Connection refused: ${text}`,
        refused: true,
      };
    default:
      if (name === 'HTTPParserError' || (typeof code === 'string' && code.startsWith('HPE_'))) {
        return {
          response: GATEWAY_ERRORS.INTEGRATION_FAILURE,
          message: `Malformed response: ${text}`,
          refused: false,
        };
      }
      return { response: GATEWAY_ERRORS.SERVICE_UNAVAILABLE, message: text, refused: false };
  }
}

/**
 * Forwards the request of `ctx` to `ctx.upstream` and streams the response to the client. Never
 * throws: failures become gateway responses. A client that leaves aborts the backend call
 * (server.ts calls `ctx.abort`).
 */
export function forward(ctx: RequestContext, api: CompiledApi): void {
  const upstream = ctx.upstream as Upstream;
  const target = ctx.target;
  if (!target) return;
  const req = ctx.req;
  let body: PayloadMeter | null = null;
  if (hasBody(req)) {
    body = new PayloadMeter(ctx);
    // undici listens while the call runs; this keeps a late error (limit passed after the backend
    // already answered) from becoming an uncaught 'error' event.
    body.on('error', ignore);
    req.pipe(body);
  }
  const method = target.config.method === 'ANY' ? ctx.httpMethod : target.config.method;
  const exchange = new BackendExchange(ctx, api, upstream.origin, body);
  ctx.abort = exchange;
  if (body) watchRequestBody(req, ctx.res, target.timeoutMs, () => exchange.onBodyStalled());
  try {
    api.pools.get(upstream.origin).dispatch(
      {
        path: upstream.path,
        method: method as Dispatcher.HttpMethod,
        headers: backendRequestHeaders(ctx, upstream, api.forwardedProto, api.clock.now()),
        body,
        headersTimeout: target.timeoutMs,
        bodyTimeout: target.timeoutMs,
      },
      exchange,
    );
  } catch (error) {
    exchange.onError(error as Error);
  }
}

/**
 * One backend call: an undici dispatch handler writing into the client response. It uses undici's
 * `onConnect`/`onHeaders`/`onData` handler form, which undici runs as is (the `onRequestStart` form
 * is wrapped per request and gets its headers parsed into an object); there is no promise, no
 * `AbortController` and no response body stream per request.
 */
class BackendExchange implements Dispatcher.DispatchHandler {
  private abortUpstream: ((error?: Error) => void) | undefined;
  private resume: (() => void) | undefined;
  private aborted = false;
  private started: number;
  private countLength = false;

  constructor(
    private readonly ctx: RequestContext,
    private readonly api: CompiledApi,
    private readonly origin: string,
    private readonly body: PayloadMeter | null,
  ) {
    this.started = performance.now();
  }

  /** The client went away (or stalled): cut the backend call (now, or as soon as it is connected). */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortUpstream?.(new Error('the client closed the connection'));
  }

  /** The request body stopped arriving: 408 and `Connection: close`, then cut the backend call. */
  onBodyStalled(): void {
    const ctx = this.ctx;
    if (ctx.res.headersSent) {
      ctx.res.destroy();
    } else {
      ctx.integrationErrorMessage = 'The request body stopped arriving';
      fail(ctx, GATEWAY_ERRORS.REQUEST_TIMEOUT);
    }
    this.abort();
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.aborted) abort(new Error('the client closed the connection'));
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void): boolean {
    // 1xx answers are not forwarded (node:http answered the client's `Expect` itself).
    if (statusCode < 200) return true;
    const ctx = this.ctx;
    ctx.integrationLatencyMs = Math.round(performance.now() - this.started);
    ctx.integrationStatus = statusCode;
    const res = ctx.res;
    if (res.destroyed) {
      // Cut after undici has finished with this callback.
      queueMicrotask(() => this.abort());
      return false;
    }
    this.resume = resume;
    res.writeHead(statusCode, clientResponseHeaders(headers, ctx.requestId));
    this.countLength =
      this.api.accessLogSink !== undefined && ctx.stage !== undefined && this.api.accessLogs.has(ctx.stage);
    return true;
  }

  onData(chunk: Buffer): boolean {
    const ctx = this.ctx;
    if (this.countLength) ctx.responseLength += chunk.length;
    const res = ctx.res;
    // A client that left: the 'close' handler in server.ts aborts the call; drop what still comes.
    if (res.destroyed) return true;
    if (res.write(chunk)) return true;
    res.once('drain', this.resume as () => void);
    return false;
  }

  onComplete(): void {
    this.ctx.res.end();
  }

  onError(error: Error): void {
    const ctx = this.ctx;
    const res = ctx.res;
    // Cut on purpose: the client left, or got its 408 (which must not be cut short here).
    if (this.aborted) {
      ctx.integrationLatencyMs = Math.round(performance.now() - this.started);
      return;
    }
    if (res.headersSent) {
      // The response has started: all that can be done is cutting the client connection.
      res.destroy();
      return;
    }
    ctx.integrationLatencyMs = Math.round(performance.now() - this.started);
    // The client may still be sending: read and discard the rest, keeping the connection usable.
    const body = this.body;
    const req = ctx.req;
    if (body && !req.complete) {
      req.unpipe(body);
      req.resume();
    }
    if (ctx.bodyTooLarge) {
      fail(ctx, GATEWAY_ERRORS.REQUEST_TOO_LARGE);
      return;
    }
    const failure = classifyUpstreamError(error);
    if (failure.refused) this.api.pools.evict(this.origin);
    ctx.integrationErrorMessage = failure.message;
    fail(ctx, failure.response);
  }
}

/** Sends a gateway error for `ctx`, recording it for the access log. */
export function fail(ctx: RequestContext, error: GatewayError): void {
  ctx.errorMessage = error.message;
  ctx.responseLength = error.body.length;
  sendGatewayError(ctx.res, error, ctx.requestId);
}
