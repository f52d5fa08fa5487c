/**
 * `wharf dev --scaling-speed`: a value outside 1 to 600 (whole numbers) exits 2 naming the flag
 * and what is allowed, before anything starts. In-process: nothing starts, so spawning the CLI
 * would only add its start-up (`dev.test.ts` checks `--help` lists the flag).
 */

import { describe, expect, it } from 'vitest';
import { runMain } from '../support/in-process-cli.js';

const TEMPLATE = 'test/fixtures/scaling/alb-cpu.yml';

describe('wharf dev --scaling-speed: bad values exit 2', () => {
  it.each(['0', '601', '1.5', 'fast', '-60'])('--scaling-speed %s', async (value) => {
    const result = await runMain([
      'dev',
      '--template',
      TEMPLATE,
      '--runtime',
      'docker',
      `--scaling-speed=${value}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `--scaling-speed '${value}' is not allowed; allowed: an integer from 1 to 600`,
    );
    expect(result.stdout).toBe('');
  });
});
