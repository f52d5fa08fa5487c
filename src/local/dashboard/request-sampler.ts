/**
 * Keeps what the dashboard shows of the ingress traffic, at a bounded cost however many requests
 * come: every request is counted into per-second aggregates (count by status class, latency sum
 * and maximum), and only the first `perSecond` requests of each second are kept as full records,
 * in a ring of `capacity` records that drops the oldest.
 *
 * Fidelity: not AWS (CloudWatch's per-minute ALB/API Gateway metrics are the nearest thing).
 */

import type { RequestListener, TappedRequest } from '../http/request-tap.js';

/** A kept request, with its sequence number (for "since" queries and detail links). */
export interface SampledRequest extends TappedRequest {
  readonly seq: number;
}

/** One second of traffic. */
export interface SecondAggregate {
  /** Start of the second, ms since the epoch. */
  readonly second: number;
  readonly count: number;
  /** Counts by status class: `2xx`…`5xx`, and `0` for clients that left before an answer. */
  readonly byClass: Readonly<Record<string, number>>;
  readonly latencySumMs: number;
  readonly latencyMaxMs: number;
  /** How many of the second's requests were kept as full records. */
  readonly sampled: number;
}

/** Options of {@link RequestSampler}. */
export interface RequestSamplerOptions {
  /** Full records kept per second at most. @default 50 */
  readonly perSecond?: number;
  /** Full records kept in all. @default 500 */
  readonly capacity?: number;
  /** Seconds of aggregates kept. @default 120 */
  readonly seconds?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

interface OpenSecond {
  second: number;
  count: number;
  byClass: Record<string, number>;
  latencySumMs: number;
  latencyMaxMs: number;
  sampled: number;
}

/** The status class of a status: `2xx`, …, or `0` (no answer was sent). */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : '0';
}

/** Samples and aggregates tapped requests; plug it in as a {@link RequestListener}. */
export class RequestSampler implements RequestListener {
  private readonly perSecond: number;
  private readonly capacity: number;
  private readonly keepSeconds: number;
  private readonly now: () => number;
  private readonly ring: (SampledRequest | undefined)[];
  private seq = 0;
  private open: OpenSecond | undefined;
  private readonly closed: SecondAggregate[] = [];

  constructor(options: RequestSamplerOptions = {}) {
    this.perSecond = options.perSecond ?? 50;
    this.capacity = options.capacity ?? 500;
    this.keepSeconds = options.seconds ?? 120;
    this.now = options.now ?? Date.now;
    this.ring = new Array(this.capacity);
  }

  observe(status: number, latencyMs: number): boolean {
    const second = Math.floor(this.now() / 1000) * 1000;
    let open = this.open;
    if (open === undefined || open.second !== second) open = this.roll(second);
    open.count++;
    const klass = statusClass(status);
    open.byClass[klass] = (open.byClass[klass] ?? 0) + 1;
    open.latencySumMs += latencyMs;
    if (latencyMs > open.latencyMaxMs) open.latencyMaxMs = latencyMs;
    if (open.sampled >= this.perSecond) return false;
    open.sampled++;
    return true;
  }

  record(request: TappedRequest): void {
    this.seq++;
    this.ring[(this.seq - 1) % this.capacity] = { ...request, seq: this.seq };
  }

  /** The newest sequence number given out (0 before the first record). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Kept records with a sequence number above `afterSeq`, oldest first. */
  since(afterSeq = 0): SampledRequest[] {
    const out: SampledRequest[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const record = this.ring[(this.seq + i) % this.capacity];
      if (record && record.seq > afterSeq) out.push(record);
    }
    return out;
  }

  /** The kept record with this sequence number, if still kept. */
  get(seq: number): SampledRequest | undefined {
    if (seq <= this.seq - this.capacity || seq > this.seq) return undefined;
    const record = this.ring[(seq - 1) % this.capacity];
    return record?.seq === seq ? record : undefined;
  }

  /** The seconds with traffic, oldest first; the last one may still be counting. */
  aggregates(): SecondAggregate[] {
    const open = this.open;
    return open && open.count > 0
      ? [...this.closed, { ...open, byClass: { ...open.byClass } }]
      : [...this.closed];
  }

  /** Forgets everything (the last page closed). */
  clear(): void {
    this.ring.fill(undefined);
    this.open = undefined;
    this.closed.length = 0;
  }

  private roll(second: number): OpenSecond {
    if (this.open && this.open.count > 0) {
      this.closed.push(this.open);
      if (this.closed.length > this.keepSeconds) this.closed.splice(0, this.closed.length - this.keepSeconds);
    }
    this.open = { second, count: 0, byClass: {}, latencySumMs: 0, latencyMaxMs: 0, sampled: 0 };
    return this.open;
  }
}
