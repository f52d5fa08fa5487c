/**
 * The two kinds of load the ingress benchmark applies, both from the benchmark's main process,
 * which does nothing else while they run:
 *
 * - **saturation**: autocannon, closed loop (each of `connections` keep-alive connections sends
 *   its next request as soon as the previous answer is in), giving the most requests/s a target
 *   serves;
 * - **fixed rate**: an open-loop generator on undici that starts requests on a schedule (in 1 ms
 *   batches) whatever the answers do, on a keep-alive pool of up to `connections`. autocannon's own
 *   rate limit (`-R`) is not used for this: it lets each connection send its share of a second
 *   back-to-back and then idle until the next second (node_modules/autocannon/lib/httpClient.js),
 *   so its latencies are those of a saturated target for part of every second.
 *
 * Both record every response's latency as a float (µs resolution; autocannon's own histogram
 * keeps whole milliseconds), per slice, so slices can be compared and pooled. A response counts as failed unless it is a 200 (and, at a fixed rate, carries the
 * expected number of body bytes).
 */

import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { type Dispatcher, Pool } from 'undici';

/** Latencies (ms) of the responses of one slice, growable. */
export class Latencies {
  private values = new Float64Array(1 << 14);
  count = 0;

  add(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  /** The latencies of all `parts` together. */
  static merge(parts: readonly Latencies[]): Latencies {
    const merged = new Latencies();
    merged.values = new Float64Array(
      Math.max(
        1,
        parts.reduce((sum, p) => sum + p.count, 0),
      ),
    );
    for (const part of parts) {
      merged.values.set(part.values.subarray(0, part.count), merged.count);
      merged.count += part.count;
    }
    return merged;
  }

  /** p50, p90, p99 and max by the nearest-rank method; NaN when empty. */
  summary(): Percentiles {
    const sorted = this.values.slice(0, this.count).sort();
    const n = sorted.length;
    const at = (p: number): number => (n === 0 ? Number.NaN : sorted[Math.min(n - 1, Math.ceil(p * n) - 1)]);
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: n ? sorted[n - 1] : Number.NaN };
  }
}

/** Latency percentiles, ms. */
export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** One measured slice. */
export interface Slice {
  /** 200 responses (with the expected body at a fixed rate): the ones whose latency was kept. */
  readonly ok: number;
  /** Errors, timeouts, other statuses, bodies of the wrong length, requests never answered. */
  readonly failed: number;
  /** Seconds measured. */
  readonly seconds: number;
  readonly latencies: Latencies;
}

/** Slices of one target pooled, with each slice's own figures kept. */
export interface LoadResult extends Percentiles {
  /** Good responses per second over all slices. */
  readonly rps: number;
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  /** Each slice's good responses per second and percentiles, in order. */
  readonly slices: readonly (Percentiles & { readonly rps: number })[];
}

/** Pools `slices`: throughput over all of them, percentiles of all their latencies together. */
export function combine(slices: readonly Slice[]): LoadResult {
  const ok = slices.reduce((sum, s) => sum + s.ok, 0);
  const seconds = slices.reduce((sum, s) => sum + s.seconds, 0);
  return {
    rps: ok / seconds,
    ok,
    failed: slices.reduce((sum, s) => sum + s.failed, 0),
    seconds,
    slices: slices.map((s) => ({ rps: s.ok / s.seconds, ...s.latencies.summary() })),
    ...Latencies.merge(slices.map((s) => s.latencies)).summary(),
  };
}

/** Settings of a saturation slice. */
export interface SaturationOptions {
  readonly url: string;
  readonly connections: number;
  readonly pipelining: number;
  readonly seconds: number;
}

