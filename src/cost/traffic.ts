/**
 * The traffic profile `wharf cost` prices: how many requests a month, how big they are, and how
 * clients connect. Parsed from command-line strings (`--requests 10M/month`, `--request-size 2KB`,
 * `--response-size 5KB`, `--concurrency 20`, `--new-connections 25/s`) or an object read from a
 * file; anything missing takes a default ({@link DEFAULT_TRAFFIC}, {@link describeDefaults}).
 *
 * Units:
 * - counts take `k` (10^3), `M` (10^6) and `B` or `G` (10^9) suffixes;
 * - rates take `/month` (`/mo`), `/day` (`/d`), `/hour` (`/h`), `/min`, `/s` (`/sec`); a month
 *   is the pricing month (730 h), a day 24 h;
 * - sizes take `B`, `KB`, `MB`, `GB` (also `KiB`, `MiB`, `GiB`), all binary: 1 KB = 1024 B,
 *   matching the 512 KB (524,288 B) unit API Gateway meters in.
 * Traffic is assumed uniform over the month (the ALB's LCUs are averaged per hour).
 */

import { UsageError } from '../errors.js';

/** A traffic profile; see {@link DEFAULT_TRAFFIC} for the defaults. */
export interface TrafficProfile {
  /** Requests a month. @default 1_000_000 */
  readonly requestsPerMonth: number;
  /** Bytes a request carries (headers and body). @default 1024 */
  readonly requestBytes: number;
  /** Bytes a response carries (headers and body). @default 5120 */
  readonly responseBytes: number;
  /**
   * Concurrent (active) client connections.
   * @default - Little's law: requests per second × 0.1 s (100 ms per request)
   */
  readonly concurrency?: number;
  /**
   * New client connections (TCP/TLS handshakes) per second.
   * @default - one per 10 requests (clients keep connections alive)
   */
  readonly newConnectionsPerSecond?: number;
  /** Log bytes the service writes per request (stdout → CloudWatch Logs). @default 200 */
  readonly logBytesPerRequest: number;
}

/** Seconds a request holds a connection in the default concurrency (Little's law). */
export const DEFAULT_SECONDS_PER_REQUEST = 0.1;
/** New connections per request by default (keep-alive, 10 requests per connection). */
export const DEFAULT_NEW_CONNECTIONS_PER_REQUEST = 0.1;

/** The default profile: 1 M requests a month of 1 KB requests and 5 KB responses, 200 B of logs each. */
export const DEFAULT_TRAFFIC: TrafficProfile = {
  requestsPerMonth: 1_000_000,
  requestBytes: 1024,
  responseBytes: 5120,
  logBytesPerRequest: 200,
};

/** The defaults in words, one line each, for the command's output. */
export function describeDefaults(): string[] {
  return [
    'requests: 1M/month (--requests)',
    'request size: 1 KB, response size: 5 KB, 1 KB = 1024 B (--request-size, --response-size)',
    `concurrency: requests per second × ${DEFAULT_SECONDS_PER_REQUEST} s (Little's law, 100 ms per request) (--concurrency)`,
    `new connections: ${DEFAULT_NEW_CONNECTIONS_PER_REQUEST} per request, i.e. keep-alive for 10 requests (--new-connections)`,
    'logs: 200 B per request written by the service',
    'traffic spread evenly over a 730-hour month',
  ];
}

/** Requests per second of a profile, spread over `hoursPerMonth`. */
export function requestsPerSecond(profile: TrafficProfile, hoursPerMonth = 730): number {
  return profile.requestsPerMonth / (hoursPerMonth * 3600);
}

/** The concurrency used for pricing: the profile's, else derived (see {@link TrafficProfile.concurrency}). */
export function effectiveConcurrency(profile: TrafficProfile, hoursPerMonth = 730): number {
  return profile.concurrency ?? requestsPerSecond(profile, hoursPerMonth) * DEFAULT_SECONDS_PER_REQUEST;
}

/**
 * New connections per second used for pricing: the profile's, else derived. Never more than the
 * request rate (every new connection carries at least one request), so a rate given at one volume
 * cannot dominate the ALB's LCUs when the crossover scales the profile.
 */
export function effectiveNewConnectionsPerSecond(profile: TrafficProfile, hoursPerMonth = 730): number {
  const rps = requestsPerSecond(profile, hoursPerMonth);
  return Math.min(profile.newConnectionsPerSecond ?? rps * DEFAULT_NEW_CONNECTIONS_PER_REQUEST, rps);
}

