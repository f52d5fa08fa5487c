/**
 * Application Load Balancer pricing for `wharf cost`: load balancer hours, LCUs (the highest of
 * new connections, active connections, processed bytes and rule evaluations, per
 * `docs/reference/pricing.md`), and one public IPv4 address per node of an internet-facing ALB.
 */

import type { CostLine, ResourceId } from './estimate.js';
import { fmt, freeNote, ipv4Line, line, type PricingContext, usd } from './pricing-line.js';
import { effectiveConcurrency, effectiveNewConnectionsPerSecond, requestsPerSecond } from './traffic.js';

/** The four LCU dimensions of an ALB for a traffic profile, and the billed (highest) one. */
export interface LcuDimensions {
  readonly newConnections: number;
  readonly activeConnections: number;
  readonly processedBytes: number;
  readonly ruleEvaluations: number;
  /** The highest of the four: the LCUs billed each hour. */
  readonly billed: number;
  /** Which dimension is billed. */
  readonly dominant: 'new connections' | 'active connections' | 'processed bytes' | 'rule evaluations';
}

/** LCUs an ALB with `rules` listener rules uses each hour under `traffic` (uniform over the month). */
export function lcuDimensions(ctx: PricingContext, rules: number): LcuDimensions {
  const { alb } = ctx.prices;
  const hours = ctx.assumptions.hoursPerMonth;
  const rps = requestsPerSecond(ctx.traffic, hours);
  const gbPerHour =
    (rps * 3600 * (ctx.traffic.requestBytes + ctx.traffic.responseBytes)) / ctx.assumptions.bytesPerGB;
  const dims = {
    'new connections':
      effectiveNewConnectionsPerSecond(ctx.traffic, hours) / alb.lcuNewConnectionsPerSecond.value,
    'active connections': effectiveConcurrency(ctx.traffic, hours) / alb.lcuActiveConnectionsPerMinute.value,
    'processed bytes': gbPerHour / alb.lcuProcessedGbPerHour.value,
    'rule evaluations':
      (rps * Math.max(0, rules - alb.freeRules.value)) / alb.lcuRuleEvaluationsPerSecond.value,
  } as const;
  const dominant = (Object.keys(dims) as (keyof typeof dims)[]).reduce((a, b) => (dims[b] > dims[a] ? b : a));
  return {
    newConnections: dims['new connections'],
    activeConnections: dims['active connections'],
    processedBytes: dims['processed bytes'],
    ruleEvaluations: dims['rule evaluations'],
    billed: dims[dominant],
    dominant,
  };
}

/** Lines of one internet-facing (or internal) ALB: hours, LCU-hours, public IPv4 of its nodes. */
export function albLines(
  ctx: PricingContext,
  resource: ResourceId,
  alb: { readonly publicIpv4: number; readonly rules: number },
): CostLine[] {
  const { prices, assumptions } = ctx;
  const hours = assumptions.hoursPerMonth;
  const service = 'Elastic Load Balancing';
  const freeHours = ctx.free.albHours.take(hours);
  const lines: CostLine[] = [
    line({
      resource,
      service,
      what: 'load balancer hours',
      quantity: hours - freeHours,
      unit: 'ALB-hour',
      price: prices.alb.hour,
      formula: `(${hours} h${freeNote(freeHours, 'h')}) × ${usd(prices.alb.hour.value)}`,
      ingress: 'alb',
    }),
  ];
  const lcu = lcuDimensions(ctx, alb.rules);
  const freeLcu = ctx.free.albLcus.take(lcu.billed);
  const billedLcu = lcu.billed - freeLcu;
  const rps = requestsPerSecond(ctx.traffic, hours);
  lines.push(
    line({
      resource,
      service,
      what: `LCU-hours (${lcu.dominant} dimension)`,
      quantity: billedLcu * hours,
      unit: 'LCU-hour',
      price: prices.alb.lcuHour,
      formula:
        `max(new conn ${fmt(effectiveNewConnectionsPerSecond(ctx.traffic, hours))}/s ÷ 25 = ${fmt(lcu.newConnections)}, ` +
        `active ${fmt(effectiveConcurrency(ctx.traffic, hours))} ÷ 3000 = ${fmt(lcu.activeConnections)}, ` +
        `processed ${fmt(rps)} req/s × 3600 × ${fmt(ctx.traffic.requestBytes + ctx.traffic.responseBytes)} B ÷ 1 GB/h = ${fmt(lcu.processedBytes)}, ` +
        `rules ${fmt(rps)} × max(0, ${alb.rules} − 10) ÷ 1000 = ${fmt(lcu.ruleEvaluations)}) = ${fmt(lcu.billed)} LCU` +
        `${freeNote(freeLcu, 'LCU')} × ${hours} h × ${usd(prices.alb.lcuHour.value)}`,
      ingress: 'alb',
    }),
  );
  if (alb.publicIpv4 > 0) lines.push(ipv4Line(ctx, resource, alb.publicIpv4, 'ALB node', 'alb'));
  return lines;
}
