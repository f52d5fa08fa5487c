/**
 * The process runtime's usage reading from `/proc`: a task's CPU time and memory are those of its
 * containers' process groups (Linux only). A busy child process in a group of its own stands in
 * for a task's container.
 */

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ProcessUsageReader } from '../../../src/local/autoscaling/task-usage.js';
import type { TaskView } from '../../../src/local/ecs/task.js';

describe.skipIf(process.platform !== 'linux')('ProcessUsageReader', () => {
  it("sums the CPU time and resident memory of the task's process groups", async () => {
    // Busy for at most 3 s, in a process group of its own (as the process runtime starts containers).
    const child = spawn(
      process.execPath,
      ['-e', 'const end = Date.now() + 3000; while (Date.now() < end);'],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    try {
      const task = { taskId: 't', handles: [String(child.pid)] } as unknown as TaskView;
      const reader = new ProcessUsageReader();
      const first = await reader.read(task);
      expect(first).toBeDefined();
      // The child's CPU time grows while it spins (polled for at most 2.5 s: the machine may be busy).
      let cpuSeconds = 0;
      let second = first;
      for (let i = 0; i < 25 && cpuSeconds < 0.1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        second = await reader.read(task);
        cpuSeconds = ((second?.cpuNanos ?? 0) - (first?.cpuNanos ?? 0)) / 1e9;
      }
      expect(cpuSeconds).toBeGreaterThanOrEqual(0.1);
      expect(second?.memoryBytes).toBeGreaterThan(10 * 2 ** 20);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('gives undefined for a task whose processes are gone', async () => {
    const task = { taskId: 't', handles: ['999999999'] } as unknown as TaskView;
    expect(await new ProcessUsageReader().read(task)).toBeUndefined();
  });
});
