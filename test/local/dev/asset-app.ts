/**
 * The asset-service fixture as the image tests use it: a CDK app whose service image is a Docker
 * image asset (`test/fixtures/apps/asset-service/app`), copied so tests can edit it, saved the way
 * editors save (a temporary file renamed over the original), under a paced request loop.
 */

import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { get } from './support.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/apps/asset-service');

/**
 * Copies the fixture into the repository (so the app resolves `wharf` and `aws-cdk-lib`) with a
 * nonce file in its image folder, so its content hash (and image) is this test run's own.
 */
export function copyAssetApp(): { dir: string; appDir: string } {
  const dir = mkdtempSync(join(FIXTURE, '..', '.asset-service-'));
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, 'app', 'nonce.txt'), `${randomBytes(8).toString('hex')}\n`);
  return { dir, appDir: join(dir, 'app') };
}

/** Saves `text` to `file` as vim and `sed -i` do: write a temporary file, rename it over the original. */
export function renameSave(file: string, text: string): void {
  const temporary = `${file}.${randomBytes(3).toString('hex')}.tmp~`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** The fixture's message module with `message`. */
export function messageModule(message: string): string {
  return `export const MESSAGE = '${message}';\n`;
}

/** What a paced request loop saw. */
export interface PacedTally {
  total: number;
  failed: Array<{ status: number; body: string }>;
  /** The body of the last 200. */
  last: string;
}

/** One request every `intervalMs` until `done()`, at most `maxRequests`; failures kept. */
export function pacedLoad(url: string, done: () => boolean, intervalMs = 10, maxRequests = 20_000) {
  const tally: PacedTally = { total: 0, failed: [], last: '' };
  const finished = (async () => {
    while (!done() && tally.total < maxRequests) {
      const response = await get(url);
      tally.total += 1;
      if (response.status === 200) tally.last = response.body;
      else tally.failed.push({ status: response.status, body: response.body.slice(0, 200) });
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return { tally, finished };
}
