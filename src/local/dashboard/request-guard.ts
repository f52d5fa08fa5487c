/**
 * Which requests the dashboard answers: only those addressed to its own `127.0.0.1:<port>`, and,
 * for the actions (POST), only those sent by its own page.
 *
 * Fidelity: not AWS; a browser-facing server on the loopback address. A page on any other site
 * can make the browser send requests to 127.0.0.1, two ways: by DNS rebinding (a name of the
 * attacker's that later resolves to 127.0.0.1, so the browser treats the answers as its own: the
 * `Host` header still carries that name) and by a cross-site form or fetch (the browser sends
 * `Origin` of the other site with every POST). The first is refused with 421 Misdirected Request,
 * the second with 403. Nothing of the request is echoed in the answer.
 */

/** The request facts the guard looks at. */
export interface GuardedRequest {
  readonly method: string;
  /** The `Host` header. */
  readonly host: string | undefined;
  /** The `Origin` header. */
  readonly origin: string | undefined;
}

/** What the guard decided. */
export type GuardVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: 403 | 405 | 421; readonly message: string };

/** Methods that only read. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Checks one request against the dashboard's own address `127.0.0.1:<port>`.
 *
 * @example guardRequest({ method: 'GET', host: '127.0.0.1:4000', origin: undefined }, 4000) // allowed
 * @example guardRequest({ method: 'GET', host: 'evil.example:4000', origin: undefined }, 4000) // 421
 * @example guardRequest({ method: 'POST', host: '127.0.0.1:4000', origin: 'https://evil.example' }, 4000) // 403
 */
export function guardRequest(request: GuardedRequest, port: number): GuardVerdict {
  const own = `127.0.0.1:${port}`;
  if (request.host !== own) {
    return {
      allowed: false,
      status: 421,
      message: `This dashboard answers only requests addressed to http://${own}/ (the Host header named another address).\n`,
    };
  }
  if (SAFE_METHODS.has(request.method)) return { allowed: true };
  if (request.method !== 'POST') {
    return { allowed: false, status: 405, message: 'Only GET, HEAD and POST are allowed here.\n' };
  }
  if (request.origin !== `http://${own}`) {
    return {
      allowed: false,
      status: 403,
      message: `Actions are accepted only from the dashboard's own page at http://${own}/ (the Origin header was missing or another site's).\n`,
    };
  }
  return { allowed: true };
}
