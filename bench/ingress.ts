/**
 * Ingress benchmark: requests/s, latency percentiles and CPU per request through the local API
 * Gateway and ALB emulators (access logs on and off), compared in the same run with nginx as a
 * reverse proxy and with the backend reached directly, all in front of the same backend (nginx
 * serving a 1 KiB static file) and driven by the same load generator, wrk. The direct row doubles
 * as the generator check: it must reach at least twice the fastest proxy's req/s, or the report
 * says the generator may have been the limit. Results go to BENCHMARKS.md between its
 * `bench:ingress` markers.
 *
 *   npx tsx bench/ingress.ts [--runs N] [--seconds N] [--node-baseline] [--json] [--no-write]
 *
 * `--runs` (default 3): each run measures every target once (order rotated per run); the report
 * shows medians. `--seconds` (default 5): measured seconds per target and run.
 * `--node-baseline`: also a minimal node:http + undici proxy (reference). `--json`: print the
 * report as JSON instead of Markdown. `--no-write`: leave BENCHMARKS.md alone.
 * Needs wrk (`apt-get install wrk`) and Debian's nginx at /usr/sbin/nginx (`apt-get install
 * nginx-light`), or WRK= / NGINX= paths.
 *
 * Processes: this one only orchestrates; wrk generates the load; the backend and the nginx proxy
 * are nginx children (one worker each); each Wharf emulator runs in its own Node child
 * (bench/serve-ingress.ts). All targets are started first and stay up; only the one being measured
 * gets traffic.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BODY_BYTES, nginxVersion, startBackendNginx, startProxyNginx } from './nginx.js';
import { cpuSeconds, startChild, stopAll } from './processes.js';
import {
  type BenchSettings,
  checkGenerator,
  describeGeneratorCheck,
  type RunResult,
  renderReport,
  reportJson,
  summarize,
  type TargetKind,
  writeSection,
} from './report.js';
import type { IngressKind } from './serve-ingress.js';
import { runWrk, wrkVersion } from './wrk.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE =
  'usage: npx tsx bench/ingress.ts [--runs N] [--seconds N] [--node-baseline] [--json] [--no-write]';

/** A target under test, running. */
interface Target {
  readonly name: string;
  readonly kind: TargetKind;
  readonly url: string;
  /** The proxy process whose CPU time is counted (nginx master + worker, or the Node process); 0 for direct. */
  readonly pid: number;
  readonly runs: RunResult[];
}

