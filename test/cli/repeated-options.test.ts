/**
 * A single-valued option given twice is a usage error (exit 2) on every command, never "the last
 * one wins"; commands that take one template say to run once per template. In-process: the
 * arguments are refused before anything is loaded or any AWS call is made.
 */
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/in-process-cli.js';

describe('a repeated single-valued option', () => {
  it.each(['deploy', 'diff', 'outputs', 'destroy'])(
    'wharf %s --template a.yml --template b.yml exits 2, saying to run once per template',
    async (command) => {
      const run = await runMain([command, '--template', 'a.yml', '--template', 'b.yml']);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `error: wharf ${command}: --template is given more than once; it takes one value. One template is one stack here (--stack-name names it): run the command once per template, the one that exports values first. Run 'wharf ${command} --help'.\n`,
      );
    },
  );

  it.each([
    ['dev', '--runtime', 'docker', 'process'],
    ['dev', '--timeout', '5', '10'],
    ['cost', '--requests', '1M/month', '2M/month'],
    ['diagram', '--format', 'svg', 'png'],
    ['check', '--app', 'a', 'b'],
  ])('wharf %s %s twice exits 2', async (command, flag, first, second) => {
    const run = await runMain([command, flag, first, flag, second]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: wharf ${command}: ${flag} is given more than once; it takes one value. Run 'wharf ${command} --help'.\n`,
    );
  });

  it('still takes a repeatable option many times (dev --template is parsed, then the missing file is named)', async () => {
    const run = await runMain([
      'dev',
      '--template',
      'missing-a.yml',
      '--template',
      'missing-b.yml',
      '--once',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('given more than once');
    expect(run.stderr).toMatch(/missing-a\.yml/);
  });
});
