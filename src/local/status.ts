/**
 * A snapshot of the local cloud for status views and `--json`: every service with its tasks and
 * deployments, every target group's target health, every Cloud Map service's instances.
 */

import type { CloudMapRegistry } from './cloudmap/registry.js';
import type { InstanceRecord } from './cloudmap/types.js';
import type { ServiceScheduler } from './ecs/service-scheduler.js';
import type { TargetGroup, TargetHealthDescription } from './elb/target-group.js';

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
}

/** Takes the snapshot. */
export function describeStatus(
  services: ReadonlyMap<string, ServiceScheduler>,
  targetGroups: ReadonlyMap<string, TargetGroup>,
  registry: CloudMapRegistry,
): LocalStatus {
  return {
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
  for (const service of status.services) {
    for (const task of service.tasks) {
      const target = task.privateIp ? targetState.get(task.privateIp) : undefined;
      lines.push(
        [
          service.serviceName,
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
