/** Catching the error a library call throws, for tests that assert on its code and message. */

import { isWharfError, type TemplateError } from '../../src/errors.js';

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
