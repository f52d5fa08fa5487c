/**
 * Rewrites README.md's list of what `wharf dev` emulates from the coverage tables
 * (`src/local/emulation-coverage.ts`, the resource types of `src/local/model.ts`).
 *
 *   npm run docs:emulation            # rewrite the block
 *   npm run docs:emulation -- --check # exit 1 when the block is out of date, change nothing
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEmulationCoverage, replaceCoverageBlock } from '../src/local/emulation-coverage-markdown.js';

const readmePath = join(import.meta.dirname, '..', 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const next = replaceCoverageBlock(readme, renderEmulationCoverage());
if (process.argv.includes('--check')) {
  if (next !== readme) {
    process.stderr.write(
      'README.md: the emulation coverage block is out of date; run npm run docs:emulation\n',
    );
    process.exitCode = 1;
  }
} else if (next !== readme) {
  writeFileSync(readmePath, next);
  process.stdout.write('README.md: emulation coverage block rewritten\n');
} else {
  process.stdout.write('README.md: emulation coverage block already up to date\n');
}
