/**
 * A snapshot of the local cloud for status views and `--json`: every service with its tasks and
 * deployments, every target group's target health, every Cloud Map service's instances, every
 * scheduled rule with its next firing, and the standalone tasks (rules' targets, `--run-task`).
 */

import type { ScalableTargetStatus } from './autoscaling/service-scaler.js';
import type { CloudMapRegistry } from './cloudmap/registry.js';
import type { InstanceRecord } from './cloudmap/types.js';
import type { ServiceScheduler } from './ecs/service-scheduler.js';
import type { StandaloneTasks } from './ecs/standalone-tasks.js';
import type { TaskView } from './ecs/task.js';
import type { TargetGroup, TargetHealthDescription } from './elb/target-group.js';
import type { RuleScheduler, RuleStatus } from './events/rule-scheduler.js';

/** What `status()` returns. */
export interface LocalStatus {
  readonly services: ReturnType<ServiceScheduler['describe']>[];
  readonly targetGroups: {
    readonly arn: string;
    readonly name: string;
    readonly targets: TargetHealthDescription[];
  }[];
  readonly cloudMap: {
    readonly serviceId: string;
    readonly name: string;
    readonly instances: readonly InstanceRecord[];
  }[];
  /** EventBridge rules with a schedule (times on EventBridge's clock, see `--clock-speed`). */
  readonly rules: readonly RuleStatus[];
  /** Tasks started outside services: live ones, then recently stopped ones. */
  readonly standaloneTasks: readonly TaskView[];
  /** Scalable targets with their policies' alarms and scaling activities (newest first). */
  readonly scaling: readonly ScalableTargetStatus[];
}

/** Takes the snapshot. */
export function describeStatus(
  services: ReadonlyMap<string, ServiceScheduler>,
  targetGroups: ReadonlyMap<string, TargetGroup>,
  registry: CloudMapRegistry,
  events: { readonly rules?: RuleScheduler; readonly standalone?: StandaloneTasks } = {},
  scaling: { describe(): ScalableTargetStatus[] } = { describe: () => [] },
): LocalStatus {
  return {
    scaling: scaling.describe(),
    rules: events.rules?.describe() ?? [],
    standaloneTasks: events.standalone?.views() ?? [],
    services: [...services.values()].map((s) => s.describe()),
    targetGroups: [...targetGroups.values()].map((group) => ({
      arn: group.arn,
      name: group.config.name,
      targets: group.describeTargetHealth(),
    })),
    cloudMap: registry.services().map((service) => ({
      serviceId: service.id,
      name: service.name,
      instances: registry.listInstances(service.id),
    })),
  };
}

/** One line per task for terminals: `web 1a2b3c4d 10.0.0.5 us-east-1a RUNNING HEALTHY tg:healthy`. */
export function renderTaskLines(status: LocalStatus): string[] {
  const lines: string[] = [];
  const targetState = new Map<string, string>();
  for (const group of status.targetGroups) {
    for (const target of group.targets) targetState.set(target.id, target.state);
  }
  const groups = [
    ...status.services.map((service) => ({ name: service.serviceName, tasks: service.tasks })),
    ...status.standaloneTasks.map((task) => ({ name: task.group, tasks: [task] })),
  ];
  for (const { name, tasks } of groups) {
    for (const task of tasks) {
      const target = task.privateIp ? targetState.get(task.privateIp) : undefined;
      lines.push(
        [
          name,
          task.taskId.slice(0, 8),
          task.privateIp ?? '-',
          task.ipv6Address ?? '',
          task.availabilityZone ?? '-',
          task.lastStatus,
          task.healthStatus,
          target ? `target:${target}` : '',
          task.stoppedReason ? `(${task.stoppedReason})` : '',
        ]
          .filter(Boolean)
          .join(' '),
      );
    }
  }
  return lines;
}

/**
 * One line per scheduled rule: `rule Nightly cron(0 3 * * ? *) ENABLED next 2026-01-02T03:00Z fired 2× (last: 1 task)`.
 */
export function renderRuleLines(status: LocalStatus): string[] {
  return status.rules.map((rule) =>
    [
      `rule ${rule.name}`,
      rule.scheduleExpression,
      rule.state,
      rule.nextFireAt === undefined
        ? 'no next firing'
        : `next ${new Date(rule.nextFireAt).toISOString().slice(0, 16)}Z`,
      `fired ${rule.invocationCount}×`,
      rule.lastInvocation
        ? `(last: ${rule.lastInvocation.taskIds.length} task(s)${rule.lastInvocation.error ? `, ${rule.lastInvocation.error}` : ''})`
        : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
}

/**
 * One line per scaling activity, oldest first, in AWS's words with the metric that drove it:
 * `scaling web 13:45:02 Successfully set desired count to 4. Change successfully fulfilled by ecs. (CPUUtilization 93.1 > 50 for 3 datapoints)`.
 */
export function renderScalingLines(status: LocalStatus): string[] {
  return status.scaling.flatMap((target) =>
    [...target.activities]
      .reverse()
      .map((activity) =>
        [
          `scaling ${activity.serviceName}`,
          new Date(activity.startTime).toISOString().slice(11, 19),
          activity.statusMessage,
          activity.metric ? `(${activity.metric})` : `(${activity.cause})`,
        ].join(' '),
      ),
  );
}
