/** Catching the error a library call throws, for tests that assert on its code and message. */

import { isWharfError, PropsValidationError, type TemplateError } from '../../src/errors.js';

/**
 * The Wharf error `run` throws, typed as the template error these tests expect; anything else it
 * throws is rethrown, and a call that throws nothing fails the test.
 */
export function failure(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (isWharfError(error)) return error as TemplateError;
    throw error;
  }
  throw new Error('expected a TemplateError, but nothing was thrown');
}

/**
 * The `PropsValidationError` a construct throws while `build` runs; anything else it throws is
 * rethrown, and a build that throws nothing fails the test.
 */
export function propsFailure(build: () => unknown): PropsValidationError {
  try {
    build();
  } catch (error) {
    if (error instanceof PropsValidationError) return error;
    throw error;
  }
  throw new Error('expected a PropsValidationError, but nothing was thrown');
}

/** The error an AWS SDK call rejects with: its AWS error code and message; a call that succeeds fails the test. */
export async function awsRefusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return { code: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('the call succeeded; expected AWS to refuse it');
}
