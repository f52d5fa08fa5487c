/**
 * The service throttle: back-off between launches when tasks keep failing to reach RUNNING.
 *
 * Fidelity (aws-behavior.md §3.1, `service-throttle-logic.md`): only tasks that never reach
 * RUNNING count; a task stopped after RUNNING (failed ELB or container health checks, an
 * essential container exit) does not. The delay grows up to 15 minutes by default. AWS does not
 * document the growth curve; this emulator doubles the delay per consecutive failure from a base
 * (10 s by default) and lets a local run cap it lower. A task reaching RUNNING resets it.
 */

/** Options of a {@link ServiceThrottle}. */
export interface ServiceThrottleOptions {
  /** Delay after the first failure. @default 10_000 */
  readonly baseDelayMs?: number;
  /** Longest delay. @default 900_000 (15 minutes, as AWS) */
  readonly maxDelayMs?: number;
}

/** The back-off delay after `consecutiveFailures` failures: `base × 2^(n-1)`, capped. */
export function throttleDelayMs(consecutiveFailures: number, options: ServiceThrottleOptions = {}): number {
  if (consecutiveFailures <= 0) return 0;
  const base = options.baseDelayMs ?? 10_000;
  const max = options.maxDelayMs ?? 900_000;
  // 2^30 × base is far beyond any cap; avoid Infinity for absurd counts.
  return Math.min(max, base * 2 ** Math.min(consecutiveFailures - 1, 30));
}

/** Tracks consecutive start failures of one service and when the next launch may happen. */
export class ServiceThrottle {
  private failures = 0;
  private allowedAt = 0;

  constructor(private readonly options: ServiceThrottleOptions = {}) {}

  /** Consecutive tasks that failed to reach RUNNING. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** True when no launch may happen at `now`. */
  isThrottled(now: number): boolean {
    return now < this.allowedAt;
  }

  /** The earliest time of the next launch (0 when not throttled). */
  get launchAllowedAt(): number {
    return this.allowedAt;
  }

  /**
   * Records a task that failed to reach RUNNING. Returns true when this failure starts a throttle
   * episode (the moment ECS writes "is unable to consistently start tasks successfully").
   */
  recordStartFailure(now: number): boolean {
    this.failures += 1;
    this.allowedAt = now + throttleDelayMs(this.failures, this.options);
    return this.failures === 1;
  }

  /** Records a task that reached RUNNING: the back-off ends. */
  recordSuccess(): void {
    this.failures = 0;
    this.allowedAt = 0;
  }
}
