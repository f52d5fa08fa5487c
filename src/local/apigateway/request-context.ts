/**
 * The per-request state the gateway's request path fills in step by step, and reads back for the
 * access log.
 *
 * Fidelity: a bookkeeping object; the values it holds are those of `$context.*` (aws-behavior.md
 * §1.9). `sourceIp` is the immediate TCP peer, as AWS documents for `identity.sourceIp`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessLogRecord } from './access-log.js';
import type { IntegrationTarget } from './integration-target.js';
import { newRequestId } from './request-id.js';
import type { RouteMatch } from './route-matcher.js';
import type { StageConfig } from './types.js';

/** Facts about the API every request shares. */
export interface ApiIdentity {
  readonly apiId: string;
  readonly accountId: string | undefined;
}

/** Where the request is sent once an integration and an instance are chosen. */
export interface Upstream {
  /** `http://host:port`, the pool key. */
  readonly origin: string;
  /** Path and query sent to the backend. */
  readonly path: string;
  /** Host header to send; `undefined` keeps the client's. */
  readonly host: string | undefined;
  /** The gateway's address as the backend sees it (`Forwarded: by=`). */
  readonly by: string;
}

/** One request travelling through the gateway. */
export class RequestContext implements AccessLogRecord {
  readonly requestId = newRequestId();
  /** `performance.now()` at arrival, for latencies. */
  readonly startedAt: number;
  readonly httpMethod: string;
  readonly path: string;
  /** `?…` or empty. */
  readonly query: string;
  readonly protocol: string;
  readonly sourceIp: string;

  stage: StageConfig | undefined;
  /**
   * Set for a request that came through a custom domain: the stage its API mapping names and the
   * path with the mapping key removed (`api-mapping-selector.ts`). @default - none: the
   * `execute-api` endpoint, whose path selects the stage
   */
  mapped: { readonly stage: StageConfig; readonly routePath: string } | undefined = undefined;
  /** The path routes are matched on (stage segment removed). */
  routePath = '';
  match: RouteMatch | undefined;
  target: IntegrationTarget | undefined;
  upstream: Upstream | undefined;

  /** The status sent to the client; `undefined` until sent (or when the client left first). */
  status: number | undefined;
  /** Aborts the backend call when the client goes away. */
  abort: { abort(): void } | undefined;
  responseLength = 0;
  requestLength = 0;
  /** Set once the request body passed the payload limit (the 413 is then sent). */
  bodyTooLarge = false;
  integrationStatus: number | undefined;
  integrationLatencyMs: number | undefined;
  integrationErrorMessage: string | undefined;
  errorMessage: string | undefined;
  responseLatencyMs: number | undefined;

  constructor(
    readonly api: ApiIdentity,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** Arrival time, ms since the epoch, from the injected clock. */
    readonly requestTimeEpoch: number,
    startedAt: number,
  ) {
    this.startedAt = startedAt;
    this.httpMethod = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.path = q < 0 ? url : url.slice(0, q);
    this.query = q < 0 ? '' : url.slice(q);
    this.protocol = `HTTP/${req.httpVersion}`;
    const remote = req.socket.remoteAddress ?? '';
    this.sourceIp = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
  }

  get apiId(): string {
    return this.api.apiId;
  }

  get accountId(): string | undefined {
    return this.api.accountId;
  }

  get userAgent(): string | undefined {
    return this.req.headers['user-agent'];
  }

  get domainName(): string | undefined {
    return this.req.headers.host;
  }

  get stageName(): string | undefined {
    return this.stage?.name;
  }

  get routeKey(): string | undefined {
    return this.match?.route.routeKey;
  }
}
