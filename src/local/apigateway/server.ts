/**
 * The HTTP API endpoint: a node:http server (keep-alive) that runs each request through the
 * request steps and the proxy, and writes the stage's access log when the response ends.
 *
 * Fidelity (aws-behavior.md §1): the local endpoint is plain HTTP/1.1 on 127.0.0.1 where AWS
 * serves HTTPS (HTTP/1.1 and HTTP/2) on `<api-id>.execute-api.<region>.amazonaws.com`; requests
 * are served at the root as on the API's own endpoint (named stages as the first path segment).
 * node:http's own header limit is raised (64 KiB) so the gateway's 10,240-byte check decides;
 * beyond 64 KiB the socket gets a gateway-shaped 431 and is closed. node:http's strict parser
 * refuses what could desynchronise the gateway and a backend (Content-Length with
 * Transfer-Encoding, repeated or malformed Content-Length, a Transfer-Encoding other than
 * `chunked`, bad chunk sizes, NUL, bare CR or LF, obs-fold, a space before the colon, unknown
 * methods): a gateway-shaped 400 `{"message":"Bad Request"}` and the connection closed, nothing
 * forwarded [status UNCONFIRMED]. Headers that do not arrive within node's `headersTimeout`
 * (60 s) get 408 the same way. Absolute-form targets are made origin-form before anything else
 * (`../http/request-target.ts`); any other form is a 400. node:http also sends
 * `Keep-Alive: timeout=5`, which AWS does not. An API with `DisableExecuteApiEndpoint` answers
 * every request here with 404 `{"message":"Not Found"}` (aws-behavior-2.md §2.4: HTTP APIs answer
 * 404, body shape [UNCONFIRMED]) and is served only through its custom domains
 * (custom-domain.ts, which hands requests to {@link HttpApiEmulator.handleMapped}). CORS,
 * authorizers, header and query parameter mapping and mutual TLS are not emulated.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RequestTap, TappedRequest } from '../http/request-tap.js';
import { applyOriginForm, classifyRequestTarget } from '../http/request-target.js';
import { ACCESS_LOG_VARIABLES, accessLogValue } from './access-log.js';
import { type CompiledApi, type CompileOptions, compileApi } from './compiled-api.js';
import { GATEWAY_ERRORS, rawGatewayError } from './errors.js';
import type { HttpApiDeps } from './ports.js';
import { fail, forward } from './proxy.js';
import { RequestContext } from './request-context.js';
import { newRequestId } from './request-id.js';
import { runRequestSteps } from './request-steps.js';
import type { HttpApiConfig } from './types.js';

/** node:http's limit on request line + headers; above the gateway's 10,240 bytes on purpose. */
export const NODE_MAX_HEADER_BYTES = 64 * 1024;

/** Where and how to serve one HTTP API. */
export interface HttpApiOptions extends CompileOptions {
  /** Address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
}

/** Counters since start. */
export interface HttpApiStats {
  readonly requests: number;
  /** Responses by status code sent. */
  readonly responses: Readonly<Record<number, number>>;
  /** Upstream origins with an open connection pool. */
  readonly upstreamPools: number;
}

/** A running HTTP API. */
export interface RunningHttpApi {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly emulator: HttpApiEmulator;
  stats(): HttpApiStats;
  /** Stops listening, ends keep-alive connections and closes backend pools. */
  close(): Promise<void>;
}

/** One HTTP API served locally. */
export class HttpApiEmulator {
  /** The compiled API (routes, stages, integrations, caches). */
  readonly api: CompiledApi;
  private readonly server: Server;
  private requests = 0;
  private readonly responses: Record<number, number> = {};
  private closing: Promise<void> | undefined;
  private readonly tap: RequestTap | undefined;

  constructor(config: HttpApiConfig, deps: HttpApiDeps, options: CompileOptions = {}) {
    this.api = compileApi(config, deps, options);
    this.tap = deps.requestTap;
    this.server = createServer(
      // The Host check is the gateway's (request-steps.ts), so it answers in the gateway's shape.
      { maxHeaderSize: NODE_MAX_HEADER_BYTES, keepAlive: true, requireHostHeader: false },
      this.handle,
    );
    this.server.on('clientError', onClientError);
  }