interface Args {
  readonly runs: number;
  readonly seconds: number;
  readonly nodeBaseline: boolean;
  readonly json: boolean;
  readonly write: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args = { runs: 3, seconds: 5, nodeBaseline: false, json: false, write: true };
  const positive = (flag: string, text: string | undefined): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < 1) throw new Error(`${flag} wants a number ≥ 1, got '${text}'. ${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-write') args.write = false;
    else if (arg === '--json') args.json = true;
    else if (arg === '--node-baseline') args.nodeBaseline = true;
    else if (arg === '--runs') args.runs = Math.round(positive(arg, argv[++i]));
    else if (arg === '--seconds') args.seconds = Math.round(positive(arg, argv[++i]));
    else throw new Error(`unknown argument '${arg}'. ${USAGE}`);
  }
  return args;
}

/** Starts bench/serve-ingress.ts for `kind` and resolves with the URL it prints, and its pid. */
async function startServeIngress(
  kind: IngressKind,
  backendPort: number,
  accessLogDir?: string,
): Promise<[string, number]> {
  const child = startChild(
    `serve-ingress ${kind}${accessLogDir ? ' (access logs)' : ''}`,
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench', 'serve-ingress.ts'),
      kind,
      String(backendPort),
      ...(accessLogDir ? ['--access-logs', accessLogDir] : []),
    ],
    { cwd: ROOT },
  );
  const stdout = child.process.stdout;
  if (!stdout) throw new Error('no stdout from serve-ingress');
  const lines = createInterface({ input: stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`${child.name} ${why}: ${child.stderr()}`));
    const timer = setTimeout(() => fail('did not start within 60 s'), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        fail(`printed '${line}' instead of its URL`);
      }
    });
    child.process.once('exit', (code) => {
      clearTimeout(timer);
      fail(`exited with code ${code}`);
    });
  });
  return [url, child.process.pid ?? 0];
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** `list` rotated left by `by`. */
const rotate = <T>(list: readonly T[], by: number): T[] => list.map((_, i) => list[(i + by) % list.length]);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const wrk = wrkVersion();
  const nginx = nginxVersion();
  const settings: BenchSettings = {
    connections: 32,
    threads: 1,
    runs: args.runs,
    warmupSeconds: 2,
    seconds: args.seconds,
    bodyBytes: BODY_BYTES,
    path: '/bench',
  };
  const logDir = mkdtempSync(join(tmpdir(), 'wharf-bench-logs-'));
  process.once('exit', () => rmSync(logDir, { recursive: true, force: true }));
  const backend = await startBackendNginx();
  const proxy = await startProxyNginx(backend.port);
  const endpoints: [string, TargetKind, [string, number]][] = [
    ['direct (no proxy)', 'direct', [backend.url, 0]],
    ['nginx reverse proxy', 'nginx', [proxy.url, proxy.pid]],
    ['Wharf ALB, access logs on', 'wharf', await startServeIngress('alb', backend.port, join(logDir, 'alb'))],
    ['Wharf ALB, access logs off', 'wharf', await startServeIngress('alb', backend.port)],
    [
      'Wharf API Gateway, access logs on',
      'wharf',
      await startServeIngress('apigateway', backend.port, join(logDir, 'apigateway')),
    ],
    ['Wharf API Gateway, access logs off', 'wharf', await startServeIngress('apigateway', backend.port)],
  ];
  if (args.nodeBaseline) {
    endpoints.push([
      'minimal Node proxy (reference)',
      'reference',
      await startServeIngress('node-proxy', backend.port),
    ]);
  }
  const targets: Target[] = endpoints.map(([name, kind, [url, pid]]) => ({
    name,
    kind,
    url: `${url}${settings.path}`,
    pid,
    runs: [],
  }));
  const load = { connections: settings.connections, threads: settings.threads };
  const loadBefore = loadavg()[0] ?? Number.NaN;
  log(`load average (1 min): ${loadBefore.toFixed(2)}; ${wrk}; ${nginx}`);

  for (const target of targets) {
    log(`warm-up ${target.name}: ${target.url}`);
    await runWrk({ ...load, url: target.url, seconds: settings.warmupSeconds });
  }
  for (let run = 0; run < settings.runs; run++) {
    for (const target of rotate(targets, run)) {
      const proxyBefore = target.pid ? (cpuSeconds(target.pid) ?? Number.NaN) : Number.NaN;
      const backendBefore = cpuSeconds(backend.pid) ?? Number.NaN;
      const result = await runWrk({ ...load, url: target.url, seconds: settings.seconds });
      const proxyCpuSeconds = target.pid ? (cpuSeconds(target.pid) ?? Number.NaN) - proxyBefore : Number.NaN;
      const backendCpuSeconds = (cpuSeconds(backend.pid) ?? Number.NaN) - backendBefore;
      target.runs.push({ wrk: result, proxyCpuSeconds, backendCpuSeconds });
      log(
        `run ${run + 1} ${target.name}: ${Math.round(result.rps)} req/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, ` +
          `p99 ${result.latencyMs.p99.toFixed(2)} ms, failed ${result.failed}, ` +
          `wrk CPU ${Math.round((100 * result.wrkCpuSeconds) / result.seconds)} %`,
      );
    }
  }
  const loadAfter = loadavg()[0] ?? Number.NaN;
  await stopAll();

  const nginxRuns = targets.find((t) => t.kind === 'nginx')?.runs ?? [];
  const results = targets.map((t) => summarize(t.name, t.kind, t.runs, nginxRuns));
  const generator = checkGenerator(results);
  const argv = process.argv.slice(2).join(' ');
  const report = {
    date: new Date(),
    command: `npx tsx ${relative(ROOT, fileURLToPath(import.meta.url))}${argv ? ` ${argv}` : ''}`,
    nodeVersion: process.version,
    nginxVersion: nginx,
    wrkVersion: wrk,
    settings,
    results,
    generator,
    loadAverage: { before: loadBefore, after: loadAfter },
    elapsedSeconds: (performance.now() - started) / 1000,
  };
  const section = renderReport(report);
  process.stdout.write(args.json ? reportJson(report) : `\n${section}\n`);
  log(`\n${describeGeneratorCheck(generator).replace(/\*\*/g, '')}`);
  if (args.write) {
    await writeSection(join(ROOT, 'BENCHMARKS.md'), section);
    log('written to BENCHMARKS.md');
  }
}

main()
  .catch((error: unknown) => {
    process.exitCode = 1;
    log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  })
  .finally(() => stopAll());
