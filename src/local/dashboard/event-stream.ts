/**
 * One Server-Sent Events stream to a page, bounded: when the page reads slower than events come
 * (more than `maxBufferedBytes` waiting in the socket), the stream is closed instead of buffering
 * without end; the browser's EventSource reconnects and starts again from a fresh snapshot.
 *
 * Fidelity: not AWS; the `text/event-stream` format of the HTML standard.
 */

import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './responses.js';

/** Options of {@link EventStream}. */
export interface EventStreamOptions {
  /** @default 1 MiB */
  readonly maxBufferedBytes?: number;
  /** A comment line this often keeps proxies and the browser from timing out. @default 15_000 */
  readonly heartbeatMs?: number;
  /** Asks the browser to wait this long before reconnecting. @default 1000 */
  readonly retryMs?: number;
}

/** An open event stream. */
export class EventStream {
  private closed = false;
  private readonly maxBuffered: number;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    options: EventStreamOptions = {},
  ) {
    this.maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    res.write(`retry: ${options.retryMs ?? 1000}\n\n`);
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
    res.once('close', () => this.close());
  }

  /** True once the page went away or the stream was closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one event with a JSON payload; false when the stream is closed (now or before). */
  send(event: string, data: unknown): boolean {
    return this.sendJson(event, JSON.stringify(data));
  }

  /**
   * Sends one event whose payload is already JSON text (serialized once for every open page).
   * `JSON.stringify` never emits a raw newline, so one `data:` line carries the whole payload.
   */
  sendJson(event: string, json: string): boolean {
    return this.write(`event: ${event}\ndata: ${json}\n\n`);
  }

  /** Runs `listener` once the stream closes. */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Ends the stream. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
    this.res.destroy();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private write(chunk: string): boolean {
    if (this.closed) return false;
    if (this.res.writableLength > this.maxBuffered) {
      this.close();
      return false;
    }
    this.res.write(chunk);
    return true;
  }
}
