/**
 * Free TCP ports on the loopback interface, for the process runtime (each container port of a
 * task gets its own host port, as Docker's ephemeral publishing does).
 */

import { createServer } from 'node:net';

/** Ports handed out recently: the process they are for may not have bound them yet. */
const recentlyGiven = new Map<number, number>();
const RESERVE_MS = 30_000;
/**
 * Ports are drawn from 20000-29999, below Linux's ephemeral range (32768-60999), where the kernel
 * places `port 0` listeners such as Docker's published ports; a process runtime port taken there
 * could be grabbed by a container starting at the same moment.
 */
const RANGE_START = 20_000;
const RANGE_SIZE = 10_000;

/**
 * A free TCP port on 127.0.0.1, never one this process handed out in the last 30 s (two tasks
 * starting together would otherwise be able to get the same port before either binds it).
 * Another program may still take the port before the caller binds it; callers bind right away.
 */
export async function freePort(): Promise<number> {
  const now = Date.now();
  for (const [port, at] of recentlyGiven) if (now - at > RESERVE_MS) recentlyGiven.delete(port);
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = RANGE_START + Math.floor(Math.random() * RANGE_SIZE);
    if (recentlyGiven.has(candidate)) continue;
    if (await canListen(candidate)) {
      recentlyGiven.set(candidate, now);
      return candidate;
    }
  }
  throw new Error(
    `no free port on 127.0.0.1 between ${RANGE_START} and ${RANGE_START + RANGE_SIZE - 1} after 50 attempts`,
  );
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => {
      server.close(() => resolve(true));
    });
  });
}
