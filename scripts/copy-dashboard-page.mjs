// Copies the dashboard page's static files (src/local/dashboard/page/: HTML, CSS, the page's
// JavaScript) next to the compiled server in dist/, which serves them from there. Run by
// `npm run build` after tsc; the page has no build step of its own.

import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const from = join(root, 'src', 'local', 'dashboard', 'page');
const to = join(root, 'dist', 'local', 'dashboard', 'page');
if (!existsSync(from)) {
  process.stderr.write('copy-dashboard-page: src/local/dashboard/page is missing.\n');
  process.exit(1);
}
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
