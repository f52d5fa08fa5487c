/**
 * The part of autocannon 9's programmatic API the benchmark uses (the package ships no types).
 * See node_modules/autocannon/README.md.
 */

declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  /** Options of one run. */
  export interface Options {
    url: string;
    connections?: number;
    pipelining?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds before a request times out. */
    timeout?: number;
    overallRate?: number;
    method?: string;
  }

  /** Percentiles and summary of a histogram (latency in ms, requests per second, bytes per second). */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }

  /** What a finished run reports. */
  export interface Result {
    duration: number;
    latency: Histogram;
    requests: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
  }

  /**
   * The running instance. Emits `response(client, statusCode, resBytes, responseTimeMs)` for each
   * response and `done(result)` at the end.
   */
  export type Instance = EventEmitter & { stop(): void };

  /** Starts a run; `callback` gets the result. */
  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
