/**
 * The request headers an Application Load Balancer sends to a target.
 *
 * Fidelity (aws-behavior.md §2.4, §2.6):
 * - `X-Forwarded-For`: the client IP is appended to what the client sent, or the header is created
 *   (`routing.http.xff_header_processing.mode` = `append`, the default; no client port);
 * - `X-Forwarded-Proto`: the listener protocol in lower case (`https` for an HTTPS listener even
 *   though it is served as plain HTTP locally); `X-Forwarded-Port`: the AWS listener port (80, 443),
 *   not the local port the client really connected to; client-sent values are replaced;
 * - `X-Amzn-Trace-Id`: `Root=1-<8 hex>-<24 hex>` when absent; `Self=…;` inserted in front when the
 *   client sent a `Root`; an existing `Self` is replaced; other fields are kept; a header over 7 KB is
 *   replaced by a fresh `Root` only. A header with neither `Root` nor `Self` gets `Root=…;` in front
 *   (inferred);
 * - `Host` (host header preservation off): the client's host name with any port removed, plus
 *   `:<listener port>` when the AWS listener port is not 80 or 443. Locally the client sends the
 *   local port (`127.0.0.1:49152`); the target sees what it would see on AWS. A request without
 *   `Host` (HTTP/1.0) gets the load balancer's DNS name (inferred). Any other value is forwarded
 *   as received, `Host: a;for=6.6.6.6` included: the ALB's desync mitigation refuses only control
 *   characters in headers (aws/http-desync-guardian), and no value built here comes from `Host`:
 *   the ALB adds no RFC 7239 `Forwarded` header, and `X-Forwarded-For` is the connection's peer
 *   appended to what the client sent (the documented `append` mode), so a target that trusts it
 *   must read it from the right, as behind a real ALB. For an absolute-form request the `Host` is
 *   the request-target's authority (load-balancer.ts);
 * - hop-by-hop headers are not forwarded; `Expect` is answered by the load balancer, not forwarded;
 * - with `routing.http.drop_invalid_header_fields.enabled`, header names that are not
 *   `[-A-Za-z0-9]+` are dropped. (Node's parser already rejects names that are not HTTP tokens
 *   with a 400, where the ALB would forward them when the attribute is off.)
 */

import { connectionTokens, isHopByHop } from '../http/hop-by-hop.js';
import { newTraceIdValue } from '../http/trace-id.js';

/** What the added headers depend on. */
export interface ForwardedHeaderContext {
  /** The client's IP as the ALB sees it. */
  readonly clientIp: string;
  /** `http` or `https`. */
  readonly proto: string;
  /** The AWS listener port, e.g. 80. */
  readonly awsPort: number;
  /** Used when the request has no `Host`. */
  readonly defaultHost: string;
  readonly dropInvalidHeaderFields: boolean;
  readonly nowMs: number;
}

/** The headers to send upstream, and the values the access log needs. */
export interface ForwardedHeaders {
  /** Flat `[name, value, name, value, …]` list for undici. */
  readonly headers: string[];
  /** The `X-Amzn-Trace-Id` value sent to the target. */
  readonly traceId: string;
  /** The `Host` value sent to the target. */
  readonly host: string;
}

const TRACE_HEADER_LIMIT = 7 * 1024;
const VALID_NAME = /^[-A-Za-z0-9]+$/;

/** The `X-Amzn-Trace-Id` value the ALB forwards, given what the client sent. */
export function nextTraceHeader(received: string | undefined, nowMs: number): string {
  const id = newTraceIdValue(nowMs);
  if (!received || received.length > TRACE_HEADER_LIMIT) return `Root=${id}`;
  const fields = received.split(';');
  let hasRoot = false;
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i].trim().split('=', 1)[0];
    if (name === 'Self') {
      fields[i] = `Self=${id}`;
      return fields.join(';');
    }
    if (name === 'Root') hasRoot = true;
  }
  return hasRoot ? `Self=${id};${received}` : `Root=${id};${received}`;
}

/** The `Host` a target sees: host name without port, plus `:port` for listeners not on 80/443. */
export function forwardedHost(received: string | undefined, awsPort: number, defaultHost: string): string {
  const name = received ? stripPort(received) : defaultHost;
  return awsPort === 80 || awsPort === 443 ? name : `${name}:${awsPort}`;
}

/** `example.com:8080` → `example.com`; `[::1]:80` → `[::1]`. */
export function stripPort(host: string): string {
  const end = host.startsWith('[') ? host.indexOf(']') + 1 : 0;
  const colon = host.indexOf(':', end);
  return colon < 0 ? host : host.slice(0, colon);
}

/** Builds the upstream header list from the client's raw headers (Node's `rawHeaders`). */
export function buildForwardedHeaders(
  rawHeaders: readonly string[],
  connection: string | string[] | undefined,
  context: ForwardedHeaderContext,
): ForwardedHeaders {
  const tokens = connectionTokens(connection);
  const headers: string[] = [];
  let host: string | undefined;
  let xff: string | undefined;
  let trace: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    const value = rawHeaders[i + 1];
    const lower = name.toLowerCase();
    switch (lower) {
      case 'host':
        host ??= value;
        continue;
      case 'x-forwarded-for':
        xff = xff === undefined ? value : `${xff}, ${value}`;
        continue;
      case 'x-amzn-trace-id':
        trace ??= value;
        continue;
      case 'x-forwarded-proto':
      case 'x-forwarded-port':
      case 'expect':
        continue;
    }
    if (isHopByHop(lower, tokens)) continue;
    if (context.dropInvalidHeaderFields && !VALID_NAME.test(name)) continue;
    headers.push(name, value);
  }
  const forwardedHostValue = forwardedHost(host, context.awsPort, context.defaultHost);
  const traceId = nextTraceHeader(trace, context.nowMs);
  headers.push(
    'Host',
    forwardedHostValue,
    'X-Forwarded-For',
    xff === undefined ? context.clientIp : `${xff}, ${context.clientIp}`,
    'X-Forwarded-Proto',
    context.proto,
    'X-Forwarded-Port',
    String(context.awsPort),
    'X-Amzn-Trace-Id',
    traceId,
  );
  return { headers, traceId, host: forwardedHostValue };
}
