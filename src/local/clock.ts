/**
 * Time, injected: every emulator with timing (health checks, deployments, draining, throttling)
 * reads time and schedules work through a {@link Clock}, so tests can drive it with a
 * {@link ManualClock} instead of sleeping.
 */

/** A cancellable scheduled callback. */
export interface Timer {
  cancel(): void;
}

/** Time source and scheduler. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): Timer;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The wall clock. Timers are `unref`'d so they never keep the process alive on their own. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
};

/** The longest delay a Node timer takes (about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A clock that runs `speed` times faster than `base` from the moment it is made: its `now()`
 * starts at `base.now()` and then gains `speed` ms per ms of `base`, and its timers wait
 * `ms / speed` of `base`'s time. `wharf dev --clock-speed` gives one to the EventBridge scheduler,
 * so `rate(1 hour)` fires every minute at 60. Speed 1 returns `base` itself.
 *
 * @example acceleratedClock(SYSTEM_CLOCK, 60).setTimeout(fire, 3_600_000) // fires after 60 s
 */
export function acceleratedClock(base: Clock, speed: number): Clock {
  if (speed === 1) return base;
  const origin = base.now();
  return {
    now: () => origin + (base.now() - origin) * speed,
    setTimeout: (callback, ms) => base.setTimeout(callback, ms / speed),
    sleep: (ms) => base.sleep(ms / speed),
  };
}

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. `advance(ms)` runs every callback due in that window in
 * time order (callbacks scheduled while advancing run too if they fall inside the window), and
 * lets pending promise reactions settle between callbacks.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly queue: Scheduled[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const entry: Scheduled = {
      at: this.current + Math.max(0, ms),
      seq: this.seq++,
      callback,
      cancelled: false,
    };
    this.queue.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimeout(resolve, ms);
    });
  }

  /** Moves time forward by `ms`, running due callbacks in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await settle();
      const next = this.nextDue(target);
      if (!next) break;
      this.current = next.at;
      next.cancelled = true;
      next.callback();
    }
    this.current = target;
    await settle();
  }

  /** Number of callbacks still scheduled. */
  get pending(): number {
    return this.queue.filter((entry) => !entry.cancelled).length;
  }

  private nextDue(limit: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const entry of this.queue) {
      if (entry.cancelled || entry.at > limit) continue;
      if (!best || entry.at < best.at || (entry.at === best.at && entry.seq < best.seq)) best = entry;
    }
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]?.cancelled) this.queue.splice(i, 1);
    return best;
  }
}

/** Lets queued promise reactions and immediates run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
