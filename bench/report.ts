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
  readonly warmupSeconds: number;
  readonly saturationSeconds: number;
  readonly rateWarmupSeconds: number;
  readonly rateSeconds: number;
  readonly bodyBytes: number;
  readonly path: string;
}

/** What was measured for one target. */
export interface TargetResult {
  readonly name: string;
  /** True for the Wharf emulators (the targets apply to them). */
  readonly wharf: boolean;
  readonly saturation: LoadResult;
  /** At half of this target's saturation rate. */
  readonly halfRate: LoadResult;
  readonly rate: number;
  /** The backend measured directly at the same rate (absent for the direct row itself). */
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

/** Saturation throughput relative to the nginx reverse proxy's. */
function ratio(result: TargetResult, nginx: TargetResult | undefined): number {
  return nginx ? result.saturation.rps / nginx.saturation.rps : Number.NaN;
}

function addedP99(result: TargetResult): number {
  return result.directAtRate ? result.halfRate.p99 - result.directAtRate.p99 : Number.NaN;
}

/** The Markdown section (without the markers). */
export function renderReport(report: Report): string {
  const { settings: s } = report;
  const nginx = report.results.find((r) => r.name.startsWith('nginx'));
  const lines: string[] = [];
  lines.push(`### Latest run: ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')}`);
  lines.push('');
  lines.push(`- Command: \`${report.command}\` (whole run: ${Math.round(report.elapsedSeconds)} s)`);
  lines.push(`- Machine: ${describeMachine()}; Node ${report.nodeVersion}; ${report.nginxVersion}`);
  lines.push(
    `- Load: saturation = autocannon, ${s.connections} connections, pipelining ${s.pipelining}, ` +
      `${s.warmupSeconds} s warm-up then ${s.saturationSeconds} s measured; half rate = open-loop ` +
      `generator at ½ of that target's saturation req/s, ${s.rateWarmupSeconds} s unmeasured then ` +
      `${s.rateSeconds} s measured, up to ${s.connections} connections; GET ${s.path}, ${s.bodyBytes}-byte body`,
  );
  lines.push('');
  lines.push(
    '| Target | Saturation req/s | p50 ms | p99 ms | × nginx proxy | Half rate req/s | p50 ms | p99 ms | direct p99 ms at that rate | Added p99 ms | Failed |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of report.results) {
    const failed = r.saturation.failed + r.halfRate.failed + (r.directAtRate?.failed ?? 0);
    lines.push(
      `| ${r.name} | ${int(r.saturation.rps)} | ${ms(r.saturation.p50)} | ${ms(r.saturation.p99)} | ` +
        `${ratio(r, nginx).toFixed(2)}× | ${int(r.rate)} | ${ms(r.halfRate.p50)} | ${ms(r.halfRate.p99)} | ` +
        `${r.directAtRate ? ms(r.directAtRate.p99) : '—'} | ${signedMs(addedP99(r))} | ${failed} |`,
    );
  }
  lines.push('');
  lines.push(
    `Targets (issue 3): throughput ≥ ${TARGETS.minThroughputRatio}× nginx's; added p99 < ${TARGETS.maxAddedP99Ms} ms at half of saturation.`,
  );
  lines.push('');
  for (const r of report.results.filter((x) => x.wharf)) {
    const throughput = ratio(r, nginx);
    const added = addedP99(r);
    const tOk = throughput >= TARGETS.minThroughputRatio;
    const lOk = added < TARGETS.maxAddedP99Ms;
    lines.push(
      `- ${r.name}: throughput ${throughput.toFixed(2)}× nginx — ${tOk ? '**met**' : '**missed**'}; ` +
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
