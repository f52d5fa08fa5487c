/**
 * Inner-loop benchmark: from saving a file of a small Node service (a rename-based save, as vim,
 * `sed -i` and many IDEs do) to the first response served by the new code, under a steady request
 * loop, with `wharf dev --watch` on Docker and on the process runtime; and the start of `wharf dev`
 * with the image built from the Dockerfile (first start) and without a build (second start, same
 * content hash). Targets (issue 10): save → new response ≤ 3 s on Docker (layers cached, only the
 * app's source changed), ≤ 1 s on the process runtime, 0 failed requests during the roll.
 *
 * The anchor, measured in the same run: Docker Compose v2's `watch` (`action: rebuild`) cannot be
 * installed here (Debian 12 has Compose v1 only, which has no watch), so the anchor is what Compose
 * `rebuild` does: `docker build`, then the old container is replaced by a new one (`docker rm -f`,
 * `docker run` on the same port), requests sent straight to the container.
 *
 * The service is `test/fixtures/apps/asset-service` (API Gateway pattern, one task, `FROM
 * node:22-alpine`, the offline stand-in here), copied to a scratch folder.
 *
 *   npm run build && npx tsx bench/inner-loop.ts [--saves 5] [--rate 50]
 *
 * Writes the tables into BENCHMARKS.md between `<!-- bench:inner-loop:start -->` and
 * `<!-- bench:inner-loop:end -->`.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { copyAssetApp, messageModule, renameSave } from '../test/local/dev/asset-app.js';
import { ensureTestBaseImages } from '../test/support/stand-in.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const SAVES = flag('saves', 5);
/** Only one phase, for investigating: `--only docker|process|anchor`. */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const RATE = flag('rate', 50);
/** Images built by the `wharf dev` runs of this benchmark. */
const BUILT = new Set<string>();
const MARK_START = '<!-- bench:inner-loop:start -->';
const MARK_END = '<!-- bench:inner-loop:end -->';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** A steady request loop: one GET every 1000/RATE ms, each on its own (no waiting for the previous). */
class SteadyLoad {
  total = 0;
  failed = 0;
  last = '';
  lastOkAt = performance.now();
  longestGapMs = 0;
  /** The first failures: when (ms since start), and what. */
  readonly failures: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private cpuStart = process.cpuUsage();
  private wallStart = performance.now();

  constructor(private readonly url: string) {}

  start(): void {
    this.cpuStart = process.cpuUsage();
    this.wallStart = performance.now();
    this.lastOkAt = performance.now();
    this.timer = setInterval(() => {
      const pending = this.once().finally(() => this.inFlight.delete(pending));
      this.inFlight.add(pending);
    }, 1000 / RATE);
  }

  /** Share of one CPU core the loop used since `start`. */
  cpuPercent(): number {
    const used = process.cpuUsage(this.cpuStart);
    return ((used.user + used.system) / 1000 / (performance.now() - this.wallStart)) * 100;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  private async once(): Promise<void> {
    this.total += 1;
    try {
      const response = await request(this.url, { headersTimeout: 5000, bodyTimeout: 5000 });
      const body = await response.body.text();
      if (response.statusCode !== 200) {
        this.fail(`${response.statusCode} ${body.slice(0, 80)}`);
        return;
      }
      const now = performance.now();
      this.longestGapMs = Math.max(this.longestGapMs, now - this.lastOkAt);
      this.lastOkAt = now;
      this.last = body;
    } catch (error) {
      this.fail((error as Error).message);
    }
  }

  private fail(what: string): void {
    this.failed += 1;
    if (this.failures.length < 20)
      this.failures.push(`${Math.round(performance.now() - this.wallStart)} ms: ${what}`);
  }
}

/** Waits until `condition` holds (polled every 5 ms); rejects after `timeoutMs`. */
async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** `wharf dev` in a child process, with its output kept. */
class WharfDev {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly started = performance.now();

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLI, 'dev', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk) => {
      this.stdout += chunk;
    });
    this.child.stderr?.on('data', (chunk) => {
      this.stderr += chunk;
    });
  }

  async url(): Promise<string> {
    const pattern = /ApiGatewayUri: (http:\/\/127\.0\.0\.1:\d+)/;
    await until(
      'the ApiGatewayUri output',
      () => pattern.test(this.stdout) || this.child.exitCode !== null,
      180_000,
    );
    const match = pattern.exec(this.stdout);
    if (!match) throw new Error(`wharf dev stopped:\n${this.stderr}`);
    return `${match[1]}/`;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGINT');
    await exited;
    // The images this run built (removed at the end: they are this benchmark's own).
    for (const match of this.stderr.matchAll(/: built (wharf-local\/\S+:[0-9a-f]{12}) in /g))
      BUILT.add(match[1] as string);
  }
}

