/**
 * Task processes get an allowlisted environment: their definition's `Environment`, the task
 * variables Wharf sets, `--pass-env` variables, and only `PATH`, `HOME`, `TMPDIR`, `TZ`, `LANG`,
 * `LANGUAGE` and `LC_*` of the host; never the user's AWS credentials or anything else.
 */

import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { ProcessRuntime } from '../../../src/local/runtime/process.js';
import {
  isAllowlisted,
  passedEnvironment,
  processEnvironment,
} from '../../../src/local/runtime/process-environment.js';
import { tempDir } from '../../support/cli.js';
import { containerConfig, RecordingEvents, taskSpec, waitUntil } from './support.js';

const SECRET = 'wharf-test-secret-value-7f3a';
/** Host variables set for these tests; only LC_TIME and TZ may reach a task. */
const HOST_EXTRA: Record<string, string> = {
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_ACCESS_KEY_ID: 'AKIAWHARFTEST',
  AWS_SESSION_TOKEN: SECRET,
  GITHUB_TOKEN: SECRET,
  WHARF_TEST_UNLISTED: 'unlisted',
  LC_TIME: 'C',
  TZ: 'UTC',
};

describe('task process environment', () => {
  const stateDir = tempDir('wharf-env-runs-');
  const saved: Record<string, string | undefined> = {};
  const runtime = new ProcessRuntime({ runId: 'env-test', stateDir });

  beforeEach(() => {
    for (const [name, value] of Object.entries(HOST_EXTRA)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('a real task process sees only its definition, the task variables, --pass-env and the allowlist', async () => {
    const events = new RecordingEvents();
    const spec = taskSpec(
      'env-test',
      [
        containerConfig({
          name: 'web',
          image: 'unused',
          containerPorts: [8080],
          environment: { GREETING: 'hello', TZ: 'Europe/Paris' },
          localCommand: 'exec env',
        }),
      ],
      // What `--pass-env WHARF_PASSED` puts in every task.
      { environment: { WHARF_PASSED: 'yes' } },
    );
    await runtime.start(spec, events);
    await waitUntil('the process to exit', () => events.exits.length > 0);
    const printed = Object.fromEntries(
      events.logs.map((log) => [
        log.line.slice(0, log.line.indexOf('=')),
        log.line.slice(log.line.indexOf('=') + 1),
      ]),
    );

    const hostAllowed = Object.keys(process.env).filter(isAllowlisted);
    const expected = new Set([
      ...hostAllowed,
      'GREETING',
      'WHARF_PASSED',
      'HOST',
      'WHARF_TASK_ID',
      'PORT',
      'PORT_8080',
      'PWD', // set by sh itself from the working folder
    ]);
    expect(new Set(Object.keys(printed))).toEqual(expected);
    expect(printed.PATH).toBe(process.env.PATH);
    expect(printed.LC_TIME).toBe('C');
    expect(printed.TZ).toBe('Europe/Paris'); // the definition's value wins over the host's
    expect(printed.WHARF_PASSED).toBe('yes');
    expect(printed.WHARF_TASK_ID).toBe(spec.taskId);
    for (const log of events.logs) expect(log.line).not.toContain(SECRET);
    expect(printed).not.toHaveProperty('AWS_ACCESS_KEY_ID');
    expect(printed).not.toHaveProperty('WHARF_TEST_UNLISTED');
  });

  it('builds the same environment as a pure function of the host environment', () => {
    const spec = taskSpec('t', [containerConfig({ name: 'web', image: 'x', environment: { A: '1' } })]);
    const env = processEnvironment(spec, spec.containers[0] as never, new Map(), {
      PATH: '/bin',
      HOME: '/home/u',
      LC_ALL: 'C.UTF-8',
      LANG: 'C',
      AWS_PROFILE: 'prod',
      SSH_AUTH_SOCK: '/tmp/agent',
      USER: 'u',
    });
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/home/u',
      LC_ALL: 'C.UTF-8',
      LANG: 'C',
      A: '1',
      HOST: '127.0.0.1',
      WHARF_TASK_ID: spec.taskId,
    });
  });
});

describe('--pass-env', () => {
  it('takes the host values of the named variables and lists the unset ones', () => {
    expect(passedEnvironment(['AWS_PROFILE', 'NOPE', '_X1'], { AWS_PROFILE: 'dev', _X1: '' })).toEqual({
      environment: { AWS_PROFILE: 'dev', _X1: '' },
      unset: ['NOPE'],
    });
  });

  it.each(['', '1ABC', 'A-B', 'A=B', 'A B'])('rejects %j, which is not a variable name', (name) => {
    let error: unknown;
    try {
      passedEnvironment([name], {});
    } catch (caught) {
      error = caught;
    }
    expect(isWharfError(error) && error.code).toBe('WHARF_USAGE');
    expect((error as Error).message).toContain('is not a variable name');
  });
});
