/**
 * How the dashboard answers: every response with the same security headers (a content security
 * policy that allows only the dashboard's own scripts, styles and connections; no framing, no
 * sniffing, no referrer, no caching), JSON or plain text bodies, and small JSON request bodies.
 *
 * Fidelity: not AWS; browser-facing hardening of a loopback server.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers on every answer. */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};
/** The largest action body accepted. */
export const MAX_BODY_BYTES = 4096;
/** The answer to a body that is not a small JSON object. */
export const BAD_BODY = { status: 400, message: 'The body must be a JSON object of at most 4 KiB.' };

/** Sends `body` with the security headers. */
export function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Sends a plain-text answer. */
export function text(res: ServerResponse, status: number, body: string): void {
  send(res, status, 'text/plain; charset=utf-8', body);
}

/** Sends a JSON answer. */
export function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** Reads a small JSON object body (an empty body is `{}`); `undefined` for anything else. */
export function readJsonBody(
  req: IncomingMessage,
  done: (body: Record<string, unknown> | undefined) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      failed = true;
      req.removeAllListeners('data');
      req.resume();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (failed) return done(undefined);
    const raw = Buffer.concat(chunks).toString('utf8').trim();
    if (raw === '') return done({});
    try {
      const parsed = JSON.parse(raw) as unknown;
      done(
        parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : undefined,
      );
    } catch {
      done(undefined);
    }
  });
}
