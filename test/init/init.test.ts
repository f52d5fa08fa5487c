/**
 * `wharf init` as a library: the files of a new project, what it refuses (a folder that is not
 * empty, links on the way under --force), and that --force keeps every file it does not write.
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check/check.js';
import { isWharfError } from '../../src/errors.js';
import { initProject } from '../../src/init/init.js';
import { ROOT, tempDirsRemovedAfterEach } from '../support/cli.js';
import { scaffoldProject } from '../support/init-project.js';

const FILES = [
  'package.json',
  'cdk.json',
  'app.ts',
  '.gitignore',
  'app/Dockerfile',
  'app/.dockerignore',
  'app/server.mjs',
  'app/server.test.mjs',
  'README.md',
];
const installed = (name: string) =>
  (createRequire(join(ROOT, 'package.json'))(`${name}/package.json`) as { version: string }).version;

/** Every file under `dir` with its content (links as `-> target`), for before/after comparisons. */
function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const key = relative(dir, path);
      if (entry.isSymbolicLink()) result[key] = '-> link';
      else if (entry.isDirectory()) {
        result[`${key}/`] = '';
        walk(path);
      } else result[key] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return result;
}

function thrown(action: () => unknown): Error & { code?: string } {
  try {
    action();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('initProject', () => {
  const temp = tempDirsRemovedAfterEach('wharf-init-');

  it('writes a project into a new folder: package.json links this Wharf and pins its aws-cdk-lib and constructs', () => {
    const dir = join(temp(), 'orders-api');
    const result = initProject({ dir });
    expect(result).toMatchObject({
      dir,
      pattern: 'api-gateway',
      serviceName: 'orders-api',
      nameSource: 'folder',
      stackId: 'OrdersApi',
      wharfDir: ROOT,
    });
    expect(result.files).toEqual(FILES.map((path) => ({ path, action: 'created' })));
    expect(Object.keys(snapshot(dir)).sort()).toEqual([...FILES, 'app/'].sort());

    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: 'orders-api',
      private: true,
      type: 'module',
      scripts: { test: 'node --test app/server.test.mjs && wharf check' },
      dependencies: {
        wharf: `file:${ROOT}`,
        'aws-cdk-lib': installed('aws-cdk-lib'),
        constructs: installed('constructs'),
      },
      devDependencies: { tsx: `^${installed('tsx')}` },
    });
    expect(JSON.parse(readFileSync(join(dir, 'cdk.json'), 'utf8'))).toEqual({ app: 'npx tsx app.ts' });
    const app = readFileSync(join(dir, 'app.ts'), 'utf8');
    expect(app).toContain("import { ApiGatewayFargateService } from 'wharf';");
    expect(app).toContain("new Stack(app, 'OrdersApi'");
    expect(app).toContain("serviceName: 'orders-api',");
    expect(app).toContain("image: { directory: 'app' },");
    expect(app).toContain("localCommand: 'node server.mjs',");
    expect(readFileSync(join(dir, 'app/Dockerfile'), 'utf8')).toMatch(/^FROM node:22-alpine$/m);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('npm install && npx wharf dev\nnpm test\n');
    expect(readme).toContain(`"wharf": "file:${ROOT}"`);
    expect(statSync(join(dir, 'app/server.mjs')).mode & 0o777).toBe(0o644);
  });

  it('--pattern alb: a LoadBalancedFargateService whose target group asks /health', () => {
    const dir = temp();
    const result = initProject({ dir, pattern: 'alb', name: 'web_2' });
    expect(result).toMatchObject({
      pattern: 'alb',
      serviceName: 'web_2',
      nameSource: 'flag',
      stackId: 'Web2',
    });
    const app = readFileSync(join(dir, 'app.ts'), 'utf8');
    expect(app).toContain("import { LoadBalancedFargateService } from 'wharf';");
    expect(app).toContain("loadBalancer: { healthCheck: { path: '/health' } },");
    expect(app).not.toContain('healthCheck: {\n      command');
  });

  it('refuses a folder that is not empty and writes nothing', () => {
    const dir = temp();
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'server.mjs'), '// mine\n');
    const before = snapshot(dir);
    const error = thrown(() => initProject({ dir, name: 'svc' }));
    expect(isWharfError(error) && error.code).toBe('WHARF_INIT_NOT_EMPTY');
    expect(error.message).toBe(
      `wharf init: ${dir} is not empty (2 entries: "app", "notes.txt"); nothing was written. ` +
        'Give a new or empty folder, or --force to write the project files into it (files of the same name are replaced, others kept).',
    );
    expect(snapshot(dir)).toEqual(before);
  });

  it('takes a folder holding only .git as empty (a fresh git init)', () => {
    const dir = temp();
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    expect(initProject({ dir }).files).toHaveLength(FILES.length);
    expect(readFileSync(join(dir, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
  });

  it('with force, replaces the files it writes and keeps every other file', () => {
    const dir = temp();
    writeFileSync(join(dir, 'README.md'), '# my notes\n');
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'extra.mjs'), '// mine\n');
    const result = initProject({ dir, force: true, name: 'svc' });
    expect(result.files.find((f) => f.path === 'README.md')?.action).toBe('overwritten');
    expect(result.files.filter((f) => f.action === 'overwritten')).toHaveLength(1);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/^# svc\n/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(dir, 'app', 'extra.mjs'), 'utf8')).toBe('// mine\n');
  });

  it('with force, refuses a symbolic link on a project path (the write would land elsewhere), writing nothing', () => {
    const dir = temp();
    const elsewhere = temp();
    symlinkSync(elsewhere, join(dir, 'app'));
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const before = snapshot(dir);
    const error = thrown(() => initProject({ dir, force: true }));
    expect(error.message).toBe(
      `wharf init: ${join(dir, 'app')} is a symbolic link; wharf init does not write through links (the file would land elsewhere). Remove it or choose another folder; nothing was written.`,
    );
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('with force, refuses a folder where the project has a file, writing nothing', () => {
    const dir = temp();
    mkdirSync(join(dir, 'app.ts'));
    const error = thrown(() => initProject({ dir, force: true }));
    expect(error.message).toBe(
      `wharf init: ${join(dir, 'app.ts')} exists and is not a file; nothing was written.`,
    );
    expect(snapshot(dir)).toEqual({ 'app.ts/': '' });
  });

  it('refuses a file given as the folder', () => {
    const file = join(temp(), 'file');
    writeFileSync(file, '');
    expect(() => initProject({ dir: file })).toThrow(`wharf init: ${file} is a file, not a folder.`);
  });

  it('makes a service whose own tests pass (node --test: /, /health, 404, SIGTERM)', () => {
    const dir = temp();
    initProject({ dir, name: 'greeter' });
    const run = spawnSync(process.execPath, ['--test', 'app/server.test.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stdout).toMatch(/^# pass 2$/m);
    expect(run.stdout).toMatch(/^# fail 0$/m);
    expect(run.status).toBe(0);
  });

  for (const pattern of ['api-gateway', 'alb'] as const) {
    it(`makes an app that passes wharf check with no error or warning (--pattern ${pattern})`, async () => {
      const project = scaffoldProject('inventory', { pattern });
      try {
        const result = await check({ dir: project.dir });
        expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
        expect(result.passed).toBe(true);
      } finally {
        rmSync(join(project.dir, '..'), { recursive: true, force: true });
      }
    }, 60_000);
  }
});
