/**
 * Cloud Map pricing for `wharf cost`: the Route 53 hosted zone of a DNS namespace, registered
 * instances, and (by assumption) API Gateway's DiscoverInstances lookups.
 */

import type { CostLine, IngressPattern, ResourceId } from './estimate.js';
import { fmt, line, type PricingContext, usd } from './pricing-line.js';

/** Route 53 hosted zone line: a DNS namespace's, or (with `what`) a zone the templates create. */
export function hostedZoneLine(
  ctx: PricingContext,
  resource: ResourceId,
  ingress?: IngressPattern,
  what = 'hosted zone created by the DNS namespace',
): CostLine {
  return line({
    resource,
    service: 'Route 53',
    what,
    quantity: 1,
    unit: 'zone-month',
    price: ctx.prices.route53.hostedZoneMonth,
    formula: `1 zone × ${usd(ctx.prices.route53.hostedZoneMonth.value)}`,
    ingress,
  });
}

/** Cloud Map registered-instance line (and the lookup line when lookups are billed). */
export function cloudMapLines(
  ctx: PricingContext,
  resource: ResourceId,
  instances: number,
  apiLookups: boolean,
  ingress?: IngressPattern,
): CostLine[] {
  const { cloudMap } = ctx.prices;
  const lines = [
    line({
      resource,
      service: 'Cloud Map',
      what: 'registered instances (running tasks)',
      quantity: instances,
      unit: 'instance-month',
      price: cloudMap.resourceMonth,
      formula: `${fmt(instances)} tasks × ${usd(cloudMap.resourceMonth.value)}`,
      ingress,
    }),
  ];
  if (apiLookups && ctx.assumptions.cloudMapLookupsBilled) {
    lines.push(
      line({
        resource,
        service: 'Cloud Map',
        what: "API Gateway's DiscoverInstances lookups (billed by assumption)",
        quantity: ctx.traffic.requestsPerMonth,
        unit: 'call',
        price: cloudMap.discoveryCall,
        formula: `${fmt(ctx.traffic.requestsPerMonth)} requests × 1 call × ${usd(cloudMap.discoveryCall.value)}`,
        confidence: 'U',
        ingress,
      }),
    );
  }
  return lines;
}
