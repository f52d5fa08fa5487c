/**
 * A request body that stops arriving: the connection's idle timer while a body is being read.
 *
 * Fidelity: the ALB closes a connection on which "no data has been sent or received" for its idle
 * timeout and answers 408 when the client sent no data in time (aws-behavior.md §2.4, §2.5);
 * nginx's `client_body_timeout` does the same between two reads of a body. The timer here is the
 * socket's inactivity timer (reads and writes both reset it), armed only while a request body is
 * still incomplete, so it costs nothing for requests without one and never races the target-side
 * timeouts once the body is in.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Calls `onStall` when `req`'s body receives no byte for `timeoutMs` (and nothing is written to
 * the client either) before it is complete. Disarmed once the body has ended; a timeout of 0 or
 * less never fires. The caller answers (or cuts) the connection in `onStall`.
 */
export function watchRequestBody(
  req: IncomingMessage,
  res: ServerResponse,
  timeoutMs: number,
  onStall: () => void,
): void {
  if (req.complete || !(timeoutMs > 0)) return;
  // node:http emits 'timeout' on the request only while it is incomplete (socketOnTimeout).
  req.setTimeout(timeoutMs, onStall);
  req.once('end', () => {
    // Once the response has finished, node:http owns the timer again (keep-alive timeout).
    if (!res.writableFinished) req.socket?.setTimeout(0);
  });
}
