/**
 * The `forward` action: one request from a client through the load balancer to a target and back.
 *
 * Fidelity (aws-behavior.md §2.3, §2.4, §2.5, §2.6, §2.7):
 * - the target is picked per request (balancer.ts) and reached over a keep-alive connection pool
 *   to its real loopback address; bodies stream both ways with back-pressure;
 * - the target's response, including its HTTP errors, is forwarded as is (hop-by-hop headers
 *   removed); the load balancer writes its own page for: no registered target (503), a target that
 *   refuses, resets or closes the connection while a request is outstanding, or answers with a
 *   malformed response or headers over 32 KB (502), a deregistration delay that ends while the
 *   request is in flight (502), and no data from the target within the idle timeout (504);
 * - a target the load balancer cannot reach (security group without a rule for it, or an address
 *   nobody holds) is, on AWS, an unanswered SYN that fails after the 10 s connect timeout with a
 *   504. Here the 504 comes at once unless `connectTimeoutMs` is set, and `onBlocked` names the
 *   missing rule;
 * - when the response has started and the target fails, the client connection is cut (no status
 *   can be sent any more); a client that goes away is logged with status 460;
 * - a request body that stops arriving for the idle timeout (no data sent or received, §2.4) ends
 *   the request: the call to the target is cut, the client gets the 408 page with
 *   `Connection: close` ("the client did not send data before the idle timeout period expired",
 *   §2.5) and the connection is closed; the access log shows 408. The target has seen the start
 *   of the request (bodies stream through); whether an ALB buffers a body before calling the
 *   target is not documented;
 * - the target gets the origin-form path (load-balancer.ts rewrites absolute-form targets).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TLSSocket } from 'node:tls';
import type { Dispatcher, Pool } from 'undici';
import type { Clock } from '../clock.js';
import { watchRequestBody } from '../http/body-idle.js';
import { connectionTokens, isHopByHop } from '../http/hop-by-hop.js';
import type { RequestTap, TappedRequest } from '../http/request-tap.js';
import type { ConnectionSource, NetworkPath } from '../network/types.js';
import { type AccessLogEntry, type AccessLogSink, formatAccessLogLine, formatLogTime } from './access-log.js';
import { writeElbError } from './errors.js';
import { buildForwardedHeaders, stripPort } from './forwarded-headers.js';
import type { InFlightRequest, Target, TargetGroup } from './target-group.js';

/** Everything the request path of one listener needs; built once per listener. */
export interface ListenerContext {
  /** `http` or `https`. */
  readonly proto: string;
  readonly awsPort: number;
  readonly dnsName: string;
  readonly dropInvalidHeaderFields: boolean;
  /** Backend idle timeout (no data from the target). */
  readonly idleTimeoutMs: number;
  /** How long an unreachable target takes to fail; 0 = at once. */
  readonly connectTimeoutMs: number;
  readonly source: ConnectionSource;
  readonly network: NetworkPath;
  readonly clock: Clock;
  /** `app/<name>/<id>` for access log lines. */
  readonly elbLogName: string;
  readonly accessLog?: AccessLogSink;
  /** Hands finished requests to a live view while it listens. */
  readonly requestTap?: RequestTap;
  readonly onBlocked?: (message: string) => void;
  /** The pool to a target's real address. */
  readonly poolFor: (target: Target, host: string, port: number) => Pool;
  /** Timers of requests waiting to fail with 504; cancelled on close. */
  readonly pendingTimers: Set<{ cancel(): void }>;
}

/** Facts about a request for its access log line; `undefined` fields are logged as `-`. */
export interface RequestRecord {
  readonly startMs: number;
  readonly startPerf: number;
  target?: Target;
  targetGroupArn?: string;
  traceId?: string;
  actionsExecuted: string;
  redirectUrl?: string;
  /** Priority of the listener rule that matched; 0 for the default action. @default - `-` in the log */
  matchedRulePriority?: number;
  /** `Set-Cookie` values the load balancer adds to the target's response (group stickiness). */
  setCookies?: string[];
  targetStatus?: number;
  /** `performance.now()` when the request was sent to / first answered by the target. */
  sentPerf?: number;
  answeredPerf?: number;
}

const kLastRead = Symbol('elb.lastBytesRead');
const kLastWritten = Symbol('elb.lastBytesWritten');
type CountedSocket = Socket & { [kLastRead]?: number; [kLastWritten]?: number };

