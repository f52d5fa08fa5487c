// Makes `npx wharf …` run this checkout's CLI, at once.
//
// npm links the bins of a project's dependencies into node_modules/.bin, never the project's own.
// So in Wharf's checkout `npx wharf` found no local bin, and npm installed the checkout as a
// package into its npx cache first (a `file:` install, its prepare script included: about a
// minute, and again for every clone). This script, run by `npm run build` (and so by `npm install`
// / `npm ci` through `prepare`), links node_modules/.bin/wharf to dist/cli/main.js as npm would
// for a dependency, and makes that file executable. npx looks in node_modules/.bin first.
//
// Idempotent; a no-op when node_modules is absent (a packed copy of Wharf has no use for it).

import { chmodSync, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const target = join(root, 'dist', 'cli', 'main.js');
const modules = join(root, 'node_modules');
const link = join(modules, '.bin', 'wharf');

if (!existsSync(modules)) process.exit(0);
if (!existsSync(target)) {
  process.stderr.write(`link-bin: ${relative(root, target)} is missing; run 'npm run build' first.\n`);
  process.exit(1);
}
chmodSync(target, 0o755);
const wanted = relative(dirname(link), target);
let current;
try {
  current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : '(not a link)';
} catch {
  current = undefined;
}
if (current !== wanted) {
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(wanted, link);
}
