/**
 * The building blocks every priced AWS service of `wharf cost` shares: a bill line with its
 * formula, number formatting for formulas, confidence tags, free-tier pools, and the public IPv4
 * line (tasks, Elastic IPs and load balancer nodes all pay it).
 */

import type { CostLine, IngressPattern, ResourceId } from './estimate.js';
import type { Confidence, PriceFact, PricingAssumptions, RegionPrices } from './prices.js';
import type { TrafficProfile } from './traffic.js';

/** Formats a number for formulas: up to 6 significant digits, no exponent for usual sizes. */
export function fmt(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 && Number.isInteger(value)) return value.toLocaleString('en-US');
  if (abs < 1e-3) return value.toFixed(12).replace(/0+$/, '');
  return String(Number(value.toPrecision(6)));
}

/** `$0.04048`. */
export function usd(value: number): string {
  return `$${fmt(value)}`;
}

const CONFIDENCE_ORDER: Confidence[] = ['C1', 'C1+C2', 'C2', 'C1/U', 'C2/C3', 'C3', 'U'];

export function weakest(...facts: (PriceFact | Confidence)[]): Confidence {
  const tags = facts.map((f) => (typeof f === 'string' ? f : f.confidence));
  return tags.reduce((a, b) => (CONFIDENCE_ORDER.indexOf(b) > CONFIDENCE_ORDER.indexOf(a) ? b : a), 'C1');
}

/** A pool of free-tier quantity consumed by lines in order. */
export class FreePool {
  constructor(private left: number) {}
  take(quantity: number): number {
    const used = Math.min(this.left, Math.max(0, quantity));
    this.left -= used;
    return used;
  }
}

export interface LineInput {
  readonly resource: ResourceId;
  readonly service: string;
  readonly what: string;
  readonly quantity: number;
  readonly unit: string;
  readonly price: PriceFact;
  readonly formula: string;
  readonly confidence?: Confidence;
  readonly ingress?: IngressPattern;
}

export function line(input: LineInput): CostLine {
  const unitPriceUsd = input.price.value;
  return {
    resource: input.resource,
    service: input.service,
    what: input.what,
    quantity: input.quantity,
    unit: input.unit,
    unitPriceUsd,
    monthlyUsd: input.quantity * unitPriceUsd,
    formula: `${input.formula} = ${usd(input.quantity * unitPriceUsd)}`,
    confidence: input.confidence ?? input.price.confidence,
    ...(input.ingress ? { ingress: input.ingress } : {}),
  };
}

/** The context the line builders share. */
export interface PricingContext {
  readonly prices: RegionPrices;
  readonly assumptions: PricingAssumptions;
  readonly traffic: TrafficProfile;
  /** Free-tier pools (only consumed when `assumptions.freeTier`). */
  readonly free: {
    readonly apiRequests: FreePool;
    readonly albHours: FreePool;
    readonly albLcus: FreePool;
    readonly logIngestGb: FreePool;
    readonly logStorageGb: FreePool;
    readonly metrics: FreePool;
  };
}

/** A fresh pricing context (free-tier pools full when the free tier is on, else empty). */
export function pricingContext(
  prices: RegionPrices,
  assumptions: PricingAssumptions,
  traffic: TrafficProfile,
): PricingContext {
  const pool = (fact: PriceFact) => new FreePool(assumptions.freeTier ? fact.value : 0);
  return {
    prices,
    assumptions,
    traffic,
    free: {
      apiRequests: pool(prices.apiGateway.freeTierRequests),
      albHours: pool(prices.alb.freeTierHours),
      albLcus: pool(prices.alb.freeTierLcus),
      logIngestGb: pool(prices.logs.freeTierGb),
      logStorageGb: pool(prices.logs.freeTierGb),
      metrics: pool(prices.cloudWatch.freeTierMetrics),
    },
  };
}

export function freeNote(taken: number, unit: string): string {
  return taken > 0 ? ` − ${fmt(taken)} ${unit} free tier` : '';
}

export function ipv4Line(
  ctx: PricingContext,
  resource: ResourceId,
  count: number,
  what: string,
  ingress?: IngressPattern,
): CostLine {
  const hours = ctx.assumptions.hoursPerMonth;
  const billed = ctx.assumptions.publicIpv4Billed;
  return line({
    resource,
    service: 'Public IPv4',
    what: `public IPv4 addresses (${count} × ${what})${billed ? '' : ', not billed by assumption'}`,
    quantity: billed ? count * hours : 0,
    unit: 'IP-hour',
    price: ctx.prices.publicIpv4Hour,
    formula: billed
      ? `${count} × ${hours} h × ${usd(ctx.prices.publicIpv4Hour.value)}`
      : `0 (publicIpv4Billed = false) × ${usd(ctx.prices.publicIpv4Hour.value)}`,
    ingress,
  });
}
