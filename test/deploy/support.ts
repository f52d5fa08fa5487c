/**
 * Helpers of the `wharf deploy/diff/outputs/destroy` tests, against a mocked AWS endpoint started
 * in the test process: {@link wharfAgainst} runs the CLI's `main` from `src/` in this process (the
 * argv → options → library call → exit code path, without a child process or `dist/`), and
 * {@link builtWharfAgainst} runs the built CLI in a child process, for the few tests whose subject
 * is the installed program itself.
 */

import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ROOT, runWharfAsync, tempDir, type WharfRun } from '../support/cli.js';
import { runMain } from '../support/in-process-cli.js';
import { type MockAws, type MockAwsOptions, startMockAws } from '../support/mock-aws/index.js';

/** The seeds-shaped API Gateway app (SAM parent with four nested applications). */
export const SEEDS_API_GATEWAY = 'test/fixtures/seeds-like/api-gateway/parent.yml';
/** The seeds-shaped ALB app. */
export const SEEDS_ALB = 'test/fixtures/seeds-like/alb/parent.yml';

/** Variables of a developer's shell that would point the SDK elsewhere; removed for the child. */
const FOREIGN_AWS_ENV = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
];

/** The environment a run against `mock` sees: the mock's, without a developer's AWS settings. */
function envFor(
  mock: MockAws,
  extraEnv: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = Object.fromEntries(
    FOREIGN_AWS_ENV.map((k) => [k, undefined]),
  );
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_ENDPOINT_URL_')) env[key] = undefined;
  return { ...env, NO_COLOR: '1', ...mock.env, ...extraEnv };
}

/**
 * Runs `wharf <args>` in this process (the CLI's `main` from `src/`, output captured, exit code
 * returned) with the SDK pointed at `mock`. The environment is swapped for the run and restored
 * after it; runs of one test file never overlap (vitest runs a file's tests one at a time).
 */
export async function wharfAgainst(
  mock: MockAws,
  args: string[],
  extraEnv: Record<string, string | undefined> = {},
): Promise<WharfRun> {
  const env = envFor(mock, extraEnv);
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  set(env);
  try {
    return await runMain(args);
  } finally {
    set(saved);
  }
}

/** Runs the built `wharf` (dist/) in a child process with the SDK pointed at `mock`. */
export function builtWharfAgainst(
  mock: MockAws,
  args: string[],
  extraEnv: Record<string, string | undefined> = {},
): Promise<WharfRun> {
  return runWharfAsync(args, { env: envFor(mock, extraEnv) });
}

/** Copies a fixture folder into a temporary one (for tests that edit templates). */
export function copyFixtureDir(relativeDir: string): string {
  const dir = tempDir('wharf-deploy-');
  cpSync(join(ROOT, relativeDir), dir, { recursive: true });
  return dir;
}

/** Every CloudFormation action the mock saw, in order. */
export function cfnActions(mock: MockAws): string[] {
  return mock.actions('cloudformation');
}

/** Poll fast: the mocked AWS answers in milliseconds. */
export const FAST = ['--poll-interval', '100'];

/**
 * Returns a function that starts a mocked AWS endpoint for the current test; the endpoint is
 * closed after the test (call once per test file, at the top level).
 */
export function useMockAws(): (options?: MockAwsOptions) => Promise<MockAws> {
  let current: MockAws | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options = {}) => {
    await current?.close();
    current = await startMockAws(options);
    return current;
  };
}
