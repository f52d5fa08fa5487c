/**
 * Ingress benchmark: requests/s and p50/p99 latency through the local API Gateway and ALB
 * emulators, compared in the same run with nginx as a reverse proxy and with the backend reached
 * directly, all in front of the same backend (nginx serving a 1 KiB static file) and driven by the
 * same load generator. Results go to BENCHMARKS.md between its `bench:ingress` markers.
 *
 *   npx tsx bench/ingress.ts [--rounds N] [--seconds N] [--node-baseline] [--no-write]
 *
 * `--rounds` (default 3): interleaved rounds, each measuring every target once; `--seconds`
 * (default 5): measured seconds of each saturation slice (fixed-rate slices get 3/5 of it);
 * `--node-baseline`: also measure a minimal node:http + undici proxy (about 40 s more);
 * `--no-write`: print only. Needs Debian's nginx (`apt-get install nginx-light`) at
 * /usr/sbin/nginx, or NGINX=/path/to/nginx.
 *
 * Processes: this one only generates load; the backend and the nginx proxy are nginx children
 * (one worker each); each Wharf emulator runs in its own Node child (bench/serve-ingress.ts). All
 * targets are started first and stay up; only the one being measured gets traffic. Rounds are
 * interleaved (and rotated) so that the machine's drifting background load hits every target alike.
 */

import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { combine, FixedRateClient, type LoadResult, type Slice, saturate } from './load.js';
import { BODY_BYTES, nginxVersion, startBackendNginx, startProxyNginx } from './nginx.js';
import { cpuSeconds, startChild, stopAll } from './processes.js';
import { type BenchSettings, median, renderReport, type TargetResult, writeSection } from './report.js';
import type { IngressKind } from './serve-ingress.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npx tsx bench/ingress.ts [--rounds N] [--seconds N] [--node-baseline] [--no-write]';

/** A target under test, running. */
interface Target {
  readonly name: string;
  readonly wharf: boolean;
  readonly url: string;
  /** The process whose CPU time is counted (nginx master + worker, or the Node process). */
  readonly pid: number;
  readonly satSlices: Slice[];
  /** CPU seconds `pid` used during the saturation slices (NaN without /proc). */
  satCpuSeconds: number;
}

