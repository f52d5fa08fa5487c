/**
 * Keep-alive connection pools to backends, one undici `Pool` per origin (`http://host:port`).
 *
 * Fidelity: AWS's connection reuse towards integrations is not observable in detail; reusing
 * connections matters here for local load tests (a new TCP connection per request would measure
 * the emulator, not the service). Pools are created on first use, dropped when their origin
 * refuses connections (the task behind it is gone) and all closed on shutdown.
 */

import { Pool } from 'undici';

/** Pool settings shared by every upstream. */
export interface UpstreamPoolOptions {
  /** Idle keep-alive sockets are closed after this long, ms. @default 4000 (undici's default) */
  readonly keepAliveTimeoutMs?: number;
  /** Connection attempts give up after this long, ms. @default 10000 */
  readonly connectTimeoutMs?: number;
}

/** The pools of one emulator. */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: UpstreamPoolOptions = {}) {}

  /** The pool for `origin`, created on first use. */
  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        keepAliveTimeout: this.options.keepAliveTimeoutMs ?? 4_000,
        connect: { timeout: this.options.connectTimeoutMs ?? 10_000 },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Drops the pool of an origin that went away; requests still on it may finish. */
  evict(origin: string): void {
    const pool = this.pools.get(origin);
    if (!pool) return;
    this.pools.delete(origin);
    pool.close().catch(() => undefined);
  }

  /** Number of pools (distinct upstream origins) open. */
  get size(): number {
    return this.pools.size;
  }

  /** Destroys every pool at once, aborting requests still in flight. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}
