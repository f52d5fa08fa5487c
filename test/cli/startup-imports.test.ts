/**
 * What loading the `wharf` CLI costs every command: the CDK toolkit and the AWS SDK (≈ 1.5 s of
 * imports) are loaded only by the AWS commands when they run, not by `wharf dev`, `check`, `cost`
 * and the rest. Checked in a fresh Node process on the built CLI (`dist/`), by the CommonJS modules
 * it has loaded; a structural check, not a timing one.
 */

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

/** The loaded CommonJS module paths matching `pattern`, after importing `modules` in a fresh process. */
function loadedAfterImporting(modules: readonly string[], pattern: string): string[] {
  const script = `
    import { createRequire } from 'node:module';
    for (const m of ${JSON.stringify(modules)}) await import(m);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    process.stdout.write(JSON.stringify(loaded.filter((k) => new RegExp(${JSON.stringify(pattern)}).test(k))));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as string[];
}

describe('wharf CLI start-up', () => {
  it('does not load the CDK toolkit or the AWS SDK until an AWS command runs', () => {
    expect(loadedAfterImporting(['./dist/cli/main.js'], '@aws-cdk/toolkit-lib|@aws-sdk/')).toEqual([]);
    // The check above can fail: the deploy library does load both.
    expect(loadedAfterImporting(['./dist/deploy/deploy.js'], '@aws-cdk/toolkit-lib').length).toBeGreaterThan(
      0,
    );
  });
});
