/**
 * Mocked CloudTrail (awsJson1_1): `LookupEvents` finds nothing. The toolkit sweeps CloudTrail
 * when it diagnoses a failed deployment; an empty answer is what AWS gives right after a failure,
 * before the events are delivered.
 */

import type { Action } from './protocol.js';

/** The CloudTrail actions. */
export function cloudTrailActions(): Record<string, Action> {
  return {
    LookupEvents: () => ({ Events: [] }),
  };
}