/** The client's IP without the IPv4-mapped prefix. */
export function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '0.0.0.0';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Writes the access log line of a finished request (no-op without a sink). */
export function logRequest(
  context: ListenerContext,
  req: IncomingMessage,
  record: RequestRecord,
  elbStatus: number,
): void {
  const sink = context.accessLog;
  const listener = context.requestTap?.listener;
  const endPerf = performance.now();
  const tapped = listener?.observe(elbStatus, endPerf - record.startPerf) === true;
  if (!sink && !tapped) return;
  const socket = req.socket as CountedSocket;
  const read = socket.bytesRead ?? 0;
  const written = socket.bytesWritten ?? 0;
  const receivedBytes = read - (socket[kLastRead] ?? 0);
  const sentBytes = written - (socket[kLastWritten] ?? 0);
  socket[kLastRead] = read;
  socket[kLastWritten] = written;
  const dispatched = record.sentPerf !== undefined;
  const answered = record.answeredPerf !== undefined;
  const host = req.headers.host ? stripPort(req.headers.host) : context.dnsName;
  const secure = req.socket instanceof TLSSocket ? req.socket : undefined;
  const cipher = secure?.getCipher()?.name;
  const protocol = secure?.getProtocol();
  const entry: AccessLogEntry = {
    type: context.proto,
    ...(cipher && protocol ? { tls: { cipher, protocol } } : {}),
    timeMs: record.startMs + (endPerf - record.startPerf),
    elb: context.elbLogName,
    client: `${clientAddress(req)}:${req.socket.remotePort ?? 0}`,
    target: record.target?.key,
    requestProcessingTime: dispatched ? ((record.sentPerf as number) - record.startPerf) / 1000 : -1,
    targetProcessingTime:
      dispatched && answered ? ((record.answeredPerf as number) - (record.sentPerf as number)) / 1000 : -1,
    responseProcessingTime: answered ? 0 : -1,
    elbStatusCode: elbStatus,
    targetStatusCode: record.targetStatus,
    receivedBytes,
    sentBytes,
    request: `${req.method} ${context.proto}://${host}:${context.awsPort}${req.url} HTTP/${req.httpVersion}`,
    userAgent: req.headers['user-agent'],
    targetGroupArn: record.targetGroupArn,
    traceId: record.traceId,
    requestCreationTimeMs: record.startMs,
    actionsExecuted: record.actionsExecuted,
    redirectUrl: record.redirectUrl,
    matchedRulePriority: record.matchedRulePriority,
  };
  const line = formatAccessLogLine(entry);
  sink?.(line);
  if (tapped) listener?.record(tappedRequest(context, req, entry, line));
}

/** The tap's record of a finished request: its access log entry, field by field. */
function tappedRequest(
  context: ListenerContext,
  req: IncomingMessage,
  entry: AccessLogEntry,
  line: string,
): TappedRequest {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const { timeMs, requestCreationTimeMs, tls, ...fields } = entry;
  return {
    ingress: 'load-balancer',
    ingressName: context.elbLogName.split('/')[1] ?? context.elbLogName,
    timeMs: requestCreationTimeMs,
    method: req.method ?? 'GET',
    path: query < 0 ? url : url.slice(0, query),
    status: entry.elbStatusCode,
    latencyMs: timeMs - requestCreationTimeMs,
    requestId: entry.traceId,
    upstream: entry.target,
    fields: {
      ...fields,
      // The access log's ssl_cipher and ssl_protocol fields (`-` on an HTTP listener).
      sslCipher: tls?.cipher,
      sslProtocol: tls?.protocol,
      time: formatLogTime(timeMs),
      requestCreationTime: formatLogTime(requestCreationTimeMs),
    },
    line,
  };
}

/** Answers `status` from the load balancer itself and logs it. */
export function answerFromLoadBalancer(
  context: ListenerContext,
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
  status: number,
): void {
  writeElbError(res, status, context.clock.now());
  logRequest(context, req, record, status);
}

/** Forwards `req` to a target of `group` (the `forward` action). */
export function forwardRequest(
  context: ListenerContext,
  req: IncomingMessage,
  res: ServerResponse,
  group: TargetGroup,
  record: RequestRecord,
): void {
  record.targetGroupArn = group.arn;
  const target = group.selectTarget();
  if (!target) {
    // "The target groups for the load balancer have no registered targets."
    answerFromLoadBalancer(context, req, res, record, 503);
    return;
  }
  record.target = target;
  const route = context.network.route(context.source, target.id, target.port);
  if (!route.ok) {
    if (route.reason === 'blocked') context.onBlocked?.(route.message);
    failUnreachable(context, req, res, record);
    return;
  }
  const forwarded = buildForwardedHeaders(req.rawHeaders, req.headers.connection, {
    clientIp: clientAddress(req),
    proto: context.proto,
    awsPort: context.awsPort,
    defaultHost: context.dnsName,
    dropInvalidHeaderFields: context.dropInvalidHeaderFields,
    nowMs: context.clock.now(),
  });
  record.traceId = forwarded.traceId;
  const hasBody =
    req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  const exchange = new ForwardExchange(context, req, res, group, target, record);
  if (hasBody) watchRequestBody(req, res, context.idleTimeoutMs, () => exchange.onBodyStalled());
  group.requestStarted(target, exchange);
  record.sentPerf = performance.now();
  try {
    context.poolFor(target, route.host, route.port).dispatch(
      {
        path: req.url ?? '/',
        method: req.method as Dispatcher.HttpMethod,
        headers: forwarded.headers,
        body: hasBody ? req : null,
        headersTimeout: context.idleTimeoutMs,
        bodyTimeout: context.idleTimeoutMs,
      },
      exchange,
    );
  } catch (error) {
    exchange.onError(error as Error);
  }
}