/**
 * The same profile at another request volume: sizes stay; a given concurrency and new-connection
 * rate scale with the request rate (they keep their ratio to it). From a profile of 0 requests,
 * given rates cannot be scaled and the defaults apply.
 */
export function withRequests(profile: TrafficProfile, requestsPerMonth: number): TrafficProfile {
  const from = profile.requestsPerMonth;
  const scale = (value: number | undefined) =>
    value === undefined || from <= 0 ? undefined : (value * requestsPerMonth) / from;
  const { concurrency: _c, newConnectionsPerSecond: _n, ...rest } = profile;
  const concurrency = scale(profile.concurrency);
  const newConnectionsPerSecond = scale(profile.newConnectionsPerSecond);
  return {
    ...rest,
    requestsPerMonth,
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(newConnectionsPerSecond === undefined ? {} : { newConnectionsPerSecond }),
  };
}

const COUNT_SUFFIX: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, B: 1e9, G: 1e9 };
const PERIOD_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  min: 60,
  minute: 60,
  h: 3600,
  hour: 3600,
  d: 86_400,
  day: 86_400,
  mo: 730 * 3600,
  month: 730 * 3600,
};
const SIZE_UNIT: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

const COUNT_HELP = 'a non-negative number with an optional k, M or B suffix (e.g. 500k, 10M, 1.5B)';
const PERIOD_HELP = '/s, /min, /hour, /day or /month';

function bad(flag: string, value: string, allowed: string, example: string): UsageError {
  return new UsageError(`${flag} '${value}' is not valid: expected ${allowed}, e.g. ${flag} ${example}.`, {
    code: 'WHARF_COST_TRAFFIC',
  });
}

function parseCount(flag: string, raw: string, text: string, allowed: string, example: string): number {
  const match = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-zA-Z]?)\s*$/.exec(text);
  if (!match) throw bad(flag, raw, allowed, example);
  const factor = COUNT_SUFFIX[match[2]];
  if (factor === undefined) {
    const hint = match[2] === 'm' ? " ('m' is ambiguous: use M for million)" : '';
    throw bad(flag, raw, `${allowed}; suffix '${match[2]}' is not one of k, M, B${hint}`, example);
  }
  const value = Number(match[1]) * factor;
  if (!Number.isFinite(value)) throw bad(flag, raw, allowed, example);
  if (value < 0) throw bad(flag, raw, `${allowed}; traffic cannot be negative`, example);
  return value;
}

/**
 * Parses a rate (`10M/month`, `500k/day`, `20/s`) into events per `per`. A plain number is per
 * `defaultPeriod`.
 *
 * @throws {@link UsageError} (`WHARF_COST_TRAFFIC`) naming the flag, the value and what is allowed.
 */
export function parseRate(
  flag: string,
  value: string | number,
  per: 'month' | 's',
  defaultPeriod: 'month' | 's',
  hoursPerMonth = 730,
): number {
  const raw = String(value);
  const allowed = `${COUNT_HELP}, optionally followed by ${PERIOD_HELP} (a plain number is per ${defaultPeriod === 's' ? 'second' : 'month'})`;
  const example = defaultPeriod === 's' ? '25/s' : '10M/month';
  const [amount, period, ...extra] = raw.split('/');
  if (extra.length > 0) throw bad(flag, raw, allowed, example);
  const count = parseCount(flag, raw, amount, allowed, example);
  let seconds: number | undefined;
  if (period === undefined) seconds = PERIOD_SECONDS[defaultPeriod];
  else {
    const key = period.trim().toLowerCase().replace(/s$/, '') || period.trim();
    seconds = PERIOD_SECONDS[key] ?? PERIOD_SECONDS[period.trim()];
    if (seconds === undefined) throw bad(flag, raw, `${allowed}; unknown period '/${period}'`, example);
  }
  const monthSeconds = hoursPerMonth * 3600;
  const from = seconds === PERIOD_SECONDS.month ? monthSeconds : seconds;
  const to = per === 's' ? 1 : monthSeconds;
  // Same period: keep the count exact (1B/month is 10^9, not 10^9 ± rounding).
  return from === to ? count : (count * to) / from;
}

/**
 * Parses a size (`2KB`, `512 B`, `1.5MB`, `300`: bytes) into bytes; 1 KB = 1024 B.
 *
 * @throws {@link UsageError} (`WHARF_COST_TRAFFIC`) naming the flag, the value and what is allowed.
 */
