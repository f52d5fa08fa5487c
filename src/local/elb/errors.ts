/**
 * Responses the Application Load Balancer writes itself (not forwarded from a target).
 *
 * Fidelity (aws-behavior.md §2.5): reproduces the ALB's error page byte for byte as seen in public
 * transcripts: `Server: awselb/2.0`, `Content-Type: text/html` and the nginx-style HTML template
 * with CRLF line endings, including the final CRLF. With those line endings the two observed
 * lengths both come out exactly: 122 bytes for `502 Bad Gateway` and 162 bytes for
 * `503 Service Temporarily Unavailable` (LF endings would give 116 and 156). The 504 text
 * `504 Gateway Time-out` (132 bytes), and the 400, 405, 408 and 301/302 pages, are derived from the
 * same template (nginx wording), not observed. A `Date` header and `Connection: keep-alive` (or
 * `close` when the client asked for it) are sent as ALBs do; a 400 (blocked request) and a 408
 * (idle client) always close the connection, as the ALB's desync mitigation closes it after a
 * blocked request (aws/http-desync-guardian) and the idle timeout closes it (§2.4). 460 (client
 * closed the connection) is never written: there is nobody left to read it; it only appears in
 * the access log.
 */

import { type ServerResponse, STATUS_CODES } from 'node:http';

/** Status codes the ALB generates, with the reason phrase it puts in the status line and page. */
export const ELB_STATUS_TEXT: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Time-out',
  463: 'Bad Request',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

const pages = new Map<number, Buffer>();

/**
 * The HTML body of an ALB-generated page for `status`, e.g. for 503:
 * `<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n…</html>\r\n`.
 */
export function elbErrorPage(status: number): Buffer {
  let page = pages.get(status);
  if (!page) {
    const title = `${status} ${ELB_STATUS_TEXT[status] ?? STATUS_CODES[status] ?? 'Error'}`;
    page = Buffer.from(
      `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
      'latin1',
    );
    pages.set(status, page);
  }
  return page;
}

/** What the client asked for in its `Connection` header, mirrored in ours. */
function connectionValue(res: ServerResponse): string {
  return res.req?.headers.connection?.toLowerCase() === 'close' ? 'close' : 'keep-alive';
}

/** Statuses after which the load balancer closes the client connection. */
const CLOSING = new Set([400, 408]);

/**
 * Writes an ALB-generated response with the given body. Header order follows ALB transcripts:
 * `Server`, `Date`, `Content-Type`, `Content-Length`, `Connection`, then `extraHeaders`. `close`
 * sends `Connection: close` and ends the connection after the response.
 */
export function writeElbResponse(
  res: ServerResponse,
  status: number,
  nowMs: number,
  contentType: string,
  body: Buffer,
  extraHeaders: readonly string[] = [],
  close = false,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (close) res.shouldKeepAlive = false;
  const headers = [
    'Server',
    'awselb/2.0',
    'Date',
    new Date(nowMs).toUTCString(),
    'Content-Type',
    contentType,
    'Content-Length',
    String(body.length),
    'Connection',
    close ? 'close' : connectionValue(res),
    ...extraHeaders,
  ];
  res.writeHead(status, ELB_STATUS_TEXT[status] ?? STATUS_CODES[status] ?? '', headers);
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

/** Writes the ALB error page for `status` (400, 405, 408, 502, 503, 504, …); 400 and 408 close the connection. */
export function writeElbError(res: ServerResponse, status: number, nowMs: number): void {
  writeElbResponse(res, status, nowMs, 'text/html', elbErrorPage(status), [], CLOSING.has(status));
}
