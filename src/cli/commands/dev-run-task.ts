/**
 * `wharf dev --run-task <task definition>`: start the local cloud, run one task of the definition
 * as `aws ecs run-task` would, stream its logs, stop everything, and exit with the task's exit
 * code (see `src/local/run-task.ts`).
 */

import type { IoHost } from '../../io/io-host.js';
import type { LocalCloud } from '../../local/cloud.js';
import { stopSummary } from '../../local/ecs/task-stop-report.js';
import { runTaskExitCode } from '../../local/run-task.js';

/** Runs the task to its end; resolves the exit code. Ctrl-C stops the task and the local cloud. */
export async function runTaskOnce(
  cloud: LocalCloud,
  reference: string,
  json: boolean,
  io: IoHost,
  stdout: (text: string) => void,
): Promise<number> {
  const onSignal = () => {
    io.notify({
      level: 'info',
      code: 'WHARF_DEV_STOPPING',
      message: 'stopping the task and the local cloud…',
    });
    void cloud.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const [task] = cloud.runTask(reference);
    if (!task) return 1;
    const result = await task.stopped;
    const code = runTaskExitCode(result);
    if (json) {
      stdout(
        `${JSON.stringify({ runId: cloud.runId, runtime: cloud.runtime, exitCode: code, task: result.task }, null, 2)}\n`,
      );
    } else {
      stdout(`Task ${result.task.taskId} (${result.task.group}) stopped: ${stopSummary(result.task)}\n`);
      stdout(`Exit code: ${code}${result.exitedContainer ? ` (container ${result.exitedContainer})` : ''}\n`);
    }
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cloud.stop();
  }
}
