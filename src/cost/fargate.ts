/**
 * Fargate pricing for `wharf cost`: vCPU and GB hours per service by its own size and count (x86
 * or ARM, on-demand or Spot), ephemeral storage above 20 GB, and its tasks' public IPv4 addresses.
 * A scaled service's count is the one its target tracking holds at the traffic (`scaling.ts`).
 */

import type { CostLine, ServiceInfo } from './estimate.js';
import type { PriceFact } from './prices.js';
import { fmt, ipv4Line, line, type PricingContext, usd } from './pricing-line.js';

export function fargateLines(ctx: PricingContext, service: ServiceInfo): CostLine[] {
  const { fargate } = ctx.prices;
  const hours = ctx.assumptions.hoursPerMonth;
  const arch = service.arm ? 'ARM' : 'x86';
  const lines: CostLine[] = [];
  // A scaled service is priced at the count its policies hold at this traffic (priceCostModel
  // sets atTraffic; scaling.ts); say so, with the range, where the task count appears.
  const range = service.scaling
    ? service.atTraffic
      ? ` (held by target tracking at this traffic, range ${fmt(service.scaling.min)}–${fmt(service.scaling.max)}: ${service.atTraffic.basis})`
      : ` (idle: scaling min ${fmt(service.scaling.min)}, up to ${fmt(service.scaling.max)} under load)`
    : '';
  const options: [string, number, { vcpuHour: PriceFact; gbHour: PriceFact }][] = [
    ['on-demand', service.tasks * (1 - service.spotShare), service.arm ? fargate.arm : fargate.x86],
    ['Spot', service.tasks * service.spotShare, service.arm ? fargate.spotArm : fargate.spotX86],
  ];
  for (const [option, tasks, rates] of options) {
    if (tasks <= 0 && !(option === 'on-demand' && service.spotShare === 0)) continue;
    lines.push(
      line({
        resource: service.id,
        service: 'Fargate',
        what: `vCPU-hours (${arch}, ${option})`,
        quantity: tasks * service.vcpu * hours,
        unit: 'vCPU-hour',
        price: rates.vcpuHour,
        formula: `${fmt(tasks)} tasks${range} × ${fmt(service.vcpu)} vCPU × ${hours} h × ${usd(rates.vcpuHour.value)}`,
      }),
      line({
        resource: service.id,
        service: 'Fargate',
        what: `GB-hours (${arch}, ${option})`,
        quantity: tasks * service.memoryGb * hours,
        unit: 'GB-hour',
        price: rates.gbHour,
        formula: `${fmt(tasks)} tasks${range} × ${fmt(service.memoryGb)} GB × ${hours} h × ${usd(rates.gbHour.value)}`,
      }),
    );
  }
  const extra = service.ephemeralGb - fargate.ephemeralIncludedGb.value;
  if (extra > 0) {
    lines.push(
      line({
        resource: service.id,
        service: 'Fargate',
        what: 'ephemeral storage above 20 GB',
        quantity: service.tasks * extra * hours,
        unit: 'GB-hour',
        price: fargate.ephemeralGbHour,
        formula: `${fmt(service.tasks)} tasks × (${fmt(service.ephemeralGb)} − 20) GB × ${hours} h × ${usd(fargate.ephemeralGbHour.value)}`,
      }),
    );
  }
  if (service.publicIp)
    lines.push(ipv4Line(ctx, service.id, service.tasks, 'task with AssignPublicIp ENABLED'));
  return lines;
}
