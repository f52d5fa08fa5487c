/**
 * The two kinds of load the ingress benchmark applies, both from the benchmark's main process,
 * which does nothing else while they run:
 *
 * - **saturation**: autocannon, closed loop (each of `connections` keep-alive connections sends
 *   its next request as soon as the previous answer is in), giving the most requests/s a target
 *   serves;
 * - **fixed rate**: an open-loop generator on undici that starts requests on a schedule (in 1 ms
 *   batches) whatever the answers do, on a keep-alive pool of `connections`. autocannon's own rate
 *   limit (`-R`) is not used for this: it lets each connection send its share of a second
 *   back-to-back and then idle until the next second (node_modules/autocannon/lib/httpClient.js),
 *   so its latencies are those of a saturated target for part of every second.
 *
 * Both record every response's latency as a float (µs resolution; autocannon's own histogram
 * keeps whole milliseconds), and count a response as an error unless it is a 200 with the
 * expected body length.
 */

import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { type Dispatcher, Pool } from 'undici';

/** Latency percentiles (ms) and counts of one measured run. */
export interface LoadResult {
  /** Responses counted per second of measurement. */
  readonly rps: number;
  /** Responses measured (200 with the expected body). */
  readonly ok: number;
  /** Errors, timeouts, non-200 answers and bodies of the wrong length. */
  readonly failed: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** Seconds measured. */
  readonly seconds: number;
}

/** Collects latencies (ms) into a growable Float64Array. */
class Latencies {
  private values = new Float64Array(1 << 16);
  count = 0;

  add(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  /** Percentiles by the nearest-rank method. */
  summary(): { p50: number; p90: number; p99: number; max: number } {
    const sorted = this.values.slice(0, this.count).sort();
    const at = (p: number): number =>
      sorted.length === 0
        ? Number.NaN
        : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    return {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    };
  }
}

/** Settings of a saturation run. */
export interface SaturationOptions {
  readonly url: string;
  readonly connections: number;
  readonly pipelining: number;
  readonly seconds: number;
  /** Bytes a good response body has. */
  readonly bodyBytes: number;
}

/** Runs autocannon closed-loop against `url`; resolves with req/s and latency percentiles. */
export function saturate(options: SaturationOptions): Promise<LoadResult> {
  const latencies = new Latencies();
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
        if (error) {
          reject(error);
          return;
        }
        const seconds = result.duration;
        resolve({
          rps: latencies.count / seconds,
          ok: latencies.count,
          failed: failed + result.errors + result.timeouts,
          seconds,
          ...latencies.summary(),
        });
      },
    );
    // autocannon reports the size of the whole response (head and body): its body share is not
    // known, so only the status is checked here; the fixed-rate runs check body lengths.
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode === 200) latencies.add(responseTime);
      else failed++;
    });
  });
}

/** Settings of a fixed-rate run. */
export interface FixedRateOptions {
  readonly url: string;
  /** Requests started per second. */
  readonly rate: number;
  /** Seconds measured, after `warmupSeconds` at the same rate that are not. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Most connections the generator opens (requests queue in the pool beyond that). */
  readonly connections: number;
  readonly bodyBytes: number;
}

/**
 * One request's handler: records its latency when the body has arrived. It uses undici's
 * original handler callbacks, which the pool calls directly (the newer `onRequestStart` style goes
 * through an adapter that parses every response's headers: work the generator does not need).
 */
class TimedRequest implements Dispatcher.DispatchHandler {
  private status = 0;
  private bytes = 0;

  constructor(
    private readonly startedAt: number,
    private readonly done: (request: TimedRequest, ok: boolean, ms: number) => void,
    private readonly bodyBytes: number,
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
    const ok = this.status === 200 && this.bytes === this.bodyBytes;
    this.done(this, ok, performance.now() - this.startedAt);
  }

  onError(): void {
    this.done(this, false, performance.now() - this.startedAt);
  }
}

/**
 * Starts `rate` requests per second for `warmupSeconds + seconds` (in batches on a 1 ms timer),
 * each measured from the moment it is handed to the pool, queueing included, to its last byte.
 */
export async function fixedRate(options: FixedRateOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.connections, keepAliveTimeout: 60_000 });
  const path = `${target.pathname}${target.search}`;
  const request: Dispatcher.DispatchOptions = { path, method: 'GET' };
  const latencies = new Latencies();
  const warmupCount = Math.round(options.rate * options.warmupSeconds);
  const total = warmupCount + Math.round(options.rate * options.seconds);
  let failed = 0;
  let started = 0;
  let finished = 0;
  let measureStart = 0;
  let measureEnd = 0;
  let allDone: () => void = () => {};
  const finishedAll = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const done = (req: TimedRequest, ok: boolean, ms: number): void => {
    finished++;
    if (req.measured) {
      if (ok) latencies.add(ms);
      else failed++;
    }
    if (finished === total) {
      measureEnd = performance.now();
      allDone();
    }
  };
  const begin = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - begin) * options.rate) / 1000));
      while (started < due) {
        const measured = started >= warmupCount;
        if (started === warmupCount) measureStart = now;
        started++;
        pool.dispatch(request, new TimedRequest(now, done, options.bodyBytes, measured));
      }
      if (started < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  // Seconds measured: from the first measured request to the last answer (or the schedule's end).
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
  await Promise.race([finishedAll, timeout]);
  const lost = total - finished;
  await pool.destroy().catch(() => {});
  const seconds = ((measureEnd || performance.now()) - measureStart) / 1000;
  return {
    rps: latencies.count / seconds,
    ok: latencies.count,
    failed: failed + lost,
    seconds,
    ...latencies.summary(),
  };
}
