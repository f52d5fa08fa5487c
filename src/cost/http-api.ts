/**
 * API Gateway HTTP API pricing for `wharf cost`: requests in 512 KB units with the 300 M tier,
 * and the VPC link (no Price List line: an assumption, `vpcLinkMonthlyUsd`).
 */

import type { CostLine, ResourceId } from './estimate.js';
import { fmt, freeNote, line, type PricingContext, usd } from './pricing-line.js';

/** API Gateway units per request: 512 KB increments of the request (and response, by assumption). */
export function apiGatewayUnitsPerRequest(ctx: PricingContext): number {
  const bytes =
    ctx.traffic.requestBytes +
    (ctx.assumptions.responseBytesCountTowardApiGatewayUnits ? ctx.traffic.responseBytes : 0);
  return Math.max(1, Math.ceil(bytes / ctx.prices.apiGateway.meteringIncrementBytes.value));
}

/** Request lines of one HTTP API (first tier, and the tier beyond 300 M when reached). */
export function httpApiRequestLines(ctx: PricingContext, resource: ResourceId): CostLine[] {
  const { apiGateway } = ctx.prices;
  const units = apiGatewayUnitsPerRequest(ctx);
  const metered = ctx.traffic.requestsPerMonth * units;
  const freeTaken = ctx.free.apiRequests.take(metered);
  const billable = metered - freeTaken;
  const tier1Size = apiGateway.httpTier1Requests.value;
  const tier1 = Math.min(billable, tier1Size);
  const tier2 = Math.max(0, billable - tier1Size);
  const unitText = `${fmt(ctx.traffic.requestsPerMonth)} requests × ${units} unit${units > 1 ? 's' : ''} of 512 KB${freeNote(freeTaken, 'requests')}`;
  const lines = [
    line({
      resource,
      service: 'API Gateway',
      what: 'HTTP API requests (first 300 M)',
      quantity: tier1,
      unit: 'request',
      price: apiGateway.httpRequestTier1,
      formula: `min(${unitText}, 300,000,000) × ${usd(apiGateway.httpRequestTier1.value)}`,
      ingress: 'api-gateway',
    }),
  ];
  if (tier2 > 0) {
    lines.push(
      line({
        resource,
        service: 'API Gateway',
        what: 'HTTP API requests (over 300 M)',
        quantity: tier2,
        unit: 'request',
        price: apiGateway.httpRequestTier2,
        formula: `(${unitText} − 300,000,000) × ${usd(apiGateway.httpRequestTier2.value)}`,
        ingress: 'api-gateway',
      }),
    );
  }
  return lines;
}

/** Line of one VPC link (the assumption `vpcLinkMonthlyUsd`). */
export function vpcLinkLine(ctx: PricingContext, resource: ResourceId): CostLine {
  const value = ctx.assumptions.vpcLinkMonthlyUsd;
  return line({
    resource,
    service: 'API Gateway',
    what: 'VPC link (no Price List line; assumption)',
    quantity: 1,
    unit: 'month',
    price: {
      value,
      unit: 'USD per VPC link-month',
      source: 'PricingAssumptions.vpcLinkMonthlyUsd (S2, S18, S20)',
      asOf: '2026-09-20',
      confidence: 'U',
    },
    formula: `1 × ${usd(value)} (vpcLinkMonthlyUsd)`,
    ingress: 'api-gateway',
  });
}
