/** The colour of a status in the progress view, by its severity (stacks, resources and images). */

import type { TextStyle } from './render-text.js';
import type { Severity } from './types.js';

/** Green done, yellow moving, red failed, magenta rolling back, dim otherwise. */
export function severityStyle(severity: Severity): TextStyle[] {
  switch (severity) {
    case 'complete':
      return ['green'];
    case 'progress':
      return ['yellow'];
    case 'failed':
      return ['red'];
    case 'rollback':
      return ['magenta'];
    case 'cancelled':
    case 'skipped':
    case 'pending':
      return ['dim'];
  }
}
