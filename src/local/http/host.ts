/**
 * `Host` field values: which are well formed (RFC 9112 §3.2), and which name this machine's
 * loopback interface.
 *
 * Fidelity: RFC 9112 §3.2 makes `Host` = `uri-host [ ":" port ]` (RFC 3986 §3.2.2: an IP literal
 * in brackets, an IPv4 address, or a reg-name of unreserved characters, percent-escapes and
 * sub-delims) and requires a 400 for a request with a missing (HTTP/1.1), repeated or invalid
 * `Host`. A reg-name may hold `;`, `,` and `=`, so a valid Host can still look like a
 * `Forwarded` element; see forwarded.ts for the quoting that keeps it a single value. The empty
 * host is refused (an `http` URI must not have one, RFC 9110 §4.2.1).
 */

/** `[ipv6]`, or a non-empty reg-name / IPv4 address; then an optional `:port` of up to 5 digits. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::[0-9]{0,5})?$/;

/**
 * True when `value` is a well-formed `Host` field value (RFC 9112 §3.2, RFC 3986 §3.2.2).
 *
 * @example isValidHost('api.example.com') // true
 * @example isValidHost('127.0.0.1:3000') // true
 * @example isValidHost('[::1]:8080') // true
 * @example isValidHost('a;for=6.6.6.6') // true (sub-delims are allowed; quote it in Forwarded)
 * @example isValidHost('"a') // false
 * @example isValidHost('a b') // false
 */
export function isValidHost(value: string | undefined): boolean {
  if (value === undefined) return false;
  // Nearly every request of a run carries the same Host: remember the last valid one (hot path).
  if (value === lastValidHost) return true;
  if (!HOST.test(value)) return false;
  lastValidHost = value;
  return true;
}

let lastValidHost: string | undefined;

/**
 * True when a raw header name is `Host` in any letter case; compares character codes, so the
 * per-request header loops allocate nothing.
 */
export function isHostFieldName(name: string): boolean {
  return (
    name.length === 4 &&
    (name.charCodeAt(0) | 0x20) === 0x68 /* h */ &&
    (name.charCodeAt(1) | 0x20) === 0x6f /* o */ &&
    (name.charCodeAt(2) | 0x20) === 0x73 /* s */ &&
    (name.charCodeAt(3) | 0x20) === 0x74 /* t */
  );
}

/** The loopback names a local endpoint answers to, without port. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * True when `value` is `127.0.0.1`, `localhost` or `[::1]`, with or without a port: the names a
 * client on this machine uses for a loopback listener. A page on another origin that had its DNS
 * name rebound to 127.0.0.1 still sends its own name, so this check turns it away.
 *
 * @example isLoopbackHost('127.0.0.1:4566') // true
 * @example isLoopbackHost('LOCALHOST') // true
 * @example isLoopbackHost('evil.example:4566') // false
 * @example isLoopbackHost('127.0.0.1.evil.example') // false
 */
export function isLoopbackHost(value: string | undefined): boolean {
  if (value === undefined || !HOST.test(value)) return false;
  const close = value.startsWith('[') ? value.indexOf(']') + 1 : 0;
  const colon = value.indexOf(':', close);
  const name = (colon < 0 ? value : value.slice(0, colon)).toLowerCase();
  return LOOPBACK.has(name);
}
