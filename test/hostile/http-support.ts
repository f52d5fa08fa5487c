/**
 * Raw-socket tools for the hostile HTTP suite: a backend that records what reaches it, a client
 * that writes arbitrary bytes and reads one response, and an RFC 7239 `Forwarded` parser.
 */

import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';

/** What reached the backend. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: string;
}

/** A backend that records requests: `started` when their headers arrive, `complete` at the body's end. */
export interface RecordingBackend {
  readonly port: number;
  readonly started: Seen[];
  readonly complete: Seen[];
  aborted: number;
  close(): Promise<void>;
}

export async function startRecordingBackend(): Promise<RecordingBackend> {
  const state = { port: 0, started: [] as Seen[], complete: [] as Seen[], aborted: 0 };
  // 64 KiB of headers, as the ALB forwards up to 16 K per line.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    const head = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
    };
    state.started.push({ ...head, body: '' });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => {});
    req.on('aborted', () => state.aborted++);
    req.on('end', () => {
      state.complete.push({ ...head, body: Buffer.concat(chunks).toString('latin1') });
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '10' }).end('backend ok');
    });
  });
  return listenOn(server, state);
}

export async function listenOn<T extends { port: number }>(
  server: Server,
  state: T,
): Promise<T & { close(): Promise<void> }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  });
}

/** What came back on a raw connection. */
export interface RawResult {
  /** The status line, e.g. `HTTP/1.1 400 Bad Request`; '' when nothing came back. */
  readonly statusLine: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The server closed the connection (after a response announcing it, or without a response). */
  readonly closed: boolean;
  /** Milliseconds from the write to the first response byte (or the close). */
  readonly afterMs: number;
}

/**
 * Writes `payload` on a new connection and reads one response: complete once `Content-Length`
 * bytes of body are in (and, after `Connection: close`, once the server has closed). Bounded to 4 s.
 */
export function rawRequest(port: number, payload: string | Buffer): Promise<RawResult> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1');
    const started = performance.now();
    let firstByteMs: number | undefined;
    let data = Buffer.alloc(0);
    let settle: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => finish(false), 4_000);
    const parse = () => {
      const text = data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      return { statusLine, headers, body: text.slice(end + 4) };
    };
    const finish = (closed: boolean) => {
      clearTimeout(giveUp);
      clearTimeout(settle);
      socket.destroy();
      const parsed = parse() ?? { statusLine: '', headers: {}, body: '' };
      done({ ...parsed, closed, afterMs: (firstByteMs ?? performance.now()) - started });
    };
    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= performance.now();
      data = Buffer.concat([data, chunk]);
      const parsed = parse();
      const length = Number(parsed?.headers['content-length'] ?? Number.NaN);
      if (parsed && Buffer.byteLength(parsed.body, 'latin1') >= length && !settle) {
        // A response that announces `Connection: close` is given 2 s to close; others are done.
        const closing = parsed.headers.connection?.toLowerCase() === 'close';
        settle = setTimeout(() => finish(false), closing ? 2_000 : 0);
      }
    });
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') fail(error);
    });
    socket.write(payload);
  });
}

/** Resolves once `condition()` holds; fails after 3 s. */
export async function eventually(what: string, condition: () => boolean): Promise<void> {
  for (const start = performance.now(); !condition(); ) {
    if (performance.now() - start > 3_000) throw new Error(`${what} did not happen within 3 s`);
    await new Promise((next) => setTimeout(next, 10));
  }
}

/** RFC 7239 elements of a `Forwarded` value: `;`-separated pairs, quoted-strings unescaped. */
export function parseForwarded(value: string): Array<Record<string, string>> {
  const elements: Array<Record<string, string>> = [];
  const pair = /\s*([^=;,\s]+)=(?:"((?:[^"\\]|\\.)*)"|([^;,\s]*))\s*([;,]|$)/gy;
  let element: Record<string, string> = {};
  for (let match = pair.exec(value); match; match = pair.exec(value)) {
    element[(match[1] as string).toLowerCase()] = match[2]?.replace(/\\(.)/g, '$1') ?? (match[3] as string);
    if (match[4] !== ';') {
      elements.push(element);
      element = {};
    }
    if (match[4] === '') break;
  }
  return elements;
}

export const ALB_PAGE = (title: string) =>
  `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