async function firstOk(url: string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
      const body = await response.body.text();
      if (response.statusCode === 200) return body;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`no 200 from ${url}`);
    await sleep(10);
  }
}

/** `wharf dev` start to the first 200, and whether it built the image. */
async function timeStart(dir: string): Promise<{ ms: number; built: boolean }> {
  const dev = new WharfDev([dir, '--runtime', 'docker']);
  try {
    await firstOk(await dev.url());
    const ms = performance.now() - dev.started;
    const built = /web: built wharf-local\/web:/.test(dev.stderr);
    if (!built && !/is up to date \(build context unchanged\)/.test(dev.stderr)) throw new Error(dev.stderr);
    return { ms, built };
  } finally {
    await dev.stop();
  }
}

/** One inner-loop phase: `saves` rename-based saves, each timed to the first new response. */
interface LoopResult {
  readonly latenciesMs: number[];
  readonly failed: number;
  readonly total: number;
  readonly longestGapMs: number;
  readonly cpuPercent: number;
}

async function saveLoop(
  url: string,
  messageFile: string,
  settle: () => Promise<void>,
  afterSave: () => Promise<void> = async () => {},
): Promise<LoopResult> {
  const load = new SteadyLoad(url);
  load.start();
  const latenciesMs: number[] = [];
  try {
    await sleep(1000);
    for (let i = 0; i < SAVES; i++) {
      const marker = `save ${randomBytes(4).toString('hex')}`;
      const saved = performance.now();
      renameSave(messageFile, messageModule(marker));
      await afterSave();
      await until(`the response of ${marker}`, () => load.last.includes(marker), 60_000);
      latenciesMs.push(performance.now() - saved);
      await settle();
    }
  } finally {
    await load.stop();
  }
  if (load.failures.length > 0)
    process.stderr.write(`failures at ${url}:\n  ${load.failures.join('\n  ')}\n`);
  return {
    latenciesMs,
    failed: load.failed,
    total: load.total,
    longestGapMs: load.longestGapMs,
    cpuPercent: load.cpuPercent(),
  };
}

async function wharfLoop(dir: string, appDir: string, runtime: 'docker' | 'process'): Promise<LoopResult> {
  const dev = new WharfDev([dir, '--runtime', runtime, '--watch']);
  try {
    const url = await dev.url();
    await firstOk(url);
    // As a user saves: with the service steady. Between saves, until the roll is done (the old task
    // stops once the new one passed its container health check, which runs every 5 s).
    const completed = () => dev.stderr.split('deployment completed.').length - 1;
    await until('the first deployment to complete', () => completed() >= 1, 60_000);
    let seen = completed();
    return await saveLoop(url, join(appDir, 'message.mjs'), async () => {
      await until('the deployment to complete', () => completed() > seen, 60_000);
      seen = completed();
      await sleep(500);
    });
  } finally {
    await dev.stop();
  }
}

