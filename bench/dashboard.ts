/**
 * Dashboard benchmark: the local API Gateway's throughput, latency and CPU per request with the
 * `wharf dev` dashboard closed (no page: the ingress's request tap is empty) and open (one page's
 * event stream connected and read, as a browser's EventSource does: the tap counts every request,
 * records at most 50 a second, and the dashboard pushes status and request batches every 250 ms).
 * Same cloud, same load generator (wrk), alternating closed/open per run (order rotated), medians
 * over the runs. Results go to BENCHMARKS.md between its `bench:dashboard` markers.
 *
 *   npx tsx bench/dashboard.ts [--runs N] [--seconds N] [--no-write]
 *
 * The cloud (`bench/serve-dashboard.ts`) runs in its own Node process: the emulators and the
 * dashboard share its one thread, which is what the page could slow down; its CPU time is
 * counted alone (`cloud µs/req`), apart from the two task processes behind it. wrk's own CPU time
 * is reported to show whether the generator was the limit.
 */

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startChild, stopAll } from './processes.js';
import { describeMachine, median } from './report.js';
import { runWrk, type WrkResult, wrkVersion } from './wrk.js';

const ROOT = join(import.meta.dirname, '..');
const MARK_START = '<!-- bench:dashboard:start -->';
const MARK_END = '<!-- bench:dashboard:end -->';
const USAGE = 'usage: npx tsx bench/dashboard.ts [--runs N] [--seconds N] [--no-write]';

type Mode = 'closed' | 'open';

interface Measured {
  readonly mode: Mode;
  readonly wrk: WrkResult;
  /** CPU seconds of the cloud process alone (emulators + dashboard). */
  readonly cloudCpu: number;
  /** CPU seconds of the cloud process and its task processes. */
  readonly totalCpu: number;
  /** Bytes of the event stream the page received during the run (0 when closed). */
  readonly streamBytes: number;
}

function parse(argv: readonly string[]) {
  const args = { runs: 5, seconds: 5, write: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = Number(argv[i + 1]);
    if (arg === '--no-write') args.write = false;
    else if ((arg === '--runs' || arg === '--seconds') && Number.isInteger(value) && value >= 1) {
      args[arg === '--runs' ? 'runs' : 'seconds'] = value;
      i++;
    } else throw new Error(`unknown or bad argument '${arg}'. ${USAGE}`);
  }
  return args;
}

/** `, failed: 3 timeout, 1 status` when a run had failures, else nothing. */
function failuresOf(wrk: WrkResult): string {
  const kinds = Object.entries(wrk.failures).filter(([, n]) => n > 0);
  return kinds.length === 0 ? '' : `, failed: ${kinds.map(([kind, n]) => `${n} ${kind}`).join(', ')}`;
}

/** `[ppid, CPU seconds (user + system)]` of one process. */
function statOf(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[1]), (Number(fields[11]) + Number(fields[12])) / 100];
}

/** CPU seconds of one process, its children not counted. */
function ownCpuSeconds(pid: number): number {
  return statOf(pid)[1];
}

/** CPU seconds of a process and all its descendants (the task processes and their shells). */
function treeCpuSeconds(root: number): number {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const [ppid, seconds] = statOf(pid);
      parents.set(pid, ppid);
      cpu.set(pid, seconds);
    } catch {
      // Gone meanwhile.
    }
  }
  let total = 0;
  for (const [pid, seconds] of cpu) {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at)) {
      if (at === root) {
        total += seconds;
        break;
      }
    }
  }
  return total;
}

