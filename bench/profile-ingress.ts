/**
 * Where a Wharf ingress emulator spends its CPU under saturation: runs bench/serve-ingress.ts with
 * `--cpu-prof` in front of the benchmark's nginx backend, drives it with the same wrk load
 * as bench/ingress.ts, and prints the functions with the most self time (and the files they are
 * in, summed).
 *
 *   npx tsx bench/profile-ingress.ts <apigateway|alb|node-proxy> [--seconds N]
 *
 * The raw profile is kept (its path is printed) for Chrome DevTools or speedscope.
 */

import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startBackendNginx } from './nginx.js';
import { startChild, stopAll } from './processes.js';
import { runWrk } from './wrk.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time per function and per file, in ms, largest first. */
function summarize(profile: CpuProfile): { functions: [string, number][]; files: [string, number][] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, ms] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const file = frame.url ? shorten(frame.url) : '(native)';
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { functions: sorted(functions), files: sorted(files) };
}

function shorten(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}

async function main(): Promise<void> {
  const [kind, flag, value] = process.argv.slice(2);
  if (kind !== 'apigateway' && kind !== 'alb' && kind !== 'node-proxy') {
    throw new Error('usage: npx tsx bench/profile-ingress.ts <apigateway|alb|node-proxy> [--seconds N]');
  }
  const seconds = flag === '--seconds' ? Number(value) : 10;
  const profileDir = await mkdtemp(join(tmpdir(), 'wharf-profile-'));
  const backend = await startBackendNginx();
  const child = startChild(
    `wharf ${kind}`,
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${profileDir}`,
      '--import',
      'tsx',
      join(ROOT, 'bench', 'serve-ingress.ts'),
      kind,
      String(backend.port),
    ],
    { cwd: ROOT },
  );
  const stdout = child.process.stdout;
  if (!stdout) throw new Error('no stdout from serve-ingress');
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: stdout }).once('line', resolve),
  );
  const url = `${(JSON.parse(line) as { url: string }).url}/bench`;
  const result = await runWrk({ url, connections: 32, threads: 1, seconds });
  process.stdout.write(
    `${kind}: ${Math.round(result.rps)} req/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms (while profiling)\n`,
  );
  await child.stop();
  await backend.stop();
  // The main thread's profile is the largest (tsx's module loader thread writes one too).
  const profiles = (await readdir(profileDir)).filter((name) => name.endsWith('.cpuprofile'));
  const sizes = await Promise.all(profiles.map(async (name) => (await stat(join(profileDir, name))).size));
  const file = profiles[sizes.indexOf(Math.max(...sizes))];
  if (!file) throw new Error(`no profile written to ${profileDir}`);
  const profile = JSON.parse(await readFile(join(profileDir, file), 'utf8')) as CpuProfile;
  const { functions, files } = summarize(profile);
  const total = functions.reduce((sum, [, ms]) => sum + ms, 0);
  const pct = (ms: number) => `${((100 * ms) / total).toFixed(1).padStart(5)}%`;
  process.stdout.write(`\nprofile: ${join(profileDir, file)}\n\nself time by function (top 40):\n`);
  for (const [name, ms] of functions.slice(0, 40)) process.stdout.write(`${pct(ms)}  ${name}\n`);
  process.stdout.write('\nself time by file (top 25):\n');
  for (const [name, ms] of files.slice(0, 25)) process.stdout.write(`${pct(ms)}  ${name}\n`);
}

main()
  .catch((error: unknown) => {
    process.exitCode = 1;
    process.stderr.write(
      `profile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  })
  .finally(() => stopAll());
