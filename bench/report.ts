/**
 * The ingress benchmark's report: the machine and its load, the settings, one row per target
 * (medians of the runs), the generator check, and the ratio to nginx. Rendered as Markdown (printed
 * and written into `BENCHMARKS.md` between the `bench:ingress` markers, the rest of the file left
 * as it is) or as JSON (`--json`).
 */

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import type { WrkResult } from './wrk.js';

/** Start and end markers of the generated section in BENCHMARKS.md. */
export const MARK_START = '<!-- bench:ingress:start -->';
export const MARK_END = '<!-- bench:ingress:end -->';

/**
 * The generator check: the backend reached directly must serve at least this many times the
 * req/s of the fastest proxy, in the same run, for the proxies' figures to be theirs and not the
 * load generator's.
 */
export const GENERATOR_HEADROOM = 2;

/** What a row stands for. */
export type TargetKind = 'direct' | 'nginx' | 'wharf' | 'reference';

/** Settings of a run, shown in the report. */
export interface BenchSettings {
  readonly connections: number;
  readonly threads: number;
  readonly runs: number;
  readonly warmupSeconds: number;
  /** Measured seconds of each wrk run. */
  readonly seconds: number;
  readonly bodyBytes: number;
  readonly path: string;
}

/** One wrk run of one target, with the CPU the processes behind it used meanwhile. */
export interface RunResult {
  readonly wrk: WrkResult;
  /** CPU seconds of the proxy process(es) during the run; NaN for the direct row or without /proc. */
  readonly proxyCpuSeconds: number;
  /** CPU seconds of the backend nginx (master + worker) during the run. */
  readonly backendCpuSeconds: number;
}

/** A target's runs and their medians. */
export interface TargetResult {
  readonly name: string;
  readonly kind: TargetKind;
  readonly runs: readonly RunResult[];
  /** Medians over the runs. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  /** Proxy CPU µs per good response (NaN for the direct row). */
  readonly proxyCpuMicrosPerRequest: number;
  readonly backendCpuMicrosPerRequest: number;
  readonly wrkCpuMicrosPerRequest: number;
  /** wrk's CPU time over the wall time of the run, in % of one core. */
  readonly wrkCpuPercent: number;
  /** Median over runs of this row's req/s divided by nginx's in the same run. */
  readonly ratioToNginx: number;
  /** Median over runs of this row's proxy CPU per request divided by nginx's in the same run. */
  readonly cpuRatioToNginx: number;
  readonly failed: number;
}

/** Whether the generator could have been the limit of the proxy rows. */
export interface GeneratorCheck {
  readonly directRps: number;
  readonly fastestProxy: string;
  readonly fastestProxyRps: number;
  /** `directRps / fastestProxyRps`. */
  readonly headroom: number;
  readonly passed: boolean;
  /** The most CPU wrk used (% of one core) in any run of a proxy row. */
  readonly wrkMaxCpuPercentOnProxies: number;
}

/** Everything the report shows. */
export interface Report {
  readonly date: Date;
  readonly command: string;
  readonly nodeVersion: string;
  readonly nginxVersion: string;
  readonly wrkVersion: string;
  readonly settings: BenchSettings;
  readonly results: readonly TargetResult[];
  readonly generator: GeneratorCheck;
  /** 1-minute load average before the first and after the last run. */
  readonly loadAverage: { readonly before: number; readonly after: number };
  /** Wall-clock seconds of the whole run. */
  readonly elapsedSeconds: number;
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '—');
const ratio = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '—');

/** `AMD EPYC, 2 cores, 7.8 GiB RAM, Linux 6.1.0` */
export function describeMachine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  return `${model}, ${list.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`;
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Good responses of a run (what CPU per request divides by). */
const good = (run: RunResult): number => run.wrk.rps * run.wrk.seconds;

/** A target's medians from its runs; `nginx` is the nginx row's runs, index for index. */
export function summarize(
  name: string,
  kind: TargetKind,
  runs: readonly RunResult[],
  nginx: readonly RunResult[],
): TargetResult {
  const perRun = <T>(f: (run: RunResult, i: number) => T): T[] => runs.map(f);
  const proxyUs = (run: RunResult) => (run.proxyCpuSeconds / good(run)) * 1e6;
  return {
    name,
    kind,
    runs,
    rps: median(perRun((r) => r.wrk.rps)),
    p50Ms: median(perRun((r) => r.wrk.latencyMs.p50)),
    p99Ms: median(perRun((r) => r.wrk.latencyMs.p99)),
    p999Ms: median(perRun((r) => r.wrk.latencyMs.p999)),
    proxyCpuMicrosPerRequest: median(perRun(proxyUs)),
    backendCpuMicrosPerRequest: median(perRun((r) => (r.backendCpuSeconds / good(r)) * 1e6)),
    wrkCpuMicrosPerRequest: median(perRun((r) => (r.wrk.wrkCpuSeconds / good(r)) * 1e6)),
    wrkCpuPercent: median(perRun((r) => (100 * r.wrk.wrkCpuSeconds) / r.wrk.seconds)),
    ratioToNginx: median(perRun((r, i) => r.wrk.rps / (nginx[i]?.wrk.rps ?? Number.NaN))),
    cpuRatioToNginx: median(perRun((r, i) => proxyUs(r) / (nginx[i] ? proxyUs(nginx[i]) : Number.NaN))),
    failed: runs.reduce((sum, r) => sum + r.wrk.failed, 0),
  };
}

