/**
 * Headers a proxy must not forward (RFC 9110 §7.6.1 connection-specific fields), plus those named
 * in the request's own `Connection` header.
 */

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** True when `name` (lower case) must not cross a proxy. `connectionTokens` are the `Connection` header's names. */
export function isHopByHop(name: string, connectionTokens?: ReadonlySet<string>): boolean {
  return HOP_BY_HOP.has(name) || (connectionTokens?.has(name) ?? false);
}

/** The lower-case names listed in a `Connection` header value. */
export function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> {
  if (value === undefined) return EMPTY;
  // Nearly every message says just `keep-alive` or `close`: no splitting, no new Set (hot path).
  if (value === 'keep-alive' || value === 'Keep-Alive') return KEEP_ALIVE;
  if (value === 'close' || value === 'Close') return CLOSE;
  const text = Array.isArray(value) ? value.join(',') : value;
  const names = text
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter(Boolean);
  return names.length === 0 ? EMPTY : new Set(names);
}

const EMPTY: ReadonlySet<string> = new Set();
const KEEP_ALIVE: ReadonlySet<string> = new Set(['keep-alive']);
const CLOSE: ReadonlySet<string> = new Set(['close']);
