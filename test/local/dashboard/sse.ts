/**
 * A small Server-Sent Events reader for the dashboard tests: a real socket to the dashboard,
 * events parsed as the HTML standard says (only the `event:` and one `data:` line the dashboard
 * sends), waiting bounded in time.
 */

import { request } from 'node:http';

/** One received event. */
export interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

/** An open stream: every event received so far, and a way to wait for one. */
export interface SseStream {
  readonly events: SseEvent[];
  /** Resolves with the first event (already received or coming) that `match` accepts. */
  next(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `url` as an event stream with the dashboard's own Host. */
export function openEvents(url: string): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const waiters = new Set<() => void>();
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`event stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) events.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
        for (const waiter of [...waiters]) waiter();
      });
      res.on('error', () => {});
      resolve({
        events,
        next(match, timeoutMs = 10_000) {
          return new Promise((found, fail) => {
            let seen = 0;
            const check = () => {
              for (; seen < events.length; seen++) {
                const event = events[seen] as SseEvent;
                if (match(event)) {
                  waiters.delete(check);
                  clearTimeout(timer);
                  found(event);
                  return;
                }
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(
                new Error(
                  `no matching event within ${timeoutMs} ms (got ${events.map((e) => e.event).join(', ')})`,
                ),
              );
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