/** 504 for a target nothing answers, after `connectTimeoutMs` when set. */
function failUnreachable(
  context: ListenerContext,
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
): void {
  if (context.connectTimeoutMs <= 0) {
    answerFromLoadBalancer(context, req, res, record, 504);
    return;
  }
  const timer = context.clock.setTimeout(() => {
    context.pendingTimers.delete(timer);
    res.off('close', onClose);
    answerFromLoadBalancer(context, req, res, record, 504);
  }, context.connectTimeoutMs);
  const onClose = (): void => {
    timer.cancel();
    context.pendingTimers.delete(timer);
    logRequest(context, req, record, 460);
  };
  context.pendingTimers.add(timer);
  res.once('close', onClose);
}

/** Upstream errors that mean "no data within the timeout" (504); every other failure is a 502. */
function statusForUpstreamError(error: Error): number {
  const code = (error as { code?: string }).code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ETIMEDOUT'
    ? 504
    : 502;
}

/**
 * One request in flight to a target: an undici dispatch handler writing into the client response.
 * It uses undici's `onConnect`/`onHeaders`/`onData` handler form, which undici runs as is (the
 * `onRequestStart` form is wrapped per request and gets its headers parsed into an object).
 */
class ForwardExchange implements Dispatcher.DispatchHandler, InFlightRequest {
  previousInFlight: InFlightRequest | undefined = undefined;
  nextInFlight: InFlightRequest | undefined = undefined;
  private abortUpstream: ((error?: Error) => void) | undefined;
  private resume: (() => void) | undefined;
  private finished = false;
  private clientGone = false;
  private cutByDeregistration = false;
  private stalled = false;

  constructor(
    private readonly context: ListenerContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly group: TargetGroup,
    private readonly target: Target,
    private readonly record: RequestRecord,
  ) {
    res.once('close', this.onClientClose);
  }

  abortForDeregistration(): void {
    this.cutByDeregistration = true;
    this.abortUpstream?.(new Error('the deregistration delay elapsed'));
  }

  /** The client's body stopped arriving for the idle timeout: 408, close, cut the target call. */
  onBodyStalled(): void {
    if (this.finished) {
      this.req.socket.destroy();
      return;
    }
    this.stalled = true;
    // The 408 is written and logged first, so the abort below finds the exchange finished.
    writeElbError(this.res, 408, this.context.clock.now());
    this.finish(408);
    this.abortUpstream?.(new Error('the client sent no data within the idle timeout'));
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.clientGone) abort(new Error('the client closed the connection'));
    else if (this.cutByDeregistration) abort(new Error('the deregistration delay elapsed'));
    else if (this.stalled) abort(new Error('the client sent no data within the idle timeout'));
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200 || this.clientGone) return true;
    this.resume = resume;
    this.record.answeredPerf = performance.now();
    this.record.targetStatus = statusCode;
    const out: string[] = [];
    let connection: string | undefined;
    for (let i = 0; i < headers.length; i += 2) {
      // Names in lower case, values as latin1: what undici's parsed headers held.
      const name = (headers[i] as Buffer).toString().toLowerCase();
      const value = (headers[i + 1] as Buffer).toString('latin1');
      if (name === 'connection') connection = connection === undefined ? value : `${connection},${value}`;
      out.push(name, value);
    }
    const tokens = connectionTokens(connection);
    let kept = 0;
    for (let i = 0; i < out.length; i += 2) {
      const name = out[i] as string;
      if (isHopByHop(name, tokens)) continue;
      out[kept++] = name;
      out[kept++] = out[i + 1] as string;
    }
    out.length = kept;
    for (const cookie of this.record.setCookies ?? []) out.push('set-cookie', cookie);
    out.push('Connection', this.req.headers.connection?.toLowerCase() === 'close' ? 'close' : 'keep-alive');
    this.res.writeHead(statusCode, statusText || undefined, out);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.clientGone || this.res.write(chunk)) return true;
    this.res.once('drain', this.resume as () => void);
    return false;
  }

  onComplete(): void {
    if (!this.clientGone) this.res.end();
    this.finish(this.clientGone ? 460 : (this.record.targetStatus ?? 502));
  }

  onError(error: Error): void {
    if (this.finished) return;
    if (this.clientGone) {
      this.finish(460);
      return;
    }
    const status = this.cutByDeregistration ? 502 : statusForUpstreamError(error);
    if (this.res.headersSent) {
      this.res.destroy();
      this.finish(status);
      return;
    }
    writeElbError(this.res, status, this.context.clock.now());
    this.finish(status);
  }

  private readonly onClientClose = (): void => {
    if (this.finished || this.res.writableFinished) return;
    this.clientGone = true;
    this.abortUpstream?.(new Error('the client closed the connection'));
  };

  private finish(elbStatus: number): void {
    if (this.finished) return;
    this.finished = true;
    this.res.off('close', this.onClientClose);
    this.group.requestFinished(this.target, this);
    logRequest(this.context, this.req, this.record, elbStatus);
  }
}
