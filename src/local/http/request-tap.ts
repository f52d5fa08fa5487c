/**
 * A tap on the ingresses' request path for live views (the `wharf dev` dashboard): each finished
 * request can be handed over as a structured record, beside the access log line.
 *
 * Fidelity: not an AWS feature; a seam. It costs the data path one property read per request
 * while nobody listens (`listener` is `undefined`), and one counter call while someone does; the
 * full record is built only for the requests the listener asks for (it samples).
 */

/** One finished request as an ingress saw it. */
export interface TappedRequest {
  /** Which ingress: `api-gateway` or `load-balancer`. */
  readonly ingress: 'api-gateway' | 'load-balancer';
  /** The API's or load balancer's name. */
  readonly ingressName: string;
  /** When the request arrived, ms since the epoch. */
  readonly timeMs: number;
  readonly method: string;
  /** The path as sent, without the query. */
  readonly path: string;
  /** Status sent to the client; 0 when the client left before one was sent. */
  readonly status: number;
  /** Arrival to response end, ms. */
  readonly latencyMs: number;
  /** API Gateway's request id, or the ALB's `X-Amzn-Trace-Id`. */
  readonly requestId: string | undefined;
  /**
   * Where the request went: the task's real `http://host:port` for API Gateway, the target's
   * private `ip:port` for a load balancer. @default - not sent to a task
   */
  readonly upstream: string | undefined;
  /** The access-log fields of the request (AWS's names), for a detail view. */
  readonly fields: Readonly<Record<string, string | number | undefined>>;
  /** The access-log line as written, when the stage or load balancer logs. */
  readonly line: string | undefined;
}

/** Who listens on a {@link RequestTap}. */
export interface RequestListener {
  /** Counts one finished request; returns true when it wants the full record (sampling). */
  observe(status: number, latencyMs: number): boolean;
  /** Receives the full record of a request `observe` asked for. */
  record(request: TappedRequest): void;
}

/**
 * The slot an ingress reads per request; the dashboard sets `listener` while a page is open and
 * clears it when the last one closes.
 */
export interface RequestTap {
  listener: RequestListener | undefined;
}
