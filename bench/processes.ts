/**
 * Child processes of the benchmark: started with a cleanup registered at once, and stopped on the
 * way out whatever happens (normal end, an error, Ctrl-C, SIGTERM).
 */

import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** A process the benchmark started. */
export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Everything the process wrote to stderr so far (for error messages). */
  stderr(): string;
  /** Sends `signal` (default SIGTERM), then SIGKILL after 3 s; resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<Child>();
let handlersInstalled = false;

/** Stops every child still running (called on exit paths). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes…\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  // Last resort when the process exits without awaiting stopAll (an uncaught exception,
  // process.exit elsewhere): SIGTERM, not SIGKILL, so nginx's master still stops its worker.
  process.once('exit', () => {
    for (const child of running) child.process.kill('SIGTERM');
  });
}

/** Starts `command` with `args`; the child is stopped by {@link stopAll} if not stopped before. */
export function startChild(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Child {
  installHandlers();
  const proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  let stderr = '';
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
    proc.once('error', () => resolve());
  });
  const child: Child = {
    name,
    process: proc,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      running.delete(child);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  running.add(child);
  proc.once('exit', () => running.delete(child));
  return child;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for programs that cannot listen on 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`; rejects after `timeoutMs`. */
export async function waitForPort(port: number, child: Child, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (child.process.exitCode !== null) {
      throw new Error(
        `${child.name} exited (code ${child.process.exitCode}) before listening: ${child.stderr()}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`${child.name} did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * CPU seconds (user + system) used so far by `pid` and its children (nginx's master and worker),
 * from /proc; `undefined` where /proc is not available (not Linux).
 */
export function cpuSeconds(pid: number): number | undefined {
  try {
    let ticks = 0;
    for (const id of [pid, ...childPids(pid)]) {
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
