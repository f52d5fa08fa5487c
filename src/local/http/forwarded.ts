/**
 * Values of the RFC 7239 `Forwarded` header.
 *
 * Fidelity: RFC 7239 §4 makes every parameter value a `token` or a `quoted-string`. A value with
 * any other character (`:` of a port, `[`/`]` of an IPv6 address, `;` `,` `=` `"` that would
 * start a new parameter or element) must be sent quoted, with `"` and `\` escaped (RFC 9110
 * §5.6.4). API Gateway's own values (`host=<id>.execute-api.<region>.amazonaws.com`) are tokens
 * and appear unquoted (aws-behavior.md §1.3); locally the Host carries a port, so it is quoted.
 */

/** RFC 9110 §5.6.2 `token`. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A `Forwarded` parameter value: `value` itself when it is a token, else a quoted-string.
 *
 * @example forwardedValue('api.example.com') // 'api.example.com'
 * @example forwardedValue('127.0.0.1:3000') // '"127.0.0.1:3000"'
 * @example forwardedValue('a;for=6.6.6.6') // '"a;for=6.6.6.6"'
 * @example forwardedValue('a"b\\c') // '"a\\"b\\\\c"'
 */
export function forwardedValue(value: string): string {
  // Nearly every request of a run carries the same Host: reuse the last answer (hot path).
  if (value === lastValue) return lastForwarded;
  lastForwarded = TOKEN.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
  lastValue = value;
  return lastForwarded;
}

let lastValue = '';
let lastForwarded = '';

/**
 * A `for=` / `by=` node (RFC 7239 §6): an IPv4 address as is, an IPv6 address bracketed and
 * quoted.
 *
 * @example forwardedNode('10.0.0.5') // '10.0.0.5'
 * @example forwardedNode('::1') // '"[::1]"'
 */
export function forwardedNode(ip: string): string {
  return ip.includes(':') ? `"[${ip}]"` : ip;
}
