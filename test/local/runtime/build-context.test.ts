/**
 * The build context of an image built from a folder: what Docker gets after `.dockerignore`, and
 * the content hash the local image is tagged with.
 */

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashBuildContext, listBuildContext } from '../../../src/local/runtime/build-context.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wharf-context-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'node_modules', 'left-pad'), { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . .\n');
  writeFileSync(join(dir, 'src', 'server.js'), 'console.log(1)\n');
  writeFileSync(join(dir, 'src', 'debug.log'), 'noise\n');
  writeFileSync(join(dir, 'node_modules', 'left-pad', 'index.js'), '//\n');
  writeFileSync(join(dir, 'README.md'), '# readme\n');
  writeFileSync(join(dir, '.dockerignore'), 'node_modules\n**/*.log\n*.md\n!KEEP.md\nDockerfile\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const paths = async () => (await listBuildContext(dir)).entries.map((e) => e.path);
const hash = async (inputs = {}) => hashBuildContext(await listBuildContext(dir), inputs);

describe('build context', () => {
  it('leaves out what .dockerignore excludes, nested patterns and folders included', async () => {
    expect(await paths()).toEqual(['.dockerignore', 'Dockerfile', 'src', 'src/server.js']);
  });

  it('keeps an exception (!KEEP.md) and always sends the Dockerfile and .dockerignore, even when excluded', async () => {
    writeFileSync(join(dir, 'KEEP.md'), 'kept\n');
    expect(await paths()).toContain('KEEP.md');
    expect(await paths()).toContain('Dockerfile');
  });

  it('hashes the same when an ignored file changes, or a file is saved unchanged (mtime only)', async () => {
    const before = await hash();
    writeFileSync(join(dir, 'README.md'), '# changed, but ignored\n');
    writeFileSync(join(dir, 'src', 'debug.log'), 'more noise\n');
    utimesSync(join(dir, 'src', 'server.js'), new Date(), new Date(Date.now() + 60_000));
    expect(await hash()).toBe(before);
  });

  it('hashes differently when a sent file, the build arguments, the target or the platform change', async () => {
    const base = await hash();
    expect(await hash({ buildArgs: { A: '1' } })).not.toBe(base);
    expect(await hash({ target: 'prod' })).not.toBe(base);
    expect(await hash({ platform: 'linux/arm64' })).not.toBe(base);
    writeFileSync(join(dir, 'src', 'server.js'), 'console.log(2)\n');
    expect(await hash()).not.toBe(base);
  });

  it('rejects a Dockerfile outside the folder or missing, naming the path', async () => {
    await expect(listBuildContext(dir, '../Dockerfile')).rejects.toThrow(/is not inside the build folder/);
    await expect(listBuildContext(dir, 'Dockerfile.prod')).rejects.toThrow(
      `no Dockerfile at ${join(dir, 'Dockerfile.prod')}`,
    );
  });
});