  /** Starts listening; resolves with the bound port. */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Counters since start. */
  stats(): HttpApiStats {
    return { requests: this.requests, responses: { ...this.responses }, upstreamPools: this.api.pools.size };
  }

  /** Stops listening, ends every connection (idle keep-alive ones too) and closes backend pools. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    }).then(() => this.api.pools.close());
    return this.closing;
  }

  /**
   * Serves a request that came through a custom domain: its API mapping chose the stage, and
   * routes match `routePath` (the path without the mapping key). The request's target must be
   * origin-form already.
   */
  handleMapped(req: IncomingMessage, res: ServerResponse, mapped: RequestContext['mapped']): void {
    this.serve(req, res, mapped);
  }

  private readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res, undefined);
  };

  private serve(req: IncomingMessage, res: ServerResponse, mapped: RequestContext['mapped']): void {
    this.requests++;
    const target = classifyRequestTarget(req.url);
    if (target.form === 'absolute') applyOriginForm(req, target);
    const ctx = new RequestContext(this.api.identity, req, res, this.api.clock.now(), performance.now());
    ctx.mapped = mapped;
    res.once('close', () => this.finish(ctx));
    const disabled = !mapped && this.api.config.disableExecuteApiEndpoint === true;
    const error =
      target.form === 'invalid'
        ? GATEWAY_ERRORS.BAD_REQUEST
        : disabled
          ? GATEWAY_ERRORS.NOT_FOUND
          : runRequestSteps(ctx, this.api);
    if (error) {
      fail(ctx, error);
      return;
    }
    forward(ctx, this.api);
  }

  /** Runs when the response is done (or the client left): stats and the access log line. */
  private finish(ctx: RequestContext): void {
    const res = ctx.res;
    if (!res.writableFinished) ctx.abort?.abort();
    ctx.responseLatencyMs = Math.round(performance.now() - ctx.startedAt);
    if (res.headersSent) {
      ctx.status = res.statusCode;
      this.responses[res.statusCode] = (this.responses[res.statusCode] ?? 0) + 1;
    }
    const stage = ctx.stage;
    const sink = this.api.accessLogSink;
    const log = stage && sink ? this.api.accessLogs.get(stage) : undefined;
    const line = log ? log.format.render(ctx) : undefined;
    if (log && line !== undefined) sink?.(log.logGroupName, line);
    const listener = this.tap?.listener;
    if (listener?.observe(ctx.status ?? 0, ctx.responseLatencyMs)) listener.record(tapped(ctx, line));
  }
}

/** The tap's record of a finished request: the `$context` values access logs can show. */
function tapped(ctx: RequestContext, line: string | undefined): TappedRequest {
  return {
    ingress: 'api-gateway',
    ingressName: ctx.apiId,
    timeMs: ctx.requestTimeEpoch,
    method: ctx.httpMethod,
    path: ctx.path,
    status: ctx.status ?? 0,
    latencyMs: ctx.responseLatencyMs ?? 0,
    requestId: ctx.requestId,
    upstream: ctx.upstream?.origin,
    fields: Object.fromEntries(ACCESS_LOG_VARIABLES.map((name) => [name, accessLogValue(ctx, name)])),
    line,
  };
}

/**
 * Answers requests node:http refused to parse (or whose headers did not arrive in time) with a
 * gateway-shaped error, then closes the socket: 431 for headers over 64 KiB, 408 for headers not
 * received within `headersTimeout`, 400 for everything else.
 */
export function onClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const answer =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? GATEWAY_ERRORS.REQUEST_HEADERS_TOO_LARGE
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? GATEWAY_ERRORS.REQUEST_TIMEOUT
        : GATEWAY_ERRORS.BAD_REQUEST;
  socket.end(rawGatewayError(answer, newRequestId(), new Date()));
}

/** Compiles `config` and serves it; resolves once listening. */
export async function startHttpApi(
  config: HttpApiConfig,
  deps: HttpApiDeps,
  options: HttpApiOptions = {},
): Promise<RunningHttpApi> {
  const emulator = new HttpApiEmulator(config, deps, options);
  const host = options.host ?? '127.0.0.1';
  const port = await emulator.listen(options.port ?? 0, host);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    emulator,
    stats: () => emulator.stats(),
    close: () => emulator.close(),
  };
}
