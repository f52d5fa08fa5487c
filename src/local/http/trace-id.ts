/**
 * `X-Amzn-Trace-Id` as API Gateway and ALB write it: `Root=1-<8 hex epoch seconds>-<24 hex>`
 * (ELB guide, load-balancer-request-tracing.md). The ALB inserts `Self=` when the request already
 * carries a `Root`; see the ELB emulator for that rule.
 */

import { randomBytes } from 'node:crypto';

/** A new trace id value `1-<epoch seconds, 8 hex>-<24 hex>`. */
export function newTraceIdValue(nowMs: number = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return `1-${seconds}-${randomBytes(12).toString('hex')}`;
}

/** A new header value `Root=1-…-…`. */
export function newTraceHeader(nowMs?: number): string {
  return `Root=${newTraceIdValue(nowMs)}`;
}