interface Args {
  readonly rounds: number;
  readonly seconds: number;
  readonly nodeBaseline: boolean;
  readonly write: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args = { rounds: 3, seconds: 5, nodeBaseline: false, write: true };
  const positive = (flag: string, text: string | undefined): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < 1) throw new Error(`${flag} wants a number ≥ 1, got '${text}'. ${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-write') args.write = false;
    else if (arg === '--node-baseline') args.nodeBaseline = true;
    else if (arg === '--rounds') args.rounds = Math.round(positive(arg, argv[++i]));
    else if (arg === '--seconds') args.seconds = positive(arg, argv[++i]);
    else throw new Error(`unknown argument '${arg}'. ${USAGE}`);
  }
  return args;
}

/** Starts bench/serve-ingress.ts for `kind` and resolves with the URL it prints, and its pid. */
async function startServeIngress(kind: IngressKind, backendPort: number): Promise<[string, number]> {
  const child = startChild(
    `serve-ingress ${kind}`,
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'serve-ingress.ts'), kind, String(backendPort)],
    { cwd: ROOT },
  );
  const stdout = child.process.stdout;
  if (!stdout) throw new Error('no stdout from serve-ingress');
  const lines = createInterface({ input: stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`${child.name} ${why}: ${child.stderr()}`));
    const timer = setTimeout(() => fail('did not start within 30 s'), 30_000);
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

const brief = (r: { rps: number; p50: number; p99: number; failed: number }): string =>
  `${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, failed ${r.failed}`;

/** `list` rotated left by `by`. */
const rotate = <T>(list: readonly T[], by: number): T[] => list.map((_, i) => list[(i + by) % list.length]);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const nginx = nginxVersion();
  const settings: BenchSettings = {
    connections: 32,
    pipelining: 1,
    rounds: args.rounds,
    warmupSeconds: 2,
    saturationSeconds: args.seconds,
    rateFirstWarmupSeconds: 2,
    rateWarmupSeconds: 1,
    rateSeconds: Math.max(1, Math.round(args.seconds * 0.6 * 10) / 10),
    bodyBytes: BODY_BYTES,
    path: '/bench',
  };
  const backend = await startBackendNginx();
  const proxy = await startProxyNginx(backend.port);
  const endpoints: [string, boolean, [string, number]][] = [
    ['direct (no proxy)', false, [backend.url, backend.pid]],
    ['nginx reverse proxy', false, [proxy.url, proxy.pid]],
    ['Wharf API Gateway', true, await startServeIngress('apigateway', backend.port)],
    ['Wharf ALB', true, await startServeIngress('alb', backend.port)],
  ];
  if (args.nodeBaseline) {
    const node = await startServeIngress('node-proxy', backend.port);
    endpoints.push(['minimal Node proxy (reference)', false, node]);
  }
  const targets: Target[] = endpoints.map(([name, wharf, [url, pid]]) => ({
    name,
    wharf,
    url: `${url}${settings.path}`,
    pid,
    satSlices: [],
    satCpuSeconds: 0,
  }));
  const [direct, nginxProxy] = targets;
  const load = { connections: settings.connections, pipelining: settings.pipelining };

  for (const target of targets) {
    log(`warm-up ${target.name}: ${target.url}`);
    await saturate({ ...load, url: target.url, seconds: settings.warmupSeconds });
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const target of rotate(targets, round)) {
      const cpuBefore = cpuSeconds(target.pid) ?? Number.NaN;
      const slice = await saturate({ ...load, url: target.url, seconds: settings.saturationSeconds });
      target.satCpuSeconds += (cpuSeconds(target.pid) ?? Number.NaN) - cpuBefore;
      target.satSlices.push(slice);
      log(`round ${round + 1} saturation ${target.name}: ${Math.round(slice.ok / slice.seconds)} req/s`);
    }
  }

  const results: TargetResult[] = [];
  const directClient = new FixedRateClient(direct.url, settings.connections, BODY_BYTES);
  try {
    for (const target of targets) {
      const saturation = combine(target.satSlices);
      const nginxRps = combine(nginxProxy.satSlices).slices;
      const ratios = saturation.slices.map((s, i) => s.rps / nginxRps[i].rps);
      const rate = Math.max(1, Math.round(saturation.rps / 2));
      log(`${target.name}: saturation ${brief(saturation)}; half rate ${rate} req/s`);
      const client =
        target === direct ? directClient : new FixedRateClient(target.url, settings.connections, BODY_BYTES);
      const at: Slice[] = [];
      const directAt: Slice[] = [];
      try {
        // A Node process meets a new traffic pattern with a stall of up to a second (lazy
        // compilation, re-optimisation): seen once, before the measured rounds, as a load test would.
        await client.run(rate, 0, settings.rateFirstWarmupSeconds);
        for (let round = 0; round < settings.rounds; round++) {
          // The direct slice first in even rounds, second in odd ones.
          const pair: [FixedRateClient, Slice[]][] = [
            [directClient, directAt],
            [client, at],
          ];
          const order = target === direct ? [pair[1]] : round % 2 === 0 ? pair : pair.reverse();
          for (const [c, into] of order) {
            into.push(await c.run(rate, settings.rateSeconds, settings.rateWarmupSeconds));
          }
        }
      } finally {
        if (client !== directClient) await client.close();
      }
      const halfRate = combine(at);
      const directAtRate: LoadResult | undefined = target === direct ? undefined : combine(directAt);
      log(`  at ${rate} req/s: ${brief(halfRate)}${directAtRate ? `; direct: ${brief(directAtRate)}` : ''}`);
      results.push({
        name: target.name,
        wharf: target.wharf,
        saturation,
        ratioToNginx: median(ratios),
        cpuMicrosPerRequest: (target.satCpuSeconds / saturation.ok) * 1e6,
        rate,
        halfRate,
        directAtRate,
      });
    }
  } finally {
    await directClient.close();
  }
  await stopAll();

  const argv = process.argv.slice(2).join(' ');
  const section = renderReport({
    date: new Date(),
    command: `npx tsx ${relative(ROOT, fileURLToPath(import.meta.url))}${argv ? ` ${argv}` : ''}`,
    nodeVersion: process.version,
    nginxVersion: nginx,
    settings,
    results,
    elapsedSeconds: (performance.now() - started) / 1000,
  });
  process.stdout.write(`\n${section}\n`);
  if (args.write) {
    await writeSection(join(ROOT, 'BENCHMARKS.md'), section);
    log('\nwritten to BENCHMARKS.md');
  }
}

main()
  .catch((error: unknown) => {
    process.exitCode = 1;
    log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  })
  .finally(() => stopAll());
