/**
 * EventBridge schedule expressions against the documented rules (aws-behavior-2.md §11.1): the
 * examples of AWS's cron table fire when AWS says they do, rates follow the singular/plural rule
 * and count from the rule's creation, and what AWS refuses is refused with what is allowed.
 */

import { describe, expect, it } from 'vitest';
import { nextCronFire, parseCron } from '../../../src/local/events/cron-expression.js';
import {
  nextFire,
  parseScheduleExpression,
  ScheduleSyntaxError,
} from '../../../src/local/events/schedule-expression.js';

/** The next `count` fire times after `from`, as ISO strings without seconds. */
function fires(expression: string, from: string, count = 3): string[] {
  const schedule = parseScheduleExpression(expression);
  const out: string[] = [];
  let after = Date.parse(from);
  for (let i = 0; i < count; i++) {
    const next = nextFire(schedule, after, Date.parse(from));
    if (next === undefined) break;
    out.push(new Date(next).toISOString().slice(0, 16));
    after = next;
  }
  return out;
}

describe('cron: the examples of the EventBridge cron table (§11.1)', () => {
  // 2026-01-01 is a Thursday.
  it.each([
    [
      'cron(0 10 * * ? *)',
      'every day at 10:00',
      ['2026-01-01T10:00', '2026-01-02T10:00', '2026-01-03T10:00'],
    ],
    [
      'cron(15 12 * * ? *)',
      'every day at 12:15',
      ['2026-01-01T12:15', '2026-01-02T12:15', '2026-01-03T12:15'],
    ],
    [
      'cron(0 18 ? * MON-FRI *)',
      '18:00 Monday to Friday (Thu, Fri, then Mon)',
      ['2026-01-01T18:00', '2026-01-02T18:00', '2026-01-05T18:00'],
    ],
    [
      'cron(0 8 1 * ? *)',
      '08:00 on the first of each month',
      ['2026-01-01T08:00', '2026-02-01T08:00', '2026-03-01T08:00'],
    ],
    [
      'cron(0/15 * * * ? *)',
      'every 15 minutes',
      ['2026-01-01T00:15', '2026-01-01T00:30', '2026-01-01T00:45'],
    ],
    [
      'cron(0/5 8-17 ? * MON-FRI *)',
      'every 5 minutes from 8:00 to 17:55 on weekdays',
      ['2026-01-01T08:00', '2026-01-01T08:05', '2026-01-01T08:10'],
    ],
    [
      'cron(0 9 ? * 2#1 *)',
      '09:00 on the first Monday of each month',
      ['2026-01-05T09:00', '2026-02-02T09:00', '2026-03-02T09:00'],
    ],
  ])('%s fires %s', (expression, _meaning, expected) => {
    expect(fires(expression, '2026-01-01T00:00:00Z')).toEqual(expected);
  });

  it('every 10 minutes Monday to Friday skips the weekend (Friday 23:50 → Monday 00:00)', () => {
    expect(fires('cron(0/10 * ? * MON-FRI *)', '2026-01-02T23:45:00Z', 2)).toEqual([
      '2026-01-02T23:50',
      '2026-01-05T00:00',
    ]);
  });

  it('0/5 8-17 ends at 17:55 and starts again at 8:00 the next weekday', () => {
    expect(fires('cron(0/5 8-17 ? * MON-FRI *)', '2026-01-02T17:50:00Z', 2)).toEqual([
      '2026-01-02T17:55',
      '2026-01-05T08:00',
    ]);
  });

  it('1/10 in Minutes is minutes 1, 11, 21, … (the documented increment example)', () => {
    expect([...parseCron('1/10 * * * ? *').minutes]).toEqual([1, 11, 21, 31, 41, 51]);
  });

  it('fires strictly after the given time, at second 0 of the minute', () => {
    expect(nextCronFire(parseCron('0 10 * * ? *'), Date.UTC(2026, 0, 1, 10, 0, 0))).toBe(
      Date.UTC(2026, 0, 2, 10, 0),
    );
    expect(nextCronFire(parseCron('* * * * ? *'), Date.UTC(2026, 0, 1, 10, 0, 30))).toBe(
      Date.UTC(2026, 0, 1, 10, 1),
    );
  });
});

