/**
 * An EventBridge rule's `ScheduleExpression`: `rate(value unit)` or `cron(fields)`, parsed, and
 * the next time it fires. Pure: no clock, no I/O.
 *
 * Fidelity (aws-behavior-2.md §11.1): a rate's value is a positive whole number and its unit
 * `minute | minutes | hour | hours | day | days`, singular exactly when the value is 1
 * (`rate(1 hours)` and `rate(5 hour)` are refused, as on AWS); a rate starts when the rule is
 * created, so it first fires one period after that; cron fields are read by `cron-expression.ts`,
 * in UTC. Not reproduced: EventBridge Scheduler's `at(…)` and time zones (they belong to
 * `AWS::Scheduler::Schedule`, not to rules).
 */

import { type CronSchedule, CronSyntaxError, nextCronFire, parseCron } from './cron-expression.js';

/** A parse error of a schedule expression; the message says what is allowed. */
export class ScheduleSyntaxError extends Error {}

/** A parsed schedule. */
export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly expression: string; readonly periodMs: number }
  | { readonly kind: 'cron'; readonly expression: string; readonly cron: CronSchedule };

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

const RATE_HELP =
  'allowed: rate(<positive whole number> <unit>), the unit singular for 1 and plural otherwise ' +
  '(minute | minutes | hour | hours | day | days), e.g. rate(1 hour), rate(5 minutes)';

/**
 * Parses a `ScheduleExpression`. Throws a {@link ScheduleSyntaxError} saying what is allowed.
 *
 * @example parseScheduleExpression('rate(5 minutes)') // { kind: 'rate', periodMs: 300_000, … }
 * @example parseScheduleExpression('cron(0 10 * * ? *)') // every day at 10:00 UTC
 */
export function parseScheduleExpression(text: string): ScheduleExpression {
  const expression = text.trim();
  const rate = /^rate\((.*)\)$/s.exec(expression);
  if (rate) {
    const match = /^\s*(\d{1,9})\s+(minute|hour|day)(s?)\s*$/.exec(rate[1] ?? '');
    if (!match) throw new ScheduleSyntaxError(`not a rate expression; ${RATE_HELP}`);
    const value = Number(match[1]);
    const plural = match[3] === 's';
    if (value < 1) throw new ScheduleSyntaxError(`the value must be positive; ${RATE_HELP}`);
    if (plural !== value > 1) {
      throw new ScheduleSyntaxError(
        `the unit must be ${value === 1 ? 'singular when the value is 1' : 'plural when the value is above 1'}; ${RATE_HELP}`,
      );
    }
    const unit = match[2] as keyof typeof UNIT_MS;
    return { kind: 'rate', expression, periodMs: value * UNIT_MS[unit] };
  }
  const cron = /^cron\((.*)\)$/s.exec(expression);
  if (cron) {
    try {
      return { kind: 'cron', expression, cron: parseCron(cron[1] ?? '') };
    } catch (error) {
      if (error instanceof CronSyntaxError) throw new ScheduleSyntaxError(error.message);
      throw error;
    }
  }
  throw new ScheduleSyntaxError('allowed: rate(<value> <unit>) or cron(<six fields>), e.g. rate(5 minutes)');
}

/**
 * When the schedule fires next, strictly after `afterMs`: a rate every period counted from
 * `registeredAtMs` (when the rule was created), a cron at its next matching UTC minute.
 * `undefined` when a cron schedule never fires again.
 *
 * @example nextFire(parseScheduleExpression('rate(5 minutes)'), 0, 0) // 300_000
 * @example nextFire(parseScheduleExpression('rate(5 minutes)'), 300_000, 0) // 600_000
 */
export function nextFire(
  schedule: ScheduleExpression,
  afterMs: number,
  registeredAtMs: number,
): number | undefined {
  if (schedule.kind === 'cron') return nextCronFire(schedule.cron, afterMs);
  const periods = Math.max(0, Math.floor((afterMs - registeredAtMs) / schedule.periodMs)) + 1;
  return registeredAtMs + periods * schedule.periodMs;
}
