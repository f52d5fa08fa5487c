/**
 * The ingress benchmark's report: the machine, the settings, one table row per target, and
 * whether the targets set in the issue are met. Rendered as Markdown, printed, and written into
 * `BENCHMARKS.md` between the `bench:ingress` markers (the rest of the file is left as it is).
 */

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import type { LoadResult } from './load.js';

/** Start and end markers of the generated section in BENCHMARKS.md. */
export const MARK_START = '<!-- bench:ingress:start -->';
export const MARK_END = '<!-- bench:ingress:end -->';

/** The targets for the Wharf ingress emulators. */
export const TARGETS = {
  /** Saturation throughput relative to nginx as a reverse proxy. */
  minThroughputRatio: 0.8,
  /** p99 latency added to the direct path at half of the target's saturation rate, ms. */
  maxAddedP99Ms: 1,
} as const;

/** Settings of a run, shown in the report. */
export interface BenchSettings {
  readonly connections: number;
  readonly pipelining: number;
  /** Interleaved rounds: each measures every target once, in a rotated order. */
  readonly rounds: number;
  readonly warmupSeconds: number;
  /** Measured seconds of each saturation slice. */
  readonly saturationSeconds: number;
  /** Unmeasured seconds at the rate before a target's first fixed-rate slice. */
  readonly rateFirstWarmupSeconds: number;
  /** Unmeasured seconds at the rate before each fixed-rate slice. */
  readonly rateWarmupSeconds: number;
  /** Measured seconds of each fixed-rate slice. */
  readonly rateSeconds: number;
  readonly bodyBytes: number;
  readonly path: string;
}

/** What was measured for one target. */
export interface TargetResult {
  readonly name: string;
  /** True for the Wharf emulators (the targets apply to them). */
  readonly wharf: boolean;
  /** Saturation slices pooled. */
  readonly saturation: LoadResult;
  /** Median over rounds of this target's saturation req/s divided by nginx's in the same round. */
  readonly ratioToNginx: number;
  /**
   * CPU time (user + system) the target's own process(es) used per request served during the
   * saturation slices, µs; for the direct row, the backend's. NaN without /proc.
   */
  readonly cpuMicrosPerRequest: number;
  /** Half of this target's saturation req/s. */
  readonly rate: number;
  /** Fixed-rate slices at {@link rate} pooled. */
  readonly halfRate: LoadResult;
  /** The backend measured directly at the same rate, interleaved (absent for the direct row). */
  readonly directAtRate?: LoadResult;
}

/** Everything the report shows. */
export interface Report {
  readonly date: Date;
  readonly command: string;
  readonly nodeVersion: string;
  readonly nginxVersion: string;
  readonly settings: BenchSettings;
  readonly results: readonly TargetResult[];
  /** Wall-clock seconds of the whole run. */
  readonly elapsedSeconds: number;
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '—');
const signedMs = (n: number): string =>
  Number.isFinite(n) ? `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)}` : '—';

/** `AMD EPYC, 2 cores, 7.8 GiB, Linux 6.1.0` */
export function describeMachine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  return `${model}, ${list.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`;
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** p99 at the rate minus the direct p99 in the same round, per round. */
function addedP99PerRound(result: TargetResult): number[] {
  const direct = result.directAtRate;
  if (!direct) return [];
  return result.halfRate.slices.map((slice, i) => slice.p99 - (direct.slices[i]?.p99 ?? Number.NaN));
}

const range = (values: readonly number[]): string =>
  values.length ? `${int(Math.min(...values))}–${int(Math.max(...values))}` : '—';

/** The Markdown section (without the markers). */
export function renderReport(report: Report): string {
  const { settings: s } = report;
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);
  add(`### Latest run: ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')}`, '');
  add(
    `- Command: \`${report.command}\` (whole run: ${Math.round(report.elapsedSeconds)} s)`,
    `- Machine: ${describeMachine()}; Node ${report.nodeVersion}; ${report.nginxVersion}`,
    `- Request: GET ${s.path}, ${s.bodyBytes}-byte static body from the nginx backend; ${s.connections} keep-alive connections.`,
    '',
    `**Saturation** (autocannon, pipelining ${s.pipelining}; ${s.warmupSeconds} s warm-up per target, then ` +
      `${s.rounds} interleaved rounds of ${s.saturationSeconds} s per target; latencies pooled over the rounds):`,
    '',
    '| Target | req/s | req/s per round | p50 ms | p99 ms | × nginx proxy (median of rounds) | CPU µs per request | Failed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of report.results) {
    add(
      `| ${r.name} | ${int(r.saturation.rps)} | ${range(r.saturation.slices.map((x) => x.rps))} | ` +
        `${ms(r.saturation.p50)} | ${ms(r.saturation.p99)} | ${r.ratioToNginx.toFixed(2)}× | ` +
        `${int(r.cpuMicrosPerRequest)} | ${r.saturation.failed} |`,
    );
  }
  add(
    '',
    "CPU µs per request: user + system CPU time of the target's own process(es) during the saturation " +
      "rounds divided by the requests served (for the direct row, the backend nginx's; for the " +
      "proxies, the backend's share is not included).",
    '',
    `**Half of saturation** (open-loop generator at ½ of the target's own saturation req/s; ${s.rounds} ` +
      `rounds of ${s.rateSeconds} s measured after ${s.rateWarmupSeconds} s unmeasured (${s.rateFirstWarmupSeconds} s ` +
      'more before the first), each next to a ' +
      'slice of the backend reached directly at the same rate):',
    '',
    '| Target | Rate req/s | p50 ms | p99 ms | Direct p50 ms | Direct p99 ms | Added p50 ms | Added p99 ms per round | Added p99 ms (median of rounds) | Failed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of report.results) {
    const d = r.directAtRate;
    const perRound = addedP99PerRound(r);
    const failed = r.halfRate.failed + (d?.failed ?? 0);
    add(
      `| ${r.name} | ${int(r.rate)} | ${ms(r.halfRate.p50)} | ${ms(r.halfRate.p99)} | ` +
        `${d ? ms(d.p50) : '—'} | ${d ? ms(d.p99) : '—'} | ${d ? signedMs(r.halfRate.p50 - d.p50) : '—'} | ` +
        `${perRound.length ? perRound.map(signedMs).join(', ') : '—'} | ${d ? signedMs(median(perRound)) : '—'} | ${failed} |`,
    );
  }
  add(
    '',
    `Targets (issue 3): throughput ≥ ${TARGETS.minThroughputRatio}× nginx's; added p99 < ${TARGETS.maxAddedP99Ms} ms at half of saturation.`,
    '',
  );
  for (const r of report.results.filter((x) => x.wharf)) {
    const added = median(addedP99PerRound(r));
    const tOk = r.ratioToNginx >= TARGETS.minThroughputRatio;
    const lOk = added < TARGETS.maxAddedP99Ms;
    add(
      `- ${r.name}: throughput ${r.ratioToNginx.toFixed(2)}× nginx — ${tOk ? '**met**' : '**missed**'}; ` +
        `added p99 ${signedMs(added)} ms at ${int(r.rate)} req/s — ${lOk ? '**met**' : '**missed**'}.`,
    );
  }
  return lines.join('\n');
}

/** Replaces the marked section of `file` with `section` (appends it, with markers, if absent). */
export async function writeSection(file: string, section: string): Promise<void> {
  const block = `${MARK_START}\n${section}\n${MARK_END}`;
  const current = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(MARK_START);
  const end = current.indexOf(MARK_END);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${block}${current.slice(end + MARK_END.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  await writeFile(file, next);
}
