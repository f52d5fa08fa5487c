/**
 * Requests an Application Load Balancer answers itself, before any listener action runs.
 *
 * Fidelity (aws-behavior.md §2.5, the ELB troubleshooting guide's 400 and 405 causes):
 * - a request line over 16 K, or a single header line over 16 K → 400 [DOC]; the third documented
 *   limit, 64 K for the whole header, is node:http's `maxHeaderSize` (load-balancer.ts), also 400;
 *   16 K is read as 16,384 bytes, a header line as `name: value`;
 * - `TRACE` → 405 [DOC];
 * - an HTTP/1.1 request without `Host` → 400 (RFC 9112 §3.2; node:http's own check is switched
 *   off so the answer is the ALB's page). HTTP/1.0 and 0.9 requests may omit it and get the load
 *   balancer's DNS name (forwarded-headers.ts).
 * Malformed framing (Content-Length with Transfer-Encoding, repeated Content-Length, bad chunks,
 * NUL or bare CR/LF, obs-fold) never gets here: node:http's parser refuses it and the listener
 * answers the ALB's 400 page and closes the connection. The ALB's desync mitigation in its
 * default `defensive` mode blocks only the "severe" of these with a 400 and forwards the
 * "ambiguous" ones (both Content-Length and Transfer-Encoding, an identical repeated
 * Content-Length) on connections it then closes (aws/http-desync-guardian, docs/README.md);
 * locally those get the 400 too, which is the `strictest` mode's answer. A Transfer-Encoding
 * other than `chunked` gets 400 where the ALB documents 501.
 */

import { isHostFieldName } from '../http/host.js';

/** The longest request line the ALB accepts, bytes (§2.5 "16 K per request line"). */
export const MAX_REQUEST_LINE_BYTES = 16 * 1024;
/** The longest single header line the ALB accepts, bytes (§2.5 "16 K per single header"). */
export const MAX_HEADER_LINE_BYTES = 16 * 1024;

/**
 * The status the load balancer answers `req` with itself (400 or 405), or `undefined` when a
 * listener action may serve it.
 *
 * @example refusedRequestStatus('TRACE', '/', '1.1', ['Host', 'a']) // 405
 * @example refusedRequestStatus('GET', '/', '1.1', []) // 400 (no Host)
 * @example refusedRequestStatus('GET', '/', '1.0', []) // undefined
 */
export function refusedRequestStatus(
  method: string,
  url: string,
  httpVersion: string,
  rawHeaders: readonly string[],
): 400 | 405 | undefined {
  // "GET /path HTTP/1.1"
  if (method.length + url.length + 10 > MAX_REQUEST_LINE_BYTES) return 400;
  let host = httpVersion !== '1.1';
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length + 2 + (rawHeaders[i + 1] as string).length > MAX_HEADER_LINE_BYTES) return 400;
    if (!host && isHostFieldName(name)) host = true;
  }
  if (!host) return 400;
  return method === 'TRACE' ? 405 : undefined;
}
