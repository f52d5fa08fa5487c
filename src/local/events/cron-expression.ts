/**
 * EventBridge's six-field cron (`cron(Minutes Hours Day-of-month Month Day-of-week Year)`, UTC):
 * parsing, and the next minute a schedule fires after a given time. Pure: no clock, no I/O.
 *
 * Fidelity (aws-behavior-2.md §11.1): the fields, their ranges and wildcards are those AWS
 * documents: `, - * /` in every field but Day-of-week (`, - * ? L #` there), `? L W` in
 * Day-of-month; month and weekday names (`JAN`–`DEC`, `SUN`–`SAT`, 1 = Sunday); exactly one of
 * Day-of-month and Day-of-week is `?`; only one expression beside a `#`. Where AWS's page is
 * silent, the Quartz semantics its syntax comes from apply (marked [UNCONFIRMED] there): `nW` does not
 * cross the month's boundary, `L` alone in Day-of-week is Saturday and `nL` the month's last
 * weekday `n`, `a/n` runs from `a` to the end of the field's range, and a range may wrap
 * (`FRI-MON`, `22-2`). Not reproduced: EventBridge's delivery within the minute (a schedule fires
 * here at second 0).
 */

/** A parse error: the message names the field and what is allowed. */
export class CronSyntaxError extends Error {}

/** A parsed cron expression: the allowed values of each field, and the special day rules. */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  /** Day-of-month rule, or `any` when the field is `?`. */
  readonly dayOfMonth: DayOfMonthRule;
  /** Day-of-week rule (1 = Sunday … 7 = Saturday), or `any` when the field is `?`. */
  readonly dayOfWeek: DayOfWeekRule;
}

/** What Day-of-month allows. */
export type DayOfMonthRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last' }
  | { readonly kind: 'nearestWeekday'; readonly day: number };

/** What Day-of-week allows. */
export type DayOfWeekRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'lastOfMonth'; readonly weekday: number }
  | { readonly kind: 'nth'; readonly weekday: number; readonly nth: number };

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** The wildcards AWS documents for the field, as its table lists them. */
  readonly wildcards: string;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS = {
  minutes: { name: 'Minutes', min: 0, max: 59, wildcards: ', - * /' },
  hours: { name: 'Hours', min: 0, max: 23, wildcards: ', - * /' },
  dayOfMonth: { name: 'Day-of-month', min: 1, max: 31, wildcards: ', - * ? / L W' },
  month: { name: 'Month', min: 1, max: 12, names: MONTH_NAMES, wildcards: ', - * /' },
  dayOfWeek: { name: 'Day-of-week', min: 1, max: 7, names: DAY_NAMES, wildcards: ', - * ? L #' },
  year: { name: 'Year', min: 1970, max: 2199, wildcards: ', - * /' },
} satisfies Record<string, FieldSpec>;

/** A field's text in an error message: short, and only the characters a cron field may hold. */
function shown(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9,\-*?/#]/g, '');
  return `'${safe.length > 40 ? `${safe.slice(0, 40)}…` : safe}'`;
}

function fail(field: FieldSpec, text: string, why: string): never {
  throw new CronSyntaxError(
    `${field.name} field ${shown(text)}: ${why}; allowed: ${field.min}-${field.max}` +
      `${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''} with the wildcards ${field.wildcards}`,
  );
}

function value(field: FieldSpec, token: string, whole: string): number {
  const index = field.names?.indexOf(token.toUpperCase()) ?? -1;
  const number = index >= 0 ? index + field.min : /^\d{1,4}$/.test(token) ? Number(token) : Number.NaN;
  if (!Number.isInteger(number)) fail(field, whole, `'${token.replace(/[^A-Za-z0-9]/g, '')}' is not a value`);
  if (number < field.min || number > field.max) fail(field, whole, `${number} is out of range`);
  return number;
}

/** The values of a field made of `,`-separated `*`, `a`, `a-b`, `a/n`, `*\/n` and `a-b/n` items. */
function values(field: FieldSpec, text: string): Set<number> {
  const result = new Set<number>();
  const allowsStep = field.wildcards.includes('/');
  for (const item of text.split(',')) {
    if (item === '') fail(field, text, 'an empty item');
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && !allowsStep))
      fail(field, text, `'/' is not allowed here`);
    const increment = step === undefined ? 1 : Number(step);
    if (step !== undefined && (!/^\d{1,4}$/.test(step) || increment < 1))
      fail(field, text, 'an increment must be a whole number from 1');
    let from: number;
    let to: number;
    if (range === '*') {
      from = field.min;
      to = field.max;
    } else if (range.includes('-')) {
      const [a = '', b = '', more] = range.split('-');
      if (more !== undefined) fail(field, text, 'a range has two ends');
      from = value(field, a, text);
      to = value(field, b, text);
    } else {
      from = value(field, range, text);
      // `a/n` runs to the end of the field's range; a plain `a` is one value.
      to = step === undefined ? from : field.max;
    }
    const span = to >= from ? to - from : to - from + (field.max - field.min + 1);
    for (let offset = 0; offset <= span; offset += increment) {
      const v = from + offset;
      result.add(v > field.max ? v - (field.max - field.min + 1) : v);
    }
  }
  return result;
}

function dayOfMonthRule(text: string): DayOfMonthRule {
  const field = FIELDS.dayOfMonth;
  if (text === '?') return { kind: 'any' };
  if (text.toUpperCase() === 'L') return { kind: 'last' };
  const weekday = /^(\d{1,2})W$/i.exec(text);
  if (weekday) return { kind: 'nearestWeekday', day: value(field, weekday[1] ?? '', text) };
  if (/[LW?]/i.test(text)) fail(field, text, "'L', 'W' and '?' stand alone ('L', '15W', '?')");
  return { kind: 'days', days: values(field, text) };
}