/** The anchor: `docker build` + replace the container (what Compose's `rebuild` action does). */
async function anchorLoop(appDir: string): Promise<LoopResult> {
  const tag = `wharf-bench/inner-loop-anchor:${randomBytes(4).toString('hex')}`;
  const name = `wharf-bench-anchor-${randomBytes(4).toString('hex')}`;
  const port = 18_000 + Math.floor(Math.random() * 2000);
  const docker = (...args: string[]) => execFileSync('docker', args, { stdio: 'pipe', encoding: 'utf8' });
  const build = () => docker('build', '-q', '-t', tag, '--build-arg', 'GREETING_PREFIX=built', appDir);
  const run = () =>
    docker(
      'run',
      '-d',
      '--name',
      name,
      '--label',
      'wharf.bench=inner-loop',
      '-p',
      `127.0.0.1:${port}:8080`,
      tag,
    );
  build();
  run();
  const url = `http://127.0.0.1:${port}/`;
  try {
    await firstOk(url);
    return await saveLoop(
      url,
      join(appDir, 'message.mjs'),
      async () => void (await sleep(2000)),
      async () => {
        build();
        docker('rm', '-f', name);
        run();
      },
    );
  } finally {
    try {
      docker('rm', '-f', name);
      docker('rmi', tag);
    } catch {
      // already gone
    }
  }
}

function loopRow(what: string, target: string, result: LoopResult): string {
  const met =
    target === ''
      ? ''
      : result.failed === 0 && median(result.latenciesMs) <= Number(target) * 1000
        ? ' ✓'
        : ' ✗';
  return `| ${what} | ${seconds(median(result.latenciesMs))} s${met} | ${result.latenciesMs.map(seconds).join(', ')} | ${result.failed} of ${result.total} | ${seconds(result.longestGapMs)} s | ${result.cpuPercent.toFixed(1)} % |`;
}

async function main(): Promise<void> {
  await ensureTestBaseImages();
  const { dir, appDir } = copyAssetApp();
  try {
    if (ONLY) {
      const result =
        ONLY === 'anchor'
          ? await anchorLoop(appDir)
          : await wharfLoop(dir, appDir, ONLY as 'docker' | 'process');
      process.stdout.write(`${loopRow(ONLY, '', result)}\n`);
      return;
    }
    const first = await timeStart(dir);
    const second = await timeStart(dir);
    const docker = await wharfLoop(dir, appDir, 'docker');
    const processes = await wharfLoop(dir, appDir, 'process');
    const anchor = await anchorLoop(appDir);
    const report = [
      MARK_START,
      `Run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ` +
        `Docker ${execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim()}: ` +
        `\`npx tsx bench/inner-loop.ts --saves ${SAVES} --rate ${RATE}\`.`,
      '',
      '| `wharf dev` start (CLI, synthesis included) to the first 200 through the local API Gateway | time |',
      '| --- | --- |',
      `| first start: image built from the Dockerfile${first.built ? '' : ' (not built: cached!)'} | ${seconds(first.ms)} s |`,
      `| second start: nothing changed, image not built again${second.built ? ' (built!)' : ''} | ${seconds(second.ms)} s |`,
      '',
      `| save → first response of the new code (${SAVES} saves, ${RATE} requests/s) | median | each save | failed requests | longest time without an answer | CPU of the load loop |`,
      '| --- | --- | --- | --- | --- | --- |',
      loopRow('`wharf dev --watch`, Docker (target ≤ 3 s, 0 failed)', '3', docker),
      loopRow('`wharf dev --watch`, process runtime (target ≤ 1 s, 0 failed)', '1', processes),
      loopRow('anchor: `docker build` + replace the container (Compose `rebuild`)', '', anchor),
      MARK_END,
    ].join('\n');
    process.stdout.write(`${report}\n`);
    const file = join(ROOT, 'BENCHMARKS.md');
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf(MARK_START);
    const end = text.indexOf(MARK_END);
    if (at >= 0 && end > at)
      writeFileSync(file, text.slice(0, at) + report + text.slice(end + MARK_END.length));
    else process.stdout.write('(no bench:inner-loop markers in BENCHMARKS.md: not written)\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const tag of BUILT) execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
  }
}

await main();