/** Opens the dashboard's event stream like a page and counts what arrives. */
function openPage(url: string): Promise<{ bytes(): number; close(): void }> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const req = request(`${url}api/events`, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`event stream answered ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('error', () => {});
      resolve({ bytes: () => bytes, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

async function measure(mode: Mode, ingress: string, dashboard: string, pid: number, seconds: number) {
  const page = mode === 'open' ? await openPage(dashboard) : undefined;
  // Let the dashboard see the page (its first snapshot) before the load starts.
  await new Promise((r) => setTimeout(r, 300));
  const before = page?.bytes() ?? 0;
  const cloud0 = ownCpuSeconds(pid);
  const total0 = treeCpuSeconds(pid);
  const wrk = await runWrk({ url: `${ingress}/bench`, connections: 32, threads: 1, seconds });
  const result: Measured = {
    mode,
    wrk,
    cloudCpu: ownCpuSeconds(pid) - cloud0,
    totalCpu: treeCpuSeconds(pid) - total0,
    streamBytes: (page?.bytes() ?? 0) - before,
  };
  page?.close();
  await new Promise((r) => setTimeout(r, 300));
  return result;
}

function row(mode: Mode, runs: readonly Measured[]): string {
  const good = (m: Measured) => m.wrk.rps * m.wrk.seconds;
  const us = (cpu: (m: Measured) => number) => median(runs.map((m) => (cpu(m) / good(m)) * 1e6)).toFixed(1);
  return [
    mode === 'closed' ? 'closed (no page)' : 'open (one page streaming)',
    Math.round(median(runs.map((m) => m.wrk.rps))).toLocaleString('en-US'),
    `${Math.round(Math.min(...runs.map((m) => m.wrk.rps)))}–${Math.round(Math.max(...runs.map((m) => m.wrk.rps)))}`,
    median(runs.map((m) => m.wrk.latencyMs.p50)).toFixed(2),
    median(runs.map((m) => m.wrk.latencyMs.p99)).toFixed(2),
    us((m) => m.cloudCpu),
    us((m) => m.totalCpu),
    median(runs.map((m) => m.wrk.wrkCpuSeconds / m.wrk.seconds)).toFixed(2),
    runs.reduce((n, m) => n + m.wrk.failed, 0),
    `${Math.round(median(runs.map((m) => m.streamBytes / m.wrk.seconds / 1024)))} KiB/s`,
  ]
    .map(String)
    .join(' | ');
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const child = startChild(
    'cloud',
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'serve-dashboard.ts')],
    {
      cwd: ROOT,
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the cloud did not start: ${child.stderr()}`)), 90_000);
    createInterface({ input: child.process.stdout as NodeJS.ReadableStream }).once('line', (text) => {
      clearTimeout(timer);
      resolve(text);
    });
  });
  const { ingress, dashboard, pid } = JSON.parse(line) as { ingress: string; dashboard: string; pid: number };
  // Warm-up (JIT, connection pools), not counted.
  await runWrk({ url: `${ingress}/bench`, connections: 32, threads: 1, seconds: 2 });
  const results: Measured[] = [];
  for (let run = 0; run < args.runs; run++) {
    const order: Mode[] = run % 2 === 0 ? ['closed', 'open'] : ['open', 'closed'];
    for (const mode of order) {
      const measured = await measure(mode, ingress, dashboard, pid, args.seconds);
      results.push(measured);
      process.stderr.write(
        `run ${run + 1}/${args.runs} ${mode}: ${Math.round(measured.wrk.rps)} req/s, p99 ${measured.wrk.latencyMs.p99.toFixed(2)} ms${failuresOf(measured.wrk)}\n`,
      );
    }
  }
  await stopAll();
  const closed = results.filter((m) => m.mode === 'closed');
  const open = results.filter((m) => m.mode === 'open');
  const ratio = median(open.map((m) => m.wrk.rps)) / median(closed.map((m) => m.wrk.rps));
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${describeMachine()}, Node ${process.version}, ${wrkVersion()}; ${args.runs} runs × ${args.seconds} s per mode, closed/open alternating (order rotated), medians.`,
    '',
    `Command: \`npx tsx bench/dashboard.ts --runs ${args.runs} --seconds ${args.seconds}\``,
    '',
    '| Dashboard | req/s (median) | req/s (min–max) | p50 ms | p99 ms | cloud µs/req | cloud + tasks µs/req | wrk CPU (cores) | failed | event stream |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${row('closed', closed)} |`,
    `| ${row('open', open)} |`,
    '',
    `Open ÷ closed throughput: ${ratio.toFixed(3)}.`,
  ].join('\n');
  process.stdout.write(`${section}\n`);
  if (args.write) {
    const file = join(ROOT, 'BENCHMARKS.md');
    const current = readFileSync(file, 'utf8');
    const start = current.indexOf(MARK_START);
    const end = current.indexOf(MARK_END);
    const block = `${MARK_START}\n${section}\n${MARK_END}`;
    writeFileSync(
      file,
      start >= 0 && end > start
        ? `${current.slice(0, start)}${block}${current.slice(end + MARK_END.length)}`
        : `${current.trimEnd()}\n\n${block}\n`,
    );
  }
}

main().catch(async (error: unknown) => {
  process.stderr.write(
    `bench/dashboard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  await stopAll();
  process.exit(1);
});
