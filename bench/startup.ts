/**
 * Start-up benchmark: time from launching `wharf dev` to the first HTTP 200 through the local
 * ingress, with two tasks and the image already on the machine (target: under 3 s).
 *
 * Measured in the same run, as the floor to compare with: two `docker run` containers of the same
 * image, published on 127.0.0.1, polled directly (what any Docker-based local run must pay).
 *
 *   npm run build && npx tsx bench/startup.ts [--runs 5]
 *
 * Writes the table into BENCHMARKS.md between `<!-- bench:startup:start -->` and
 * `<!-- bench:startup:end -->`.
 */

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { buildTestImages, WEB_IMAGE } from '../test/support/web-image.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;

async function firstOk(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
      await response.body.text();
      if (response.statusCode === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no 200 from ${url} in time`);
}

/** Launches `wharf dev <args>`, returns ms to the first 200 through `outputKey`, then stops it with SIGINT. */
async function timeWharfDev(args: string[], outputKey: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'dev', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.resume();
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  try {
    const deadline = Date.now() + 60_000;
    const pattern = new RegExp(`${outputKey}: (http://127\\.0\\.0\\.1:\\d+)`);
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`wharf dev did not print ${outputKey}:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await firstOk(`${pattern.exec(stdout)?.[1]}/`, deadline);
    return performance.now() - started;
  } finally {
    child.kill('SIGINT');
    await exited;
  }
}

/** Two `docker run` containers of the image, polled directly: the floor for Docker-based runs. */
async function timeDockerRun(): Promise<number> {
  const started = performance.now();
  const ids: string[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      ids.push(
        execFileSync('docker', [
          'run',
          '-d',
          '--init',
          '-p',
          '127.0.0.1::80',
          '--label',
          'wharf.bench=startup',
          WEB_IMAGE,
        ])
          .toString()
          .trim(),
      );
    }
    const ports = ids.map((id) =>
      execFileSync('docker', ['port', id, '80/tcp']).toString().trim().split(':').at(-1),
    );
    await Promise.all(ports.map((port) => firstOk(`http://127.0.0.1:${port}/`, Date.now() + 30_000)));
    return performance.now() - started;
  } finally {
    if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  }
}

interface Row {
  readonly name: string;
  readonly samples: number[];
}

function stats(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] as number,
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
  };
}

async function main(): Promise<void> {
  buildTestImages();
  const cases: Array<[string, () => Promise<number>]> = [
    [
      '`wharf dev --template` seeds-shaped API Gateway YAML (Docker, 2 tasks)',
      () =>
        timeWharfDev(
          [
            '--template',
            'test/fixtures/seeds-like/api-gateway/parent.yml',
            '--runtime',
            'docker',
            '--image',
            `web=${WEB_IMAGE}`,
          ],
          'ApiGatewayUri',
        ),
    ],
    [
      '`wharf dev --template` seeds-shaped ALB YAML (Docker, 2 tasks)',
      () =>
        timeWharfDev(
          [
            '--template',
            'test/fixtures/seeds-like/alb/parent.yml',
            '--runtime',
            'docker',
            '--image',
            `web=${WEB_IMAGE}`,
          ],
          'LoadBalancerUri',
        ),
    ],
    [
      '`wharf dev examples/api-gateway-fargate` CDK app, synth included (Docker, 2 tasks)',
      () =>
        timeWharfDev(
          ['examples/api-gateway-fargate', '--runtime', 'docker', '--image', `web=${WEB_IMAGE}`],
          'ApiGatewayUri',
        ),
    ],
    ['alternative: 2 × `docker run` of the same image, polled directly (no ingress)', timeDockerRun],
  ];
  const rows: Row[] = [];
  for (const [name, run] of cases) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await run());
    rows.push({ name, samples });
    const s = stats(samples);
    console.log(
      `${name}: median ${s.median.toFixed(0)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`,
    );
  }
  const docker = execFileSync('docker', ['version', '--format', '{{.Server.Version}}']).toString().trim();
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}, Docker ${docker}; ${RUNS} runs each; image already present.`,
    '',
    `Command: \`npm run build && npx tsx bench/startup.ts --runs ${RUNS}\``,
    '',
    '| Case | median | min | max | under 3 s |',
    '|---|---:|---:|---:|---|',
    ...rows.map(({ name, samples }) => {
      const s = stats(samples);
      const target = name.startsWith('alternative') ? '–' : s.median < 3000 ? 'yes' : 'no';
      return `| ${name} | ${(s.median / 1000).toFixed(2)} s | ${(s.min / 1000).toFixed(2)} s | ${(s.max / 1000).toFixed(2)} s | ${target} |`;
    }),
  ].join('\n');
  const file = join(ROOT, 'BENCHMARKS.md');
  const start = '<!-- bench:startup:start -->';
  const end = '<!-- bench:startup:end -->';
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const block = `${start}\n${table}\n${end}`;
  text = text.includes(start)
    ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block)
    : `${text.trimEnd()}\n\n## Start-up: \`wharf dev\` to the first 200\n\n${block}\n`;
  writeFileSync(file, text);
  console.log(`\n${table}`);
}

await main();
