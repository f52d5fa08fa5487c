/**
 * Vitest global setup: refuses to run the tests when `dist/` is older than `src/`. Several tests
 * run the built CLI (`dist/cli/main.js`) in a child process, and the CDK examples import 'wharf'
 * from `dist/`: after an edit of `src/` without `npm run build` they would test the previous build
 * and pass or fail for reasons that are not in the code under review. `npm test` builds first.
 */

import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './cli.js';

/** `src/` files whose built `.js` is missing or older than them (paths relative to the root). */
export function staleBuildOutputs(root = ROOT): string[] {
  const stale: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const built = join(root, 'dist', relative(join(root, 'src'), path)).replace(/\.ts$/, '.js');
        let builtTime: number;
        try {
          builtTime = statSync(built).mtimeMs;
        } catch {
          stale.push(relative(root, path));
          continue;
        }
        if (statSync(path).mtimeMs > builtTime) stale.push(relative(root, path));
      }
    }
  };
  walk(join(root, 'src'));
  return stale;
}

/** Throws, naming the first stale files, when `dist/` is older than `src/`. */
export default function checkDistIsFresh(): void {
  const stale = staleBuildOutputs();
  if (stale.length === 0) return;
  const listed = stale.slice(0, 5).join(', ') + (stale.length > 5 ? ` and ${stale.length - 5} more` : '');
  throw new Error(
    `dist/ is older than src/ (${listed} changed after the last build): run \`npm run build\` first (npm test does).`,
  );
}
