/**
 * The bill split by ECS service: for an app with several services, which lines each service
 * brings. Pure: it reads a cost model and the lines priced from it, and prices nothing itself.
 *
 * A line belongs to a service when it is that service's own cost: its Fargate vCPU, memory and
 * ephemeral-storage hours and its tasks' public IPv4 addresses (lines on the `AWS::ECS::Service`),
 * the registered instances of a Cloud Map service only it registers in, and the ingestion and
 * storage of a log group only its containers write to. Everything else (the ingress, the VPC link
 * all HTTP API routes share, the namespace's hosted zone, NAT gateways, Container Insights) is
 * shared and stays out of every service's subtotal.
 */

import type { CostLine, CostModel, ResourceId } from './estimate.js';

/** What one ECS service costs by itself each month. */
export interface ServiceCost {
  /** The `AWS::ECS::Service`. */
  readonly resource: ResourceId;
  /** Its `ServiceName` when the template gives one, else its logical id. */
  readonly name: string;
  /** Desired count; for a scaled service, the count its policies hold at the traffic priced. */
  readonly tasks: number;
  /**
   * A scaled service's range, the count at the traffic priced with its arithmetic, and its own
   * lines' monthly cost idle at the minimum.
   */
  readonly scaling?: {
    readonly min: number;
    readonly max: number;
    readonly tasksAtTraffic: number;
    readonly basis: string;
    readonly idleMonthlyUsd: number;
  };
  /** Task size. */
  readonly vcpu: number;
  readonly memoryGb: number;
  /** Sum of {@link ServiceCost.lines}. */
  readonly monthlyUsd: number;
  /** The lines of the estimate that are this service's own (see the module comment). */
  readonly lines: readonly CostLine[];
}

function same(a: ResourceId, b: ResourceId): boolean {
  return a.file === b.file && a.stack === b.stack && a.logicalId === b.logicalId;
}

/**
 * Splits `lines` (priced from `model`) by ECS service, in the model's service order.
 *
 * @example
 * const estimate = priceCostModel(model, traffic);
 * for (const s of estimate.byService) console.log(s.name, s.tasks, s.monthlyUsd.toFixed(2));
 */
export function serviceBreakdown(model: CostModel, lines: readonly CostLine[]): ServiceCost[] {
  return model.services.map((service) => {
    const registries = model.discoveryServices.filter(
      (discovery) =>
        service.registryArns.includes(discovery.arn) &&
        model.services.every((other) => other === service || !other.registryArns.includes(discovery.arn)),
    );
    const logGroups = model.logGroups.filter(
      (group) =>
        service.logGroupNames.includes(group.name) &&
        model.services.every((other) => other === service || !other.logGroupNames.includes(group.name)),
    );
    const own = lines.filter(
      (line) =>
        same(line.resource, service.id) ||
        registries.some((registry) => same(line.resource, registry.id)) ||
        logGroups.some((group) => same(line.resource, group.id) && line.what.includes('service logs of')),
    );
    return {
      resource: service.id,
      name: service.name ?? service.id.logicalId,
      tasks: service.tasks,
      ...(service.scaling && service.atTraffic
        ? {
            scaling: {
              min: service.scaling.min,
              max: service.scaling.max,
              tasksAtTraffic: service.atTraffic.tasks,
              basis: service.atTraffic.basis,
              idleMonthlyUsd: service.atTraffic.idleMonthlyUsd,
            },
          }
        : {}),
      vcpu: service.vcpu,
      memoryGb: service.memoryGb,
      monthlyUsd: own.reduce((sum, line) => sum + line.monthlyUsd, 0),
      lines: own,
    };
  });
}
