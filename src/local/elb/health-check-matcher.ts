/**
 * The health check `Matcher.HttpCode` of a target group: which response codes count as healthy.
 *
 * Fidelity (aws-behavior.md §2.2): accepts the documented forms, a single code (`200`), a list
 * (`200,302`) and a range (`200-299`), and mixes of them, with codes 200 to 499 for HTTP health
 * checks. `GrpcCode` matchers are not emulated.
 */

import { WharfError } from '../../errors.js';

/** Tests a response status against a parsed matcher. */
export type StatusMatcher = (status: number) => boolean;

const MIN_CODE = 200;
const MAX_CODE = 499;

/**
 * Parses `Matcher.HttpCode`, e.g. `200`, `200-299` or `200,302`.
 *
 * @throws WharfError `WHARF_ELB_MATCHER_INVALID` when a part is not a code or range in 200–499.
 */
export function parseHealthCheckMatcher(text: string): StatusMatcher {
  const ranges: Array<readonly [number, number]> = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    const low = match ? Number(match[1]) : Number.NaN;
    const high = match?.[2] ? Number(match[2]) : low;
    if (!match || low < MIN_CODE || high > MAX_CODE || high < low) {
      throw new WharfError(
        'WHARF_ELB_MATCHER_INVALID',
        `Health check matcher '${text}' has an invalid part '${part}': use a code, a range 'low-high' or a comma-separated list, with codes from ${MIN_CODE} to ${MAX_CODE} (e.g. '200', '200-299', '200,302').`,
      );
    }
    ranges.push([low, high]);
  }
  if (ranges.length === 1) {
    const [low, high] = ranges[0];
    return (status) => status >= low && status <= high;
  }
  return (status) => ranges.some(([low, high]) => status >= low && status <= high);
}