/** Runs autocannon closed-loop against `url` for one slice. */
export function saturate(options: SaturationOptions): Promise<Slice> {
  const into = new Latencies();
  let ok = 0;
  let failed = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: options.pipelining,
        duration: options.seconds,
        timeout: 10,
      },
      (error, result) => {
        if (error) reject(error);
        else
          resolve({
            ok,
            failed: failed + result.errors + result.timeouts,
            seconds: result.duration,
            latencies: into,
          });
      },
    );
    // autocannon reports the size of the whole response (head and body), not the body's: only the
    // status is checked here; the fixed-rate slices check body lengths.
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode === 200) {
        ok++;
        into.add(responseTime);
      } else failed++;
    });
  });
}

/**
 * One request's handler: records its latency once the body has arrived. It uses undici's
 * original handler callbacks, which the pool calls directly (the newer `onRequestStart` style goes
 * through an adapter that parses every response's headers: work the generator does not need).
 */
class TimedRequest implements Dispatcher.DispatchHandler {
  private status = 0;
  private bytes = 0;

  constructor(
    private readonly startedAt: number,
    private readonly slice: FixedRateSlice,
    readonly measured: boolean,
  ) {}

  onConnect(): void {}

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    return true;
  }

  onComplete(): void {
    this.slice.done(
      this,
      this.status === 200 && this.bytes === this.slice.bodyBytes,
      performance.now() - this.startedAt,
    );
  }

  onError(): void {
    this.slice.done(this, false, performance.now() - this.startedAt);
  }
}

/** Book-keeping of one fixed-rate slice. */
class FixedRateSlice {
  ok = 0;
  failed = 0;
  finished = 0;
  lastAnswerAt = 0;
  private resolveAll: () => void = () => {};
  readonly allAnswered = new Promise<void>((resolve) => {
    this.resolveAll = resolve;
  });

  constructor(
    readonly total: number,
    readonly bodyBytes: number,
    private readonly into: Latencies,
  ) {}

  done(request: TimedRequest, ok: boolean, ms: number): void {
    this.finished++;
    if (request.measured) {
      if (ok) {
        this.ok++;
        this.into.add(ms);
      } else this.failed++;
    }
    if (this.finished === this.total) {
      this.lastAnswerAt = performance.now();
      this.resolveAll();
    }
  }
}

/** An open-loop client for one URL; keeps its keep-alive pool between slices. */
export class FixedRateClient {
  private readonly pool: Pool;
  private readonly request: Dispatcher.DispatchOptions;

  constructor(
    url: string,
    connections: number,
    private readonly bodyBytes: number,
  ) {
    const target = new URL(url);
    this.pool = new Pool(target.origin, { connections, keepAliveTimeout: 60_000 });
    this.request = { path: `${target.pathname}${target.search}`, method: 'GET' };
  }

  /**
   * Starts `rate` requests per second for `warmupSeconds + seconds` (in batches on a 1 ms timer);
   * each of the last `seconds`' requests (none when `seconds` is 0: a warm-up) is measured from the moment it is handed to the pool,
   * queueing for a connection included, to its last byte.
   */
  async run(rate: number, seconds: number, warmupSeconds: number): Promise<Slice> {
    const into = new Latencies();
    const warmupCount = Math.round(rate * warmupSeconds);
    const total = warmupCount + Math.round(rate * seconds);
    const slice = new FixedRateSlice(total, this.bodyBytes, into);
    let started = 0;
    let measureStart = 0;
    const begin = performance.now();
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - begin) * rate) / 1000));
        while (started < due) {
          if (started === warmupCount) measureStart = now;
          const measured = started >= warmupCount;
          started++;
          this.pool.dispatch(this.request, new TimedRequest(now, slice, measured));
        }
        if (started < total) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
    await Promise.race([slice.allAnswered, timeout]);
    if (total === warmupCount) return { ok: 0, failed: 0, seconds: 0, latencies: into };
    const measuredCount = total - warmupCount;
    const unanswered = measuredCount - slice.ok - slice.failed;
    const end = slice.lastAnswerAt || performance.now();
    return {
      ok: slice.ok,
      failed: slice.failed + unanswered,
      seconds: (end - measureStart) / 1000,
      latencies: into,
    };
  }

  close(): Promise<void> {
    return this.pool.destroy().catch(() => {});
  }
}