/** The generator check over a run's rows (the `direct` row against the fastest proxy row). */
export function checkGenerator(results: readonly TargetResult[]): GeneratorCheck {
  const direct = results.find((r) => r.kind === 'direct');
  const proxies = results.filter((r) => r.kind !== 'direct');
  const fastest = proxies.reduce<TargetResult | undefined>(
    (best, r) => (best === undefined || r.rps > best.rps ? r : best),
    undefined,
  );
  const directRps = direct?.rps ?? Number.NaN;
  const fastestProxyRps = fastest?.rps ?? Number.NaN;
  const headroom = directRps / fastestProxyRps;
  return {
    directRps,
    fastestProxy: fastest?.name ?? '—',
    fastestProxyRps,
    headroom,
    passed: headroom >= GENERATOR_HEADROOM,
    wrkMaxCpuPercentOnProxies: Math.max(
      ...proxies.flatMap((p) => p.runs.map((r) => (100 * r.wrk.wrkCpuSeconds) / r.wrk.seconds)),
    ),
  };
}

/** The one-line verdict of the generator check. */
export function describeGeneratorCheck(g: GeneratorCheck): string {
  const figures =
    `the backend reached directly served ${int(g.directRps)} req/s, ${ratio(g.headroom)} the fastest proxy ` +
    `(${g.fastestProxy}, ${int(g.fastestProxyRps)} req/s); wrk used at most ${Math.round(g.wrkMaxCpuPercentOnProxies)} % of one core while driving a proxy`;
  return g.passed
    ? `**Generator check passed** (direct ≥ ${GENERATOR_HEADROOM}× the fastest proxy): ${figures}. The proxies' req/s are theirs, not wrk's.`
    : `**Generator check FAILED** (direct < ${GENERATOR_HEADROOM}× the fastest proxy): ${figures}. ` +
        "The load generator may have limited the proxy rows: read their req/s as lower bounds (CPU µs per request is still the proxies' own)." +
        (g.wrkMaxCpuPercentOnProxies < 50
          ? " wrk itself was mostly idle, so the likelier limit is the machine's CPU taken by other work: re-run when the load average is low."
          : '');
}

/** The Markdown section (without the markers). */
export function renderReport(report: Report): string {
  const { settings: s } = report;
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);
  add(`### Latest run: ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')}`, '');
  add(
    `- Command: \`${report.command}\` (whole run: ${Math.round(report.elapsedSeconds)} s)`,
    `- Machine: ${describeMachine()}; load average (1 min) ${report.loadAverage.before.toFixed(2)} before, ${report.loadAverage.after.toFixed(2)} after; Node ${report.nodeVersion}; ${report.nginxVersion}; ${report.wrkVersion}`,
    `- Load: wrk, ${s.threads} thread, ${s.connections} keep-alive connections, closed loop; GET ${s.path}, a ${s.bodyBytes}-byte static body from the nginx backend.`,
    `- ${s.runs} runs; each measures every target once for ${s.seconds} s (order rotated per run) after a ${s.warmupSeconds} s warm-up per target. Figures are the **median of the ${s.runs} runs**; "req/s per run" shows the spread.`,
    '',
    '| Target | req/s | req/s per run | p50 ms | p99 ms | p99.9 ms | × nginx req/s | proxy CPU µs/req | × nginx CPU/req | backend CPU µs/req | wrk CPU µs/req | wrk CPU, % of a core | Failed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of report.results) {
    const perRun = r.runs.map((x) => x.wrk.rps);
    const direct = r.kind === 'direct';
    add(
      `| ${r.name} | ${int(r.rps)} | ${int(Math.min(...perRun))}–${int(Math.max(...perRun))} | ` +
        `${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${ms(r.p999Ms)} | ${ratio(r.ratioToNginx)} | ` +
        `${direct ? '—' : int(r.proxyCpuMicrosPerRequest)} | ${direct ? '—' : ratio(r.cpuRatioToNginx)} | ` +
        `${int(r.backendCpuMicrosPerRequest)} | ${int(r.wrkCpuMicrosPerRequest)} | ${int(r.wrkCpuPercent)} | ${r.failed} |`,
    );
  }
  add(
    '',
    describeGeneratorCheck(report.generator),
    '',
    '- **proxy CPU µs/req**: user + system CPU time of the proxy process(es) during the run (nginx: master + worker; ' +
      'Wharf: its Node process, from `/proc/<pid>/stat`) divided by the good responses. It varies far less with the ' +
      "machine's other load than req/s does. **backend CPU µs/req**: the same for the backend nginx. " +
      "**wrk CPU**: wrk's own CPU time (from its `/proc/self/stat` at the end of the run).",
    '- The Wharf API Gateway runs with its account throttle (10,000 req/s, burst 5,000, as on AWS) lifted, so the ' +
      'proxy is measured, not the throttle; with it, it answers 429 above 10,000 req/s.',
    '- Access logs: "on" writes one line per request to a file as `wharf dev` does (the API Gateway in the ' +
      "seeds' JSON format, the examples' default; the ALB in the ALB access-log format).",
  );
  for (const r of report.results.filter((x) => x.kind === 'wharf')) {
    add(
      `- ${r.name}: ${ratio(r.ratioToNginx)} nginx's req/s; ${ratio(r.cpuRatioToNginx)} nginx's CPU per request (${int(r.proxyCpuMicrosPerRequest)} µs).`,
    );
  }
  return lines.join('\n');
}

/** The report as JSON (`--json`). */
export function reportJson(report: Report): string {
  return `${JSON.stringify(
    {
      ...report,
      machine: describeMachine(),
      date: report.date.toISOString(),
      generatorHeadroomRequired: GENERATOR_HEADROOM,
    },
    (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  )}\n`;
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
