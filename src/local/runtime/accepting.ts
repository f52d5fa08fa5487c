/**
 * Whether a task's ports take connections yet. A connection that the far end closes at once does
 * not count: Docker's userland proxy accepts on the published host port even while nothing
 * listens in the container, then closes. So a port counts as accepting once a connection to it
 * stays open for `holdMs`.
 */

import { connect } from 'node:net';

/** Options of {@link waitUntilAccepting}. */
export interface AcceptingOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** How long a connection must stay open to count (the proxy may be slow to close under load). @default 150 */
  readonly holdMs?: number;
  /** Pause between attempts. @default 25 */
  readonly pollMs?: number;
  /** Stop waiting when this turns true (e.g. the task is being stopped). */
  readonly cancelled?: () => boolean;
}

/** True when a connection to `host:port` opens and stays open for `holdMs`. */
export function accepting(host: string, port: number, holdMs = 150): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let timer: NodeJS.Timeout | undefined;
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(Math.max(1000, holdMs * 2), () => finish(false));
    socket.once('connect', () => {
      timer = setTimeout(() => finish(true), holdMs);
    });
    socket.once('close', () => finish(false));
    socket.once('end', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

/**
 * Resolves `true` once every endpoint is {@link accepting}, `false` when `timeoutMs` passed or
 * `cancelled()` turned true first. Never rejects.
 */
export async function waitUntilAccepting(
  endpoints: readonly { readonly host: string; readonly port: number }[],
  options: AcceptingOptions,
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  const pending = new Set(endpoints);
  while (pending.size > 0) {
    if (options.cancelled?.() || Date.now() > deadline) return false;
    for (const endpoint of [...pending]) {
      if (await accepting(endpoint.host, endpoint.port, options.holdMs)) pending.delete(endpoint);
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, options.pollMs ?? 25));
  }
  return true;
}
