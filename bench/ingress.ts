/**
 * Ingress benchmark: requests/s and p50/p99 latency through the local API Gateway and ALB
 * emulators, compared in the same run with nginx as a reverse proxy and with the backend reached
 * directly, all in front of the same backend (nginx serving a 1 KiB static file) and driven by the
 * same load generator. Results go to BENCHMARKS.md.
 *
 *   npx tsx bench/ingress.ts [--seconds N] [--no-write]
 *
 * `--seconds` sets the measured length of each saturation and half-rate run (default 10 and 8);
 * `--no-write` prints the table without touching BENCHMARKS.md. Needs Debian's nginx
 * (`apt-get install nginx-light`) at /usr/sbin/nginx, or NGINX=/path/to/nginx.
 *
 * Processes: this one only generates load; the backend and the nginx proxy are nginx children
 * (one worker each); each Wharf emulator runs in its own Node child (bench/serve-ingress.ts),
 * started for its own runs and stopped after them.
 */

import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fixedRate, type LoadResult, saturate } from './load.js';
import { BODY_BYTES, nginxVersion, startBackendNginx, startProxyNginx } from './nginx.js';
import { type Child, startChild, stopAll } from './processes.js';
import { type BenchSettings, renderReport, type TargetResult, writeSection } from './report.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A target under test: how to start it and where it answers. */
interface Target {
  readonly name: string;
  readonly wharf: boolean;
  start(): Promise<{ url: string; stop(): Promise<void> }>;
}

function parseArgs(argv: readonly string[]): { seconds?: number; write: boolean } {
  let seconds: number | undefined;
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-write') write = false;
    else if (arg === '--seconds') {
      seconds = Number(argv[++i]);
      if (!Number.isFinite(seconds) || seconds < 1)
        throw new Error(`--seconds wants a number ≥ 1, got '${argv[i]}'`);
    } else
      throw new Error(
        `unknown argument '${arg}'; usage: npx tsx bench/ingress.ts [--seconds N] [--no-write]`,
      );
  }
  return { seconds, write };
}

/** Starts bench/serve-ingress.ts for `kind` and resolves with the URL it prints. */
async function startWharf(
  kind: 'apigateway' | 'alb',
  backendPort: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child: Child = startChild(
    `wharf ${kind}`,
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'serve-ingress.ts'), kind, String(backendPort)],
    { cwd: ROOT },
  );
  const stdout = child.process.stdout;
  if (!stdout) throw new Error('no stdout from serve-ingress');
  const lines = createInterface({ input: stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${child.name} did not start within 30 s: ${child.stderr()}`)),
      30_000,
    );
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        reject(new Error(`${child.name} printed '${line}' instead of its URL: ${child.stderr()}`));
      }
    });
    child.process.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited with code ${code}: ${child.stderr()}`));
    });
  });
  return { url, stop: () => child.stop() };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

const brief = (r: LoadResult): string =>
  `${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, failed ${r.failed}`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const nginx = nginxVersion();
  const settings: BenchSettings = {
    connections: 32,
    pipelining: 1,
    warmupSeconds: 3,
    saturationSeconds: args.seconds ?? 10,
    rateWarmupSeconds: 1,
    rateSeconds: args.seconds ?? 8,
    bodyBytes: BODY_BYTES,
    path: '/bench',
  };
  const backend = await startBackendNginx();
  const targets: Target[] = [
    {
      name: 'direct (no proxy)',
      wharf: false,
      start: async () => ({ url: backend.url, stop: async () => {} }),
    },
    { name: 'nginx reverse proxy', wharf: false, start: () => startProxyNginx(backend.port) },
    { name: 'Wharf API Gateway', wharf: true, start: () => startWharf('apigateway', backend.port) },
    { name: 'Wharf ALB', wharf: true, start: () => startWharf('alb', backend.port) },
  ];
  const results: TargetResult[] = [];
  const direct = `${backend.url}${settings.path}`;
  for (const target of targets) {
    const running = await target.start();
    try {
      const url = `${running.url}${settings.path}`;
      const load = {
        url,
        connections: settings.connections,
        pipelining: settings.pipelining,
        bodyBytes: BODY_BYTES,
      };
      log(`${target.name}: ${url}`);
      await saturate({ ...load, seconds: settings.warmupSeconds });
      const saturation = await saturate({ ...load, seconds: settings.saturationSeconds });
      log(`  saturation: ${brief(saturation)}`);
      const rate = Math.max(1, Math.round(saturation.rps / 2));
      const atRate = {
        rate,
        seconds: settings.rateSeconds,
        warmupSeconds: settings.rateWarmupSeconds,
        connections: settings.connections,
        bodyBytes: BODY_BYTES,
      };
      let directAtRate: LoadResult | undefined;
      if (running.url !== backend.url) {
        directAtRate = await fixedRate({ ...atRate, url: direct });
        log(`  direct at ${rate} req/s: ${brief(directAtRate)}`);
      }
      const halfRate = await fixedRate({ ...atRate, url });
      log(`  at ${rate} req/s: ${brief(halfRate)}`);
      results.push({ name: target.name, wharf: target.wharf, saturation, halfRate, rate, directAtRate });
    } finally {
      await running.stop();
    }
  }
  await backend.stop();
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
  process.stdout.write(`${section}\n`);
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
