/**
 * `X-Amzn-Trace-Id` as API Gateway and ALB write it: `Root=1-<8 hex epoch seconds>-<24 hex>`
 * (ELB guide, load-balancer-request-tracing.md). The ALB inserts `Self=` when the request already
 * carries a `Root`; see the ELB emulator for that rule.
 */

import { randomFillSync } from 'node:crypto';

// Random bytes drawn in blocks: one `randomBytes` call per request showed up in the proxy profile.
const ID_BYTES = 12;
const block = Buffer.allocUnsafe(ID_BYTES * 512);
let offset = block.length;

/** A new trace id value `1-<epoch seconds, 8 hex>-<24 hex>`. */
export function newTraceIdValue(nowMs: number = Date.now()): string {
  if (offset === block.length) {
    randomFillSync(block);
    offset = 0;
  }
  const random = block.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return `1-${seconds}-${random}`;
}

/** A new header value `Root=1-…-…`. */
export function newTraceHeader(nowMs?: number): string {
  return `Root=${newTraceIdValue(nowMs)}`;
}
