/**
 * `wharf init` as a user runs it: exit codes, what it prints, and `--json`; and `npx wharf` in
 * Wharf's own checkout, which runs the checkout's CLI from node_modules/.bin without installing.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runWharf, tempDirsRemovedAfterEach } from '../support/cli.js';

describe('wharf init', () => {
  const temp = tempDirsRemovedAfterEach('wharf-init-cli-');

  it('creates the project, lists each file written and prints the next commands', () => {
    const parent = temp();
    const result = runWharf(['init', 'orders', '--pattern', 'alb'], { cwd: parent });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Created a Wharf project in ${join(parent, 'orders')}: service 'orders' (from the folder's name; --name to choose another), public ALB pattern, stack Orders.\n` +
        [
          'package.json',
          'cdk.json',
          'app.ts',
          '.gitignore',
          'app/Dockerfile',
          'app/.dockerignore',
          'app/server.mjs',
          'app/server.test.mjs',
          'README.md',
        ]
          .map((file) => `  created     ${file}\n`)
          .join('') +
        `Wharf is linked from ${ROOT} (a file: dependency while Wharf is not published to npm).\n\n` +
        'Next:\n  cd orders\n  npm install && npx wharf dev\n  npm test\n',
    );
  });

  it('--json: the files written, the choices made and the next commands', () => {
    const dir = temp();
    writeFileSync(join(dir, 'README.md'), '# mine\n');
    const result = runWharf(['init', '.', '--name', 'api', '--force', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      dir,
      pattern: 'api-gateway',
      serviceName: 'api',
      nameSource: 'flag',
      stackId: 'Api',
      wharfDir: ROOT,
      next: ['npm install && npx wharf dev', 'npm test'],
    });
    expect(report.files).toHaveLength(9);
    expect(report.files).toContainEqual({ path: 'README.md', action: 'overwritten' });
    expect(report.files).toContainEqual({ path: 'app/server.mjs', action: 'created' });
  });

  it('exits 2 for a folder that is not empty, and writes nothing', () => {
    const dir = temp();
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const result = runWharf(['init', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: wharf init: ${dir} is not empty (1 entry: "notes.txt"); nothing was written. ` +
        'Give a new or empty folder, or --force to write the project files into it (files of the same name are replaced, others kept).\n',
    );
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('exits 2 for a bad --name, naming the flag and what is allowed, and creates nothing', () => {
    const dir = join(temp(), 'new');
    const result = runWharf(['init', dir, '--name', 'orders api']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: wharf init: --name "orders api" is not allowed; allowed: 1-63 letters, digits, hyphens and underscores, starting and ending with a letter or digit.\n',
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('exits 2 for a --pattern it does not know', () => {
    const result = runWharf(['init', join(temp(), 'x'), '--pattern', 'nlb']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: wharf init: --pattern 'nlb' is not allowed; allowed: api-gateway, alb.\n",
    );
  });
});

describe('npx wharf in Wharf’s own checkout', () => {
  it('runs the checkout’s CLI through node_modules/.bin (linked by the build), without installing anything', () => {
    expect(realpathSync(join(ROOT, 'node_modules/.bin/wharf'))).toBe(join(ROOT, 'dist/cli/main.js'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
    // --no: npx fails instead of installing when the command is not already there; -- ends npx's own options.
    const result = spawnSync('npx', ['--no', '--', 'wharf', '--version'], {
      cwd: join(ROOT, 'examples', 'node-service'),
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('0.1.0\n');
    expect(result.status).toBe(0);
  });
});
