/**
 * `--json` failures: every command with a `--json` option prints one JSON document on stdout when
 * it fails, `{ ok: false, error: { code, message, nextSteps } }`, as `wharf deploy` always did.
 * Runs `main` in-process with captured streams; every case fails on bad input before any work.
 */

import { describe, expect, it } from 'vitest';
import { jsonFailure } from '../../src/cli/command.js';
import { COMMANDS, main } from '../../src/cli/main.js';
import { UsageError } from '../../src/errors.js';

async function wharf(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    (text) => {
      stdout += text;
    },
    (text) => {
      stderr += text;
    },
  );
  return { code, stdout, stderr };
}

interface Failure {
  ok: boolean;
  error: { code: string; message: string; nextSteps: string[] };
}

describe('--json failures', () => {
  const cases: [string, string[], string][] = [
    ['init', ['init', '--pattern', 'nope', '--json'], "--pattern 'nope' is not allowed"],
    ['synth', ['synth', '--json'], '--out <dir> is required'],
    ['check', ['check', 'test/fixtures/no-such-folder', '--json'], 'no-such-folder'],
    ['cost', ['cost', '--requests', '10 parsecs', '--json'], "--requests '10 parsecs'"],
    ['diagram', ['diagram', '--template', 'test/fixtures/nope/parent.yml', '--json'], 'nope/parent.yml'],
    ['dev', ['dev', '--template', 'a.yml', '--watch', '--json'], '--watch re-synthesizes a CDK app'],
    ['diff', ['diff', '--region', 'moon', '--json'], "--region 'moon' is not a region name"],
    ['deploy', ['deploy', '--region', 'moon', '--json'], "--region 'moon' is not a region name"],
    ['outputs', ['outputs', '--region', 'moon', '--json'], "--region 'moon' is not a region name"],
    ['destroy', ['destroy', '--yes', '--region', 'moon', '--json'], "--region 'moon' is not a region name"],
    ['bootstrap', ['bootstrap', '--region', 'moon', '--json'], "--region 'moon' is not a region name"],
  ];

  it('covers every command that has a --json option', () => {
    const withJson = COMMANDS.filter((c) => c.options.json).map((c) => c.name);
    expect(withJson.sort()).toEqual(cases.map(([name]) => name).sort());
  });

  it.each(cases)('wharf %s prints the error as JSON on stdout and exits 2', async (_name, argv, message) => {
    const run = await wharf(argv);
    expect(run.code).toBe(2);
    const failure = JSON.parse(run.stdout) as Failure;
    expect(failure.ok).toBe(false);
    expect(failure.error.code).toMatch(/^WHARF_/);
    expect(failure.error.message).toContain(message);
    expect(failure.error.nextSteps).toEqual([]);
    // People still read the error on stderr.
    expect(run.stderr).toContain(`error: ${failure.error.message}`);
  });

  it('prints JSON for arguments the parser rejects, too', async () => {
    const run = await wharf(['outputs', '--json', '--no-such-flag']);
    expect(run.code).toBe(2);
    const failure = JSON.parse(run.stdout) as Failure;
    expect(failure.error).toMatchObject({
      code: 'WHARF_USAGE',
      message: expect.stringContaining('--no-such-flag'),
    });
  });

  it('leaves stdout empty on failure without --json', async () => {
    const run = await wharf(['outputs', '--region', 'moon']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("--region 'moon'");
  });

  it('names a bug WHARF_INTERNAL and keeps the next steps and partial result an error carries', () => {
    expect(JSON.parse(jsonFailure(new TypeError('x is undefined')))).toEqual({
      ok: false,
      error: { code: 'WHARF_INTERNAL', message: 'x is undefined', nextSteps: [] },
    });
    const partial = Object.assign(new UsageError('chart not written'), {
      nextSteps: ['apt-get install librsvg2-bin'],
      result: [{ total: 1 }],
    });
    expect(JSON.parse(jsonFailure(partial))).toEqual({
      ok: false,
      error: {
        code: 'WHARF_USAGE',
        message: 'chart not written',
        nextSteps: ['apt-get install librsvg2-bin'],
      },
      result: [{ total: 1 }],
    });
  });
});