function dayOfWeekRule(text: string): DayOfWeekRule {
  const field = FIELDS.dayOfWeek;
  if (text === '?') return { kind: 'any' };
  if (text.toUpperCase() === 'L') return { kind: 'days', days: new Set([7]) };
  const last = /^([A-Za-z]{3}|\d)L$/i.exec(text);
  if (last) return { kind: 'lastOfMonth', weekday: value(field, last[1] ?? '', text) };
  if (text.includes('#')) {
    const nth = /^([A-Za-z]{3}|\d)#(\d)$/.exec(text);
    if (!nth) fail(field, text, "'#' takes one weekday and its instance in the month, alone (e.g. 3#2)");
    const instance = Number(nth[2]);
    if (instance < 1 || instance > 5) fail(field, text, 'the instance after # is 1 to 5');
    return { kind: 'nth', weekday: value(field, nth[1] ?? '', text), nth: instance };
  }
  if (/[L?]/i.test(text)) fail(field, text, "'L' and '?' stand alone ('L', '6L', '?')");
  return { kind: 'days', days: values(field, text) };
}

/**
 * Parses the six fields inside `cron(…)`. Throws a {@link CronSyntaxError} naming the field.
 *
 * @example parseCron('0 10 * * ? *') // every day at 10:00 UTC
 * @example parseCron('15 10 ? * 6L 2019-2022') // the last Friday of each month, 2019 to 2022
 */
export function parseCron(fields: string): CronSchedule {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new CronSyntaxError(
      `a cron expression has six fields (Minutes Hours Day-of-month Month Day-of-week Year), got ${parts.length}`,
    );
  }
  const [minutes = '', hours = '', dom = '', month = '', dow = '', year = ''] = parts;
  if ((dom === '?') === (dow === '?')) {
    throw new CronSyntaxError(
      'exactly one of Day-of-month and Day-of-week must be ? (a value or * in one needs ? in the other)',
    );
  }
  for (const [field, text] of [
    [FIELDS.minutes, minutes],
    [FIELDS.hours, hours],
    [FIELDS.month, month],
    [FIELDS.year, year],
  ] as const) {
    if (text.includes('?')) fail(field, text, "'?' is only allowed in Day-of-month and Day-of-week");
  }
  return {
    minutes: values(FIELDS.minutes, minutes),
    hours: values(FIELDS.hours, hours),
    dayOfMonth: dayOfMonthRule(dom),
    months: values(FIELDS.month, month),
    dayOfWeek: dayOfWeekRule(dow),
    years: values(FIELDS.year, year),
  };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday … 7 = Saturday. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The weekday (Mon–Fri) nearest to `day`, never leaving the month; -1 when the month has no such day. */
function nearestWeekday(year: number, month: number, target: number): number {
  const last = daysInMonth(year, month);
  if (target > last) return -1;
  const weekday = weekdayOf(year, month, target);
  if (weekday === 7) return target === 1 ? target + 2 : target - 1; // Saturday
  if (weekday === 1) return target === last ? target - 2 : target + 1; // Sunday
  return target;
}

/** True when the schedule allows this date (both day fields, one of them `?`). */
export function cronDayMatches(schedule: CronSchedule, year: number, month: number, day: number): boolean {
  const dom = schedule.dayOfMonth;
  const dow = schedule.dayOfWeek;
  if (dom.kind === 'days' && !dom.days.has(day)) return false;
  if (dom.kind === 'last' && day !== daysInMonth(year, month)) return false;
  if (dom.kind === 'nearestWeekday' && day !== nearestWeekday(year, month, dom.day)) return false;
  const weekday = weekdayOf(year, month, day);
  if (dow.kind === 'days' && !dow.days.has(weekday)) return false;
  if (dow.kind === 'lastOfMonth' && (weekday !== dow.weekday || day + 7 <= daysInMonth(year, month)))
    return false;
  if (dow.kind === 'nth' && (weekday !== dow.weekday || Math.ceil(day / 7) !== dow.nth)) return false;
  return true;
}

function sorted(set: ReadonlySet<number>): number[] {
  return [...set].sort((a, b) => a - b);
}

/**
 * The first minute strictly after `afterMs` (epoch ms) that the schedule fires at, in epoch ms;
 * `undefined` when it never fires again (its years are past). Walks years, months and days, not
 * minutes, so a yearly schedule costs at most a few hundred day checks per year.
 *
 * @example nextCronFire(parseCron('0/15 * * * ? *'), Date.UTC(2026, 0, 1, 10, 7)) // 10:15 UTC
 */
export function nextCronFire(schedule: CronSchedule, afterMs: number): number | undefined {
  const start = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  const y0 = start.getUTCFullYear();
  const m0 = start.getUTCMonth() + 1;
  const d0 = start.getUTCDate();
  const h0 = start.getUTCHours();
  const min0 = start.getUTCMinutes();
  const hours = sorted(schedule.hours);
  const minutes = sorted(schedule.minutes);
  for (const year of sorted(schedule.years)) {
    if (year < y0) continue;
    for (const month of sorted(schedule.months)) {
      const sameYear = year === y0;
      if (sameYear && month < m0) continue;
      const sameMonth = sameYear && month === m0;
      for (let day = sameMonth ? d0 : 1; day <= daysInMonth(year, month); day++) {
        if (!cronDayMatches(schedule, year, month, day)) continue;
        const sameDay = sameMonth && day === d0;
        for (const hour of hours) {
          if (sameDay && hour < h0) continue;
          const sameHour = sameDay && hour === h0;
          const minute = minutes.find((m) => !sameHour || m >= min0);
          if (minute !== undefined) return Date.UTC(year, month - 1, day, hour, minute);
        }
      }
    }
  }
  return undefined;
}
