/**
 * The listener actions the load balancer answers itself: `redirect` and `fixed-response`.
 *
 * Fidelity: a redirect expands `#{protocol}`, `#{host}`, `#{port}`, `#{path}` and `#{query}` in the
 * configured parts (defaults `#{protocol}`, `#{host}`, `#{port}`, `/#{path}`, `#{query}`), lower-cases
 * the protocol, always writes the port (`https://example.com:443/a?b=1`, as ALBs do) and leaves out
 * `?` when the query is empty; the response is `HTTP_301`/`HTTP_302` with the ALB HTML page
 * (`301 Moved Permanently`) and `Location`. `#{port}` and `#{protocol}` are the AWS listener's; a
 * Location back to the same load balancer (the request's own host, on a port one of its listeners
 * has on AWS) then gets the local port of that listener in place of the AWS one
 * ({@link localRedirectLocation}: `https://shop.example.com:443/a` → `https://shop.example.com:8443/a`),
 * so a client that follows it reaches the local HTTPS listener; any other Location is sent as on
 * AWS. A fixed response sends the
 * configured status, `Content-Type` (default `text/plain`, `; charset=utf-8` added, inferred) and
 * body. Which action serves a request is listener-rules.ts; `authenticate-*` actions are not
 * emulated.
 */

import type { ServerResponse } from 'node:http';
import { elbErrorPage, writeElbResponse } from './errors.js';
import type { ListenerAction } from './types.js';

type RedirectAction = Extract<ListenerAction, { type: 'redirect' }>;
type FixedResponseAction = Extract<ListenerAction, { type: 'fixed-response' }>;

/** The parts of the request a redirect can reuse. */
export interface RedirectSource {
  /** Listener protocol, lower case. */
  readonly protocol: string;
  /** Host name without port. */
  readonly host: string;
  /** AWS listener port. */
  readonly port: number;
  /** Path without the leading `/`. */
  readonly path: string;
  /** Query string without `?` (may be empty). */
  readonly query: string;
}

function expand(template: string, source: RedirectSource): string {
  return template.replace(/#\{(protocol|host|port|path|query)\}/g, (_, key: keyof RedirectSource) =>
    String(source[key]),
  );
}

/** The `Location` of a redirect action for a request. */
export function redirectLocation(action: RedirectAction, source: RedirectSource): string {
  const protocol = expand(action.protocol ?? '#{protocol}', source).toLowerCase();
  const host = expand(action.host ?? '#{host}', source);
  const port = expand(action.port ?? '#{port}', source);
  let path = expand(action.path ?? '/#{path}', source);
  if (!path.startsWith('/')) path = `/${path}`;
  const query = expand(action.query ?? '#{query}', source);
  return `${protocol}://${host}:${port}${path}${query ? `?${query}` : ''}`;
}

/**
 * The Location a local client gets: `location` (as AWS would send it) with its port replaced by
 * the local port of this load balancer's listener on that AWS port, when the Location names the
 * request's own host and such a listener exists; otherwise `location` unchanged.
 *
 * @example
 * localRedirectLocation('https://shop.example.com:443/a?b=1', 'shop.example.com', new Map([[80, 8080], [443, 8443]]));
 * // 'https://shop.example.com:8443/a?b=1'
 * localRedirectLocation('https://other.example.org:443/', 'shop.example.com', new Map([[443, 8443]]));
 * // 'https://other.example.org:443/' (another host: as on AWS)
 */
export function localRedirectLocation(
  location: string,
  requestHost: string,
  localPorts: ReadonlyMap<number, number>,
): string {
  const parts = /^([a-z][a-z0-9+.-]*:\/\/)([^/:?#]+):(\d+)(.*)$/is.exec(location);
  if (!parts) return location;
  const [, scheme, host, port, rest] = parts as unknown as [string, string, string, string, string];
  if (host.toLowerCase() !== requestHost.toLowerCase()) return location;
  const local = localPorts.get(Number(port));
  return local === undefined ? location : `${scheme}${host}:${local}${rest}`;
}

/** The status code of a redirect action (`HTTP_301` → 301; anything else → 302). */
export function redirectStatus(action: RedirectAction): number {
  return action.statusCode === 'HTTP_301' ? 301 : 302;
}

/** Writes the redirect response; returns the Location (for the access log). */
export function writeRedirect(
  res: ServerResponse,
  action: RedirectAction,
  source: RedirectSource,
  nowMs: number,
  localPorts: ReadonlyMap<number, number> = new Map(),
): string {
  const location = localRedirectLocation(redirectLocation(action, source), source.host, localPorts);
  const status = redirectStatus(action);
  writeElbResponse(res, status, nowMs, 'text/html', elbErrorPage(status), ['Location', location]);
  return location;
}

/** Writes a fixed response. */
export function writeFixedResponse(res: ServerResponse, action: FixedResponseAction, nowMs: number): void {
  const type = action.contentType ?? 'text/plain';
  const contentType = type.includes('charset') ? type : `${type}; charset=utf-8`;
  writeElbResponse(res, action.statusCode, nowMs, contentType, Buffer.from(action.messageBody ?? '', 'utf8'));
}
