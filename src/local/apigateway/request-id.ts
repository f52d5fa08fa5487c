/**
 * `apigw-requestid` / `$context.requestId` values.
 *
 * Fidelity: AWS ids are 16-character base64-looking strings ending in `=`, e.g. `K2ZEDjwtIAMEcig=`
 * (aws-behavior.md §1.4). Base64 of 11 random bytes has exactly that shape. AWS's ids carry some
 * structure (a shared suffix per host); ours are plain random, unique enough for a laptop.
 */

import { randomFillSync } from 'node:crypto';

const ID_BYTES = 11;
const BLOCK_IDS = 512;
const block = Buffer.allocUnsafe(ID_BYTES * BLOCK_IDS);
let offset = block.length;

/** A new request id: base64 of 11 random bytes (16 characters, the last one `=`). */
export function newRequestId(): string {
  if (offset === block.length) {
    randomFillSync(block);
    offset = 0;
  }
  const id = block.toString('base64', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
