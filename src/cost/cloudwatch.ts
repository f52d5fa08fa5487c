/**
 * CloudWatch pricing for `wharf cost`: custom metrics (detailed route metrics, Container
 * Insights) and log ingestion and storage with the log group's retention.
 */

import type { CostLine, IngressPattern, ResourceId } from './estimate.js';
import type { Confidence } from './prices.js';
import { fmt, freeNote, line, type PricingContext, usd, weakest } from './pricing-line.js';

/** Custom-metric line (detailed route metrics, Container Insights). */
export function metricsLine(
  ctx: PricingContext,
  resource: ResourceId,
  what: string,
  metrics: number,
  formulaCount: string,
  confidence: Confidence,
  ingress?: IngressPattern,
): CostLine {
  const price = ctx.prices.cloudWatch.customMetricMonth;
  const freeTaken = ctx.free.metrics.take(metrics);
  return line({
    resource,
    service: 'CloudWatch',
    what,
    quantity: metrics - freeTaken,
    unit: 'metric-month',
    price,
    formula: `(${formulaCount}${freeNote(freeTaken, 'metrics')}) × ${usd(price.value)}`,
    confidence: weakest(price, confidence),
    ingress,
  });
}

/** Detailed-metrics line of a stage: billed only while requests flow. */
export function detailedMetricsLine(
  ctx: PricingContext,
  resource: ResourceId,
  routes: number,
  ingress?: IngressPattern,
): CostLine {
  const perRoute = ctx.assumptions.detailedMetricsPerRoute;
  const flowing = ctx.traffic.requestsPerMonth > 0;
  return metricsLine(
    ctx,
    resource,
    'detailed route metrics (DetailedMetricsEnabled)',
    flowing ? perRoute * routes : 0,
    flowing
      ? `${perRoute} metrics × ${routes} route${routes > 1 ? 's' : ''}`
      : '0 metrics (no requests, nothing published)',
    'U',
    ingress,
  );
}

/** Ingestion and storage lines of one stream of log bytes into a log group. */
export function logLines(
  ctx: PricingContext,
  resource: ResourceId,
  source: string,
  bytesPerMonth: number,
  bytesFormula: string,
  retentionDays: number | undefined,
  ingress?: IngressPattern,
  confidence: Confidence = 'C2',
): CostLine[] {
  const { logs } = ctx.prices;
  const { bytesPerGB, hoursPerMonth, logHorizonMonths } = ctx.assumptions;
  const gb = bytesPerMonth / bytesPerGB;
  const freeIngest = ctx.free.logIngestGb.take(gb);
  const ingest = line({
    resource,
    service: 'CloudWatch Logs',
    what: `ingestion (${source})`,
    quantity: gb - freeIngest,
    unit: 'GB',
    price: logs.ingestGb,
    formula: `(${bytesFormula} = ${fmt(gb)} GB${freeNote(freeIngest, 'GB')}) × ${usd(logs.ingestGb.value)}`,
    confidence: weakest(logs.ingestGb, confidence),
    ingress,
  });
  const daysPerMonth = hoursPerMonth / 24;
  const months = retentionDays === undefined ? logHorizonMonths : retentionDays / daysPerMonth;
  const stored = gb * months;
  const freeStored = ctx.free.logStorageGb.take(stored);
  const storageText =
    retentionDays === undefined
      ? `no retention: ${fmt(gb)} GB/month × ${logHorizonMonths} months kept`
      : `${fmt(gb)} GB/month × ${retentionDays} days ÷ ${fmt(daysPerMonth)} days`;
  const storage = line({
    resource,
    service: 'CloudWatch Logs',
    what: `storage (${source}${retentionDays === undefined ? `, no retention, month ${logHorizonMonths}` : `, ${retentionDays}-day retention`})`,
    quantity: stored - freeStored,
    unit: 'GB-month',
    price: logs.storageGbMonth,
    formula: `(${storageText} = ${fmt(stored)} GB${freeNote(freeStored, 'GB')}) × ${usd(logs.storageGbMonth.value)}`,
    confidence: weakest(logs.storageGbMonth, confidence),
    ingress,
  });
  return [ingest, storage];
}

// ---------------------------------------------------------------- pricing the inventory
