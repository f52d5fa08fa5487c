/**
 * The request-target of an HTTP/1.1 request line (RFC 9112 §3.2), as a proxy must handle it
 * before routing or forwarding.
 *
 * Fidelity: both emulators are reverse proxies in front of origin servers, so what they route on
 * and send upstream is always origin-form (`/path?query`):
 * - origin-form is kept as received (no normalisation of `..` or percent-encoding);
 * - absolute-form (`http://host/path?q`, RFC 9112 §3.2.2) becomes origin-form, and the target's
 *   authority replaces the `Host` field ("a proxy MUST ignore the received Host header field …
 *   and instead replace it with the host information of the request-target"); a userinfo part
 *   (`user@host`) or a scheme other than `http`/`https` makes the target invalid;
 * - asterisk-form (`OPTIONS *`), authority-form (`CONNECT host:port`) and anything else are
 *   invalid here: neither emulator is a forward proxy. What AWS answers for these is not
 *   documented; the emulators answer 400.
 * Whether AWS rewrites absolute-form the same way is not documented either; the RFC's rule is the
 * one a conforming proxy applies.
 */

import type { IncomingMessage } from 'node:http';

/** What a request-target is, and for absolute-form its origin-form path and authority. */
export type RequestTarget =
  | { readonly form: 'origin' }
  | { readonly form: 'absolute'; readonly path: string; readonly authority: string }
  | { readonly form: 'invalid' };

const ORIGIN: RequestTarget = { form: 'origin' };
const INVALID: RequestTarget = { form: 'invalid' };
/** `http(s)://authority[path-abempty][?query]`; no userinfo, no fragment. */
const ABSOLUTE = /^https?:\/\/([^/?#@\s]+)([/?][^#\s]*)?$/i;
const SLASH = 0x2f;

/**
 * Classifies a request-target (Node's `req.url`).
 *
 * @example classifyRequestTarget('/a?b=1') // { form: 'origin' }
 * @example classifyRequestTarget('http://evil.example/x?q=1')
 *   // { form: 'absolute', path: '/x?q=1', authority: 'evil.example' }
 * @example classifyRequestTarget('*') // { form: 'invalid' }
 */
export function classifyRequestTarget(target: string | undefined): RequestTarget {
  // The hot path: every request a client normally sends.
  if (target !== undefined && target.charCodeAt(0) === SLASH) return ORIGIN;
  const match = target === undefined ? null : ABSOLUTE.exec(target);
  if (!match) return INVALID;
  const rest = match[2];
  const path = rest === undefined ? '/' : rest.charCodeAt(0) === SLASH ? rest : `/${rest}`;
  return { form: 'absolute', path, authority: match[1] as string };
}

/**
 * Rewrites an absolute-form request in place to what a proxy forwards: `req.url` the origin-form
 * path, and one `Host` field (in `req.headers` and `req.rawHeaders`) holding the target's
 * authority.
 */
export function applyOriginForm(
  req: IncomingMessage,
  target: { readonly path: string; readonly authority: string },
): void {
  req.url = target.path;
  req.headers.host = target.authority;
  const raw = req.rawHeaders;
  let kept = -1;
  for (let i = 0; i < raw.length; ) {
    if ((raw[i] as string).toLowerCase() === 'host') {
      if (kept < 0) {
        kept = i;
        raw[i + 1] = target.authority;
      } else {
        raw.splice(i, 2);
        continue;
      }
    }
    i += 2;
  }
  if (kept < 0) raw.push('Host', target.authority);
}
