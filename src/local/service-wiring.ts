/**
 * How an ECS service is attached to the other emulators, as ECS does it on AWS: during
 * ACTIVATING a task is registered in each Cloud Map service of `ServiceRegistries` (with the
 * attributes ECS writes) and in each target group of `LoadBalancers` (by private IP and container
 * port); during DEACTIVATING it is removed from Cloud Map at once (no drain) and from its target
 * groups, waiting out the deregistration delay, before SIGTERM. Task health is pushed to Cloud
 * Map's custom health; target health changes wake the scheduler.
 */

import type { CloudMapRegistry } from './cloudmap/registry.js';
import type {
  LoadBalancerTargetState,
  ServiceAttachments,
  ServiceSchedulerLike,
} from './ecs/service-attachments.js';
import type { TaskView } from './ecs/task.js';
import type { EcsServiceConfig, ServiceRegistryConfig } from './ecs/types.js';
import type { TargetGroup } from './elb/target-group.js';

/** The emulators a service attaches to. */
export interface ServiceWiringDeps {
  readonly registry: CloudMapRegistry;
  readonly targetGroups: ReadonlyMap<string, TargetGroup>;
  readonly region: string;
}

/** The port ECS registers in Cloud Map for one `ServiceRegistries` entry. */
function registryPort(service: EcsServiceConfig, entry: ServiceRegistryConfig): number | undefined {
  return entry.containerPort ?? entry.port ?? service.taskDefinition.containers[0]?.containerPorts[0];
}

/** Attachments for `service`, and `connect(scheduler)` to call once the scheduler exists. */
export function serviceAttachments(
  service: EcsServiceConfig,
  deps: ServiceWiringDeps,
): { attachments: ServiceAttachments; connect(scheduler: ServiceSchedulerLike): void } {
  const targets = new Map<string, string>(); // "ip:port" → task id
  const attachments: ServiceAttachments = {
    async register(task: TaskView) {
      if (!task.privateIp) return;
      for (const entry of service.serviceRegistries) {
        const port = registryPort(service, entry);
        deps.registry.registerInstance(entry.discoveryServiceId, task.taskId, {
          AWS_INSTANCE_IPV4: task.privateIp,
          ...(port === undefined ? {} : { AWS_INSTANCE_PORT: String(port) }),
          AVAILABILITY_ZONE: task.availabilityZone ?? `${deps.region}a`,
          REGION: deps.region,
          ECS_SERVICE_NAME: service.name,
          ECS_CLUSTER_NAME: service.clusterName,
          ECS_TASK_DEFINITION_FAMILY: service.taskDefinition.family,
        });
      }
      for (const lb of service.loadBalancers) {
        targets.set(`${task.privateIp}:${lb.containerPort}`, task.taskId);
        deps.targetGroups
          .get(lb.targetGroupArn)
          ?.registerTarget({ id: task.privateIp, port: lb.containerPort });
      }
    },
    async deregister(task: TaskView) {
      for (const entry of service.serviceRegistries) {
        try {
          deps.registry.deregisterInstance(entry.discoveryServiceId, task.taskId);
        } catch {
          // Already gone (never registered because it failed before ACTIVATING).
        }
      }
      if (!task.privateIp) return;
      const ip = task.privateIp;
      await Promise.all(
        service.loadBalancers.map(async (lb) => {
          await deps.targetGroups.get(lb.targetGroupArn)?.deregisterTarget(ip, lb.containerPort);
          targets.delete(`${ip}:${lb.containerPort}`);
        }),
      );
    },
    reportHealth(task: TaskView, health) {
      for (const entry of service.serviceRegistries) {
        if (deps.registry.serviceById(entry.discoveryServiceId)?.healthCheck !== 'custom') continue;
        try {
          deps.registry.updateInstanceCustomHealthStatus(
            entry.discoveryServiceId,
            task.taskId,
            health === 'UNHEALTHY' ? 'UNHEALTHY' : 'HEALTHY',
          );
        } catch {
          // The instance was deregistered meanwhile.
        }
      }
    },
  };
  if (service.loadBalancers.length > 0) {
    const find = (task: TaskView, arn: string) => {
      const lb = service.loadBalancers.find((l) => l.targetGroupArn === arn);
      const group = deps.targetGroups.get(arn);
      return group
        ?.describeTargetHealth()
        .find((t) => t.id === task.privateIp && t.port === lb?.containerPort);
    };
    attachments.loadBalancerHealth = (task, arn): LoadBalancerTargetState => {
      const state = find(task, arn)?.state;
      return state === 'healthy' || state === 'unhealthy' || state === 'initial' ? state : 'unknown';
    };
    attachments.loadBalancerHealthReason = (task, arn) => find(task, arn)?.description;
  }
  return {
    attachments,
    connect(scheduler) {
      for (const lb of service.loadBalancers) {
        deps.targetGroups.get(lb.targetGroupArn)?.on('state', (change) => {
          const taskId = targets.get(`${change.id}:${change.port}`);
          if (taskId) scheduler.onLoadBalancerHealthChange(taskId);
        });
      }
    },
  };
}
