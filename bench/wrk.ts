/**
 * The ingress benchmark's load generator: wrk (Debian's `wrk`, C, one epoll loop per thread),
 * closed loop: each of `connections` keep-alive connections sends its next request as soon as the
 * previous answer is in. It replaces a Node generator (autocannon) that saturated before the
 * proxies it measured did.
 *
 * A Lua `done()` hook prints one JSON line with what the run measured, and wrk's own CPU time
 * (user + system, from `/proc/self/stat` of the wrk process, all its threads), so every run
 * carries the evidence of whether the generator itself was the limit. Latency percentiles come
 * from wrk's histogram (µs resolution). A response counts as failed when it is not 2xx/3xx
 * (wrk's `status` errors), or on a connect, read, write error or timeout.
 */

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs wrk (`apt-get install wrk`). */
export const WRK = process.env.WRK ?? 'wrk';

/** How to get wrk, for messages. */
export const WRK_INSTALL_HINT =
  'Install wrk: sudo apt-get install -y wrk (Debian/Ubuntu), brew install wrk (macOS), or set WRK=/path/to/wrk.';

/** Settings of one wrk run. */
export interface WrkOptions {
  readonly url: string;
  /** @default 32 */
  readonly connections?: number;
  /** @default 1 */
  readonly threads?: number;
  readonly seconds: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
}

/** Latency percentiles, ms. */
export interface LatencyMs {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** What one wrk run measured. */
export interface WrkResult {
  /** Responses received (failed ones included). */
  readonly requests: number;
  /** Non-2xx/3xx responses, and connect/read/write errors and timeouts. */
  readonly failed: number;
  /** {@link failed} by kind, as wrk counts them. */
  readonly failures: {
    readonly connect: number;
    readonly read: number;
    readonly write: number;
    readonly status: number;
    readonly timeout: number;
  };
  /** Seconds wrk measured for. */
  readonly seconds: number;
  /** Good responses per second. */
  readonly rps: number;
  readonly latencyMs: LatencyMs;
  /** CPU seconds (user + system) wrk itself used; NaN where /proc is missing. */
  readonly wrkCpuSeconds: number;
}

/** `wrk debian/4.1.0-3+b2 [epoll]`; throws with {@link WRK_INSTALL_HINT} when wrk is missing. */
export function wrkVersion(): string {
  const result = spawnSync(WRK, ['--version'], { encoding: 'utf8' });
  if (result.error) throw new Error(`wrk not found (${WRK}). ${WRK_INSTALL_HINT}`);
  // wrk prints its version line, then its usage, and exits 1.
  const line = `${result.stdout}${result.stderr}`.split('\n')[0] ?? '';
  return line.replace(/\s*Copyright.*$/, '').trim();
}

/**
 * The `done()` hook: wrk calls it once after all threads stopped. `/proc/self/stat` fields 14 and
 * 15 (utime, stime) are in clock ticks (USER_HZ, 100 on Linux); they cover every thread of wrk.
 */
const DONE_SCRIPT = `
local function cpu_ticks()
  local f = io.open("/proc/self/stat", "r")
  if not f then return -1 end
  local stat = f:read("*a")
  f:close()
  local rest = stat:match(".*%) (.*)")
  local fields = {}
  for field in rest:gmatch("%S+") do fields[#fields + 1] = field end
  return tonumber(fields[12]) + tonumber(fields[13])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%f,"cpuTicks":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, cpu_ticks()))
end
`;

/** Clock ticks per second of /proc times (USER_HZ). */
const CLOCK_TICKS = 100;

let scriptFile: string | undefined;

function script(): string {
  if (scriptFile) return scriptFile;
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-wrk-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  scriptFile = join(dir, 'done.lua');
  writeFileSync(scriptFile, DONE_SCRIPT);
  return scriptFile;
}

interface RawResult {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  cpuTicks: number;
}

/** Runs wrk once against `options.url`; resolves with what it measured. */
export function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = [
    `-t${options.threads ?? 1}`,
    `-c${options.connections ?? 32}`,
    `-d${options.seconds}s`,
    `--timeout`,
    `${options.timeoutSeconds ?? 10}s`,
    '-s',
    script(),
    options.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), (options.seconds + 30) * 1000);
    child.once('error', (error) => {
      clearTimeout(limit);
      reject(new Error(`wrk could not run (${error.message}). ${WRK_INSTALL_HINT}`));
    });
    child.once('close', (code) => {
      clearTimeout(limit);
      const line = out.split('\n').find((l) => l.startsWith('WRK_RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`wrk ${args.join(' ')} exited ${code}: ${err.trim() || out.trim()}`));
        return;
      }
      const raw = JSON.parse(line.slice('WRK_RESULT '.length)) as RawResult;
      const failed = raw.connect + raw.read + raw.write + raw.status + raw.timeout;
      const seconds = raw.durationUs / 1e6;
      resolve({
        requests: raw.requests,
        failed,
        failures: {
          connect: raw.connect,
          read: raw.read,
          write: raw.write,
          status: raw.status,
          timeout: raw.timeout,
        },
        seconds,
        rps: (raw.requests - raw.status) / seconds,
        latencyMs: {
          p50: raw.p50 / 1000,
          p90: raw.p90 / 1000,
          p99: raw.p99 / 1000,
          p999: raw.p999 / 1000,
          max: raw.max / 1000,
          mean: raw.mean / 1000,
        },
        wrkCpuSeconds: raw.cpuTicks >= 0 ? raw.cpuTicks / CLOCK_TICKS : Number.NaN,
      });
    });
  });
}
