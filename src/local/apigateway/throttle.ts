/**
 * Request throttling: token buckets for the account, and per route of a stage.
 *
 * Fidelity (aws-behavior.md §1.6):
 * - token bucket with a steady rate (requests/s) and a bucket capacity (burst) [DOC]; the bucket
 *   starts full and refills continuously;
 * - the account bucket, 10,000 rps with a burst of 5,000, shared by every API of the account [DOC];
 *   pass one {@link TokenBucket} to several emulators to share it;
 * - a stage's `DefaultRouteSettings` limits apply to each route separately, and `RouteSettings`
 *   for a route key override them [UNCONFIRMED: the name "default route settings" suggests
 *   per-route defaults, as REST API stage limits are per method]; requests that match no route
 *   only count against the account;
 * - a throttled request gets 429 `{"message":"Too Many Requests"}` (body UNCONFIRMED, §1.5).
 * AWS calls its limits "best-effort targets"; this bucket is exact.
 */

import type { Clock } from '../clock.js';
import type { StageConfig, ThrottleConfig } from './types.js';

/** The default account limit: 10,000 requests/s, burst 5,000 (§1.6). */
export const ACCOUNT_THROTTLE: ThrottleConfig = { rateLimit: 10_000, burstLimit: 5_000 };

/** A token bucket: `burstLimit` tokens, refilled at `rateLimit` per second, one per request. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly limits: ThrottleConfig,
    private readonly clock: Clock,
  ) {
    this.tokens = limits.burstLimit;
    this.updatedAt = clock.now();
  }

  /** Takes one token; false when the bucket is empty (the request is throttled). */
  tryTake(): boolean {
    const now = this.clock.now();
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.limits.burstLimit, this.tokens + (elapsed * this.limits.rateLimit) / 1000);
      this.updatedAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available now (fractional while refilling). */
  available(): number {
    const elapsed = Math.max(0, this.clock.now() - this.updatedAt);
    return Math.min(this.limits.burstLimit, this.tokens + (elapsed * this.limits.rateLimit) / 1000);
  }
}

/** The buckets of one HTTP API: the account's, and one per (stage, route) that has limits. */
export class Throttle {
  private readonly routeBuckets = new Map<StageConfig, Map<string, TokenBucket | null>>();

  constructor(
    private readonly clock: Clock,
    private readonly account: TokenBucket = new TokenBucket(ACCOUNT_THROTTLE, clock),
  ) {}

  /**
   * Admits one request for `routeKey` (`undefined` when no route matched) on `stage`; false when
   * it must get 429. The route bucket is checked first, then the account bucket.
   */
  admit(stage: StageConfig | undefined, routeKey: string | undefined): boolean {
    if (stage && routeKey !== undefined) {
      const bucket = this.routeBucket(stage, routeKey);
      if (bucket && !bucket.tryTake()) return false;
    }
    return this.account.tryTake();
  }

  private routeBucket(stage: StageConfig, routeKey: string): TokenBucket | null {
    let buckets = this.routeBuckets.get(stage);
    if (!buckets) {
      buckets = new Map();
      this.routeBuckets.set(stage, buckets);
    }
    let bucket = buckets.get(routeKey);
    if (bucket === undefined) {
      const limits = stage.routeThrottles[routeKey] ?? stage.throttle;
      bucket = limits ? new TokenBucket(limits, this.clock) : null;
      buckets.set(routeKey, bucket);
    }
    return bucket;
  }
}
