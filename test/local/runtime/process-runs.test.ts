/**
 * The process runtime's run state files: each run records the process groups it started (with
 * their start times), a clean stop deletes the file, and the next run kills the groups of a dead
 * run, never a live run's and never a recycled pid. (The crash itself, `kill -9` of `wharf dev`,
 * is in test/cli/dev-leftovers.test.ts.)
 */

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { processAlive } from '../../../src/local/runtime/docker.js';
import { ProcessRuntime } from '../../../src/local/runtime/process.js';
import {
  bootId,
  prepareRunsDir,
  processIdentity,
  type RunRecord,
  readRunRecord,
  removeDeadRuns,
} from '../../../src/local/runtime/process-runs.js';
import { tempDir as makeTempDir } from '../../support/cli.js';
import { containerConfig, RecordingEvents, taskSpec, waitUntil } from './support.js';

const folders: string[] = [];
function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
});

/** A `sleep` leading its own process group, as the runtime starts them. */
function sleeper(): number {
  const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  child.unref();
  started.push(child.pid as number);
  return child.pid as number;
}

/** The pid of a process that has exited (its pid is not running any more). */
async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

function writeRecord(dir: string, record: RunRecord): string {
  const file = join(dir, `run-${record.runId}.json`);
  writeFileSync(file, JSON.stringify(record));
  return file;
}

describe('ProcessRuntime run state file', () => {
  it('records each process group with its start time while it runs, and deletes the file on a clean stop', async () => {
    const dir = join(tempDir('wharf-runs-'), 'runs');
    const runtime = new ProcessRuntime({ runId: 'r1', stateDir: dir });
    const task = await runtime.start(
      taskSpec('r1', [containerConfig({ name: 'web', image: 'x', localCommand: 'exec sleep 60' })]),
      new RecordingEvents(),
    );
    const pid = Number(task.handles[0]);
    const file = join(dir, 'run-r1.json');
    const record = readRunRecord(file);
    expect(record?.owner).toEqual(processIdentity(process.pid));
    expect(record?.groups).toEqual([{ ...processIdentity(pid), taskId: task.taskId, container: 'web' }]);
    await task.stop();
    expect(readRunRecord(file)?.groups).toEqual([]);
    await runtime.close();
    expect(existsSync(file)).toBe(false);
  });

  it('removeLeftovers kills the groups of a dead run and deletes its file, and leaves a live run alone', async () => {
    const dir = join(tempDir('wharf-runs-'), 'runs');
    prepareRunsDir(dir);
    const orphan = sleeper();
    const ours = sleeper();
    const boot = bootId();
    const deadRun = writeRecord(dir, {
      version: 1,
      runId: 'dead',
      owner: { pid: await deadPid(), start: '1' },
      ...(boot ? { bootId: boot } : {}),
      groups: [
        { ...(processIdentity(orphan) as { pid: number; start: string }), taskId: 't', container: 'c' },
      ],
    });
    const liveRun = writeRecord(dir, {
      version: 1,
      runId: 'live',
      owner: processIdentity(process.pid) as { pid: number; start: string },
      ...(boot ? { bootId: boot } : {}),
      groups: [{ ...(processIdentity(ours) as { pid: number; start: string }), taskId: 't', container: 'c' }],
    });
    const io = new RecordingIoHost();
    const runtime = new ProcessRuntime({ runId: 'next', stateDir: dir, io });
    expect(await runtime.removeLeftovers()).toBe(1);
    await waitUntil('the orphan to die', () => !processAlive(orphan), 5_000);
    expect(processAlive(ours)).toBe(true);
    expect(existsSync(deadRun)).toBe(false);
    expect(existsSync(liveRun)).toBe(true);
    expect(io.withCode('WHARF_LEFTOVERS_REMOVED').map((m) => m.message)).toEqual([
      'Removed 1 process group(s) left by earlier runs',
    ]);
    await runtime.close();
  });

  it('never kills a recycled pid: a live process whose start time differs from the record is left alone', async () => {
    const dir = join(tempDir('wharf-runs-'), 'runs');
    prepareRunsDir(dir);
    const stranger = sleeper();
    const file = writeRecord(dir, {
      version: 1,
      runId: 'dead',
      owner: { pid: await deadPid(), start: '1' },
      groups: [{ pid: stranger, start: 'an earlier process with the same pid', taskId: 't', container: 'c' }],
    });
    expect(removeDeadRuns(dir)).toEqual({ groups: 0, files: 1 });
    expect(processAlive(stranger)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('ignores files that are not state files, and never signals pid 1 or below', () => {
    const dir = join(tempDir('wharf-runs-'), 'runs');
    prepareRunsDir(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep');
    writeFileSync(
      join(dir, 'run-evil.json'),
      JSON.stringify({
        version: 1,
        runId: 'evil',
        owner: { pid: 2, start: 'x' },
        groups: [{ pid: 1, start: '0' }],
      }),
    );
    expect(readRunRecord(join(dir, 'run-evil.json'))).toBeUndefined();
    expect(removeDeadRuns(dir)).toEqual({ groups: 0, files: 1 });
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('records nothing, with a warning, in a runs folder other users can write', async () => {
    const parent = tempDir('wharf-runs-');
    const dir = join(parent, 'runs');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(prepareRunsDir(dir)).toBe(`${dir} is writable by other users`);
    const io = new RecordingIoHost();
    const runtime = new ProcessRuntime({ runId: 'unsafe', stateDir: dir, io });
    await runtime.start(
      taskSpec('unsafe', [containerConfig({ name: 'web', image: 'x', localCommand: 'exec sleep 60' })]),
      new RecordingEvents(),
    );
    expect(readdirSync(dir)).toEqual([]);
    expect(io.withCode('WHARF_PROCESS_STATE_UNSAFE')[0]?.message).toContain('is writable by other users');
    await runtime.close();
  });
});