describe('cron: L, W, # and names', () => {
  it('L in Day-of-month is the last day of each month, February of a leap year included', () => {
    expect(fires('cron(0 0 L * ? 2028)', '2028-01-15T00:00:00Z')).toEqual([
      '2028-01-31T00:00',
      '2028-02-29T00:00',
      '2028-03-31T00:00',
    ]);
  });

  it('6L in Day-of-week is the last Friday of the month; L alone is Saturday', () => {
    expect(fires('cron(15 10 ? * 6L 2019-2022)', '2022-10-01T00:00:00Z')).toEqual([
      '2022-10-28T10:15',
      '2022-11-25T10:15',
      '2022-12-30T10:15',
    ]);
    // …and nothing after the last year of the Year field.
    expect(fires('cron(15 10 ? * 6L 2019-2022)', '2022-12-31T00:00:00Z')).toEqual([]);
    expect(fires('cron(0 0 ? * L *)', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-03T00:00']);
  });

  it('nW is the weekday nearest to day n, without leaving the month', () => {
    // 2026-01-03 is a Saturday → Friday the 2nd; 2026-02-01 is a Sunday → Monday the 2nd;
    // 2026-08-01 is a Saturday: 1W does not go back to July, it is Monday the 3rd.
    expect(fires('cron(0 0 3W * ? *)', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-02T00:00']);
    expect(fires('cron(0 0 1W * ? *)', '2026-01-31T00:00:00Z', 1)).toEqual(['2026-02-02T00:00']);
    expect(fires('cron(0 0 1W * ? *)', '2026-07-31T00:00:00Z', 1)).toEqual(['2026-08-03T00:00']);
  });

  it('month and weekday names, case-insensitive, equal their numbers (1 = Sunday)', () => {
    expect(parseCron('0 0 ? JAN,mar SUN,sat *').months).toEqual(new Set([1, 3]));
    expect(parseCron('0 0 ? * SUN,sat *').dayOfWeek).toEqual({ kind: 'days', days: new Set([1, 7]) });
  });

  it('a range may wrap around the end of its field (22-2 in Hours)', () => {
    expect([...parseCron('0 22-2 * * ? *').hours].sort((a, b) => a - b)).toEqual([0, 1, 2, 22, 23]);
  });
});

describe('cron: what EventBridge refuses', () => {
  it.each([
    ['cron(0 10 * * *)', 'six fields'],
    ['cron(0 10 * * * *)', 'exactly one of Day-of-month and Day-of-week must be ?'],
    ['cron(0 10 ? * ? *)', 'exactly one of Day-of-month and Day-of-week must be ?'],
    ['cron(60 10 * * ? *)', 'Minutes field'],
    ['cron(0 24 * * ? *)', 'Hours field'],
    ['cron(0 0 32 * ? *)', 'Day-of-month field'],
    ['cron(0 0 ? 13 * *)', 'Month field'],
    ['cron(0 0 ? * 8 *)', 'Day-of-week field'],
    ['cron(0 0 ? * 0 *)', 'Day-of-week field'],
    ['cron(0 0 1 * ? 2200)', 'Year field'],
    ['cron(0 0 ? * 3#1,6#3 *)', "'#' takes one weekday"],
    ['cron(0 0 ? * */2 *)', "'/' is not allowed here"],
    ['cron(? 0 1 * ? *)', "'?' is only allowed in Day-of-month and Day-of-week"],
    ['cron(0 0 LW * ? *)', "'L', 'W' and '?' stand alone"],
    ['cron(0/0 * * * ? *)', 'an increment must be a whole number from 1'],
  ])('%s: %s', (expression, message) => {
    expect(() => parseScheduleExpression(expression)).toThrow(ScheduleSyntaxError);
    expect(() => parseScheduleExpression(expression)).toThrow(message);
  });
});

describe('rate expressions', () => {
  it('fire one period after the rule is created, then every period', () => {
    expect(fires('rate(5 minutes)', '2026-01-01T10:07:00Z')).toEqual([
      '2026-01-01T10:12',
      '2026-01-01T10:17',
      '2026-01-01T10:22',
    ]);
    expect(fires('rate(1 day)', '2026-01-01T10:07:00Z', 2)).toEqual(['2026-01-02T10:07', '2026-01-03T10:07']);
  });

  it('count periods from the creation even when asked late (no drift after a missed fire)', () => {
    const schedule = parseScheduleExpression('rate(1 hour)');
    expect(nextFire(schedule, 3 * 3_600_000 + 5, 0)).toBe(4 * 3_600_000);
  });

  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(2 minutes)', 120_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(12 hours)', 43_200_000],
    ['rate(7 days)', 604_800_000],
  ])('%s is every %d ms', (expression, periodMs) => {
    expect(parseScheduleExpression(expression)).toMatchObject({ kind: 'rate', periodMs });
  });

  it.each([
    ['rate(1 hours)', 'singular when the value is 1'],
    ['rate(5 hour)', 'plural when the value is above 1'],
    ['rate(0 minutes)', 'the value must be positive'],
    ['rate(1.5 hours)', 'not a rate expression'],
    ['rate(5 seconds)', 'not a rate expression'],
    ['rate(5minutes)', 'not a rate expression'],
    ['every 5 minutes', 'allowed: rate(<value> <unit>) or cron(<six fields>)'],
  ])('refuses %s: %s', (expression, message) => {
    expect(() => parseScheduleExpression(expression)).toThrow(message);
  });
});