export function parseSize(flag: string, value: string | number): number {
  const raw = String(value);
  const allowed = 'a non-negative size in B, KB, MB or GB (1 KB = 1024 B; a plain number is bytes)';
  const match = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-zA-Z]*)\s*$/.exec(raw);
  if (!match) throw bad(flag, raw, allowed, '5KB');
  const unit = match[2].toLowerCase() || 'b';
  const factor = SIZE_UNIT[unit];
  if (factor === undefined) throw bad(flag, raw, `${allowed}; unknown unit '${match[2]}'`, '5KB');
  const bytes = Number(match[1]) * factor;
  if (!Number.isFinite(bytes)) throw bad(flag, raw, allowed, '5KB');
  if (bytes < 0) throw bad(flag, raw, `${allowed}; a size cannot be negative`, '5KB');
  return Math.round(bytes);
}

/** Parses a plain non-negative number (`--concurrency 50`, `2k`). */
export function parseAmount(flag: string, value: string | number): number {
  const raw = String(value);
  return parseCount(flag, raw, raw, COUNT_HELP, '50');
}

/** Traffic as the command line (or a traffic file) gives it: strings (or numbers) per flag. */
export interface TrafficInput {
  /** `--requests`: a rate, plain numbers per month. */
  readonly requests?: string | number;
  /** `--request-size`. */
  readonly requestSize?: string | number;
  /** `--response-size`. */
  readonly responseSize?: string | number;
  /** `--concurrency`. */
  readonly concurrency?: string | number;
  /** `--new-connections`: a rate, plain numbers per second. */
  readonly newConnections?: string | number;
  /** `--log-size`: log bytes per request. */
  readonly logSize?: string | number;
}

const INPUT_KEYS: Record<keyof TrafficInput, string> = {
  requests: '--requests',
  requestSize: '--request-size',
  responseSize: '--response-size',
  concurrency: '--concurrency',
  newConnections: '--new-connections',
  logSize: '--log-size',
};

/**
 * Builds a profile from flag values; unset flags take {@link DEFAULT_TRAFFIC}.
 *
 * @throws {@link UsageError} (`WHARF_COST_TRAFFIC`) for an unknown key, unit or period, a negative
 *   value or a value that is not a number, naming the flag and what is allowed.
 */
export function parseTraffic(input: TrafficInput = {}, hoursPerMonth = 730): TrafficProfile {
  for (const key of Object.keys(input)) {
    if (!(key in INPUT_KEYS)) {
      throw new UsageError(
        `unknown traffic setting '${key}'; allowed: ${Object.keys(INPUT_KEYS).join(', ')}.`,
        { code: 'WHARF_COST_TRAFFIC' },
      );
    }
  }
  const given = (value: string | number | undefined) => value !== undefined && value !== '';
  const profile: {
    -readonly [K in keyof TrafficProfile]: TrafficProfile[K];
  } = { ...DEFAULT_TRAFFIC };
  if (given(input.requests))
    profile.requestsPerMonth = parseRate(
      INPUT_KEYS.requests,
      input.requests as string,
      'month',
      'month',
      hoursPerMonth,
    );
  if (given(input.requestSize))
    profile.requestBytes = parseSize(INPUT_KEYS.requestSize, input.requestSize as string);
  if (given(input.responseSize))
    profile.responseBytes = parseSize(INPUT_KEYS.responseSize, input.responseSize as string);
  if (given(input.concurrency))
    profile.concurrency = parseAmount(INPUT_KEYS.concurrency, input.concurrency as string);
  if (given(input.newConnections))
    profile.newConnectionsPerSecond = parseRate(
      INPUT_KEYS.newConnections,
      input.newConnections as string,
      's',
      's',
      hoursPerMonth,
    );
  if (given(input.logSize))
    profile.logBytesPerRequest = parseSize(INPUT_KEYS.logSize, input.logSize as string);
  return profile;
}

/**
 * Builds a profile from a traffic file's parsed JSON/YAML: an object with the keys of
 * {@link TrafficInput}. `file` names the file in errors.
 */
export function trafficFromObject(value: unknown, file: string, hoursPerMonth = 730): TrafficProfile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(
      `${file}: a traffic file holds one object with the keys ${Object.keys(INPUT_KEYS).join(', ')}.`,
      { code: 'WHARF_COST_TRAFFIC' },
    );
  }
  try {
    return parseTraffic(value as TrafficInput, hoursPerMonth);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${file}: ${error.message}`, { code: error.code });
    throw error;
  }
}

/** Formats a request count as `10M`, `1.5B`, `500k`. */
export function formatCount(value: number): string {
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (value >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  }
  return `${Number(value.toPrecision(3))}`;
}
