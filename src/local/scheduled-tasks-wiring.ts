/**
 * How tasks outside services are wired into the local cloud, as on AWS: EventBridge scheduled
 * rules call RunTask on their (possibly accelerated) clock, `wharf dev --run-task` calls it once,
 * and both start standalone tasks on the same runtime, VPC, log files and stop reports as the
 * services' tasks. Task definitions nothing starts are named at start-up.
 */

import { WharfError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { acceleratedClock, type Clock } from './clock.js';
import { type StandaloneTask, StandaloneTasks } from './ecs/standalone-tasks.js';
import type { TaskNetwork } from './ecs/task-network.js';
import type { TaskStopReporter } from './ecs/task-stop-report.js';
import { RuleScheduler } from './events/rule-scheduler.js';
import { type LocalModel, unusedTaskDefinitions } from './model.js';
import { findRunTaskDefinition, runTaskPlacement } from './run-task.js';
import type { TaskRuntime } from './runtime/types.js';

/** What {@link startScheduledTasks} shares with the rest of the local cloud. */
export interface ScheduledTasksDeps {
  readonly runtime: TaskRuntime;
  readonly clock: Clock;
  /** EventBridge's clock runs this many times faster than `clock`. */
  readonly clockSpeed: number;
  readonly runId: string;
  readonly network: TaskNetwork;
  readonly environment?: Readonly<Record<string, string>>;
  readonly logDir?: string;
  readonly io: IoHost;
  /** The cloud's stop reporter, shared with the services (one report per stopped task). */
  readonly stopReports: TaskStopReporter;
}

/** The running rules and standalone tasks. */
export interface ScheduledTasks {
  readonly rules: RuleScheduler;
  readonly standalone: StandaloneTasks;
  /** `LocalCloud.runTask`. */
  runTask(reference: string, options?: { readonly startedBy?: string }): readonly StandaloneTask[];
  /** Disarms the rules, then stops every standalone task. */
  stop(): Promise<void>;
}

/** Starts the standalone-task runner and registers the model's scheduled rules. */
export function startScheduledTasks(model: LocalModel, deps: ScheduledTasksDeps): ScheduledTasks {
  const { io, stopReports } = deps;
  const standalone = new StandaloneTasks({
    runtime: deps.runtime,
    clock: deps.clock,
    runId: deps.runId,
    network: deps.network,
    region: model.app.environment.region,
    accountId: model.app.environment.accountId,
    environment: deps.environment,
    logDir: deps.logDir,
    onTaskChange: (task) => stopReports.notifyStop(io, task, { group: task.group }),
    onLog: (task, container, line, stream) => {
      stopReports.log(task.taskId, container, line);
      io.notify({
        level: 'info',
        code: 'WHARF_DEV_LOG',
        message: `${task.group}/${task.taskId.slice(0, 8)} ${line}`,
        data: { group: task.group, taskId: task.taskId, container, stream, line },
      });
    },
  });
  const rules = new RuleScheduler({
    rules: model.scheduledRules,
    clock: acceleratedClock(deps.clock, deps.clockSpeed),
    invoke: (rule, target) =>
      standalone
        .run({
          taskDefinition: target.taskDefinition,
          clusterName: target.clusterName,
          count: target.taskCount,
          subnetIds: target.subnetIds,
          securityGroupIds: target.securityGroupIds,
          group: target.group,
          startedBy: `events-rule/${rule.name}`,
        })
        .map((task) => task.taskId),
    onInvocation: (rule, invocation) =>
      io.notify({
        level: invocation.error ? 'warn' : 'info',
        code: 'WHARF_DEV_RULE_FIRED',
        message:
          `rule ${rule.name} (${rule.schedule.expression}) fired: started ${invocation.taskIds.length} task(s)` +
          `${invocation.error ? `; ${invocation.error}` : ''}`,
        data: { rule: rule.name, invocation },
      }),
  });
  rules.start();
  if (model.scheduledRules.length > 0) {
    const names = model.scheduledRules.map(
      (r) => `${r.name} ${r.schedule.expression}${r.state === 'DISABLED' ? ' (DISABLED)' : ''}`,
    );
    io.notify({
      level: 'info',
      code: 'WHARF_DEV_RULES_REGISTERED',
      message:
        `Scheduled rules registered: ${names.join(', ')}` +
        (deps.clockSpeed === 1 ? '' : ` (EventBridge clock ${deps.clockSpeed}× faster)`),
      data: rules.describe(),
    });
  }
  return {
    rules,
    standalone,
    runTask(reference, options = {}) {
      const definition = findRunTaskDefinition(model, reference);
      // As for services (before anything starts): the process runtime needs a command per container.
      const missing = definition.containers.filter((c) => !c.localCommand).map((c) => `'${c.name}'`);
      if (deps.runtime.name === 'process' && missing.length > 0) {
        throw new WharfError(
          'WHARF_PROCESS_NO_COMMAND',
          `the process runtime has no command for container ${missing.join(', ')} of task definition ${definition.family}. ` +
            'Give one with --process-command <container>=<command>, or use --runtime docker.',
        );
      }
      const placement = runTaskPlacement(model, definition);
      io.notify({
        level: 'info',
        code: 'WHARF_DEV_RUN_TASK',
        message: `Running task definition ${definition.family}:${definition.revision} once, in ${placement.source}`,
        data: { taskDefinition: definition.arn, placement },
      });
      return standalone.run({
        taskDefinition: definition,
        clusterName: placement.clusterName,
        subnetIds: placement.subnetIds,
        securityGroupIds: placement.securityGroupIds,
        startedBy: options.startedBy ?? 'wharf dev --run-task',
      });
    },
    async stop() {
      rules.stop();
      await standalone.stop();
    },
  };
}

/** One info line per task definition that no service and no rule starts (see `--run-task`). */
export function notifyUnusedTaskDefinitions(model: LocalModel, io: IoHost): void {
  for (const definition of unusedTaskDefinitions(model)) {
    const where = definition.origin ? ` (${definition.origin.file}: ${definition.origin.logicalId})` : '';
    // The family alone names its latest revision: name this one exactly when the family has others.
    const shared = model.taskDefinitions.some((o) => o !== definition && o.family === definition.family);
    const name = shared ? `${definition.family}:${definition.revision}` : definition.family;
    io.notify({
      level: 'info',
      code: 'WHARF_DEV_TASK_DEFINITION_UNUSED',
      message:
        `Task definition ${name}${where} is run by no service and no scheduled rule: ` +
        `nothing starts it here; run it once with wharf dev --run-task ${name}`,
      data: { family: definition.family, arn: definition.arn },
    });
  }
}
