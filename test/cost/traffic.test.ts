import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TRAFFIC,
  describeDefaults,
  effectiveConcurrency,
  effectiveNewConnectionsPerSecond,
  parseRate,
  parseSize,
  parseTraffic,
  trafficFromObject,
  withRequests,
} from '../../src/cost/traffic.js';
import { isWharfError } from '../../src/errors.js';

const MONTH_SECONDS = 730 * 3600; // 2,628,000

function usageError(run: () => unknown): Error & { code: string } {
  try {
    run();
  } catch (error) {
    if (isWharfError(error)) return error as Error & { code: string };
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('traffic profile', () => {
  it('defaults to 1M requests/month of 1 KB requests and 5 KB responses, and says so', () => {
    expect(parseTraffic()).toEqual(DEFAULT_TRAFFIC);
    expect(DEFAULT_TRAFFIC).toMatchObject({ requestsPerMonth: 1e6, requestBytes: 1024, responseBytes: 5120 });
    expect(describeDefaults().join('\n')).toMatch(/1M\/month.*\n.*1 KB = 1024 B/);
  });

  it('reads request rates per month, day, hour, minute and second, with k/M/B suffixes', () => {
    expect(parseTraffic({ requests: '10M/month' }).requestsPerMonth).toBe(10_000_000);
    expect(parseTraffic({ requests: '10M' }).requestsPerMonth).toBe(10_000_000);
    expect(parseTraffic({ requests: '1B/month' }).requestsPerMonth).toBe(1_000_000_000);
    expect(parseTraffic({ requests: 2500 }).requestsPerMonth).toBe(2500);
    // 500k a day × (730 h / 24 h) days = 15,208,333.3 a month
    expect(parseTraffic({ requests: '500k/day' }).requestsPerMonth).toBeCloseTo((500_000 * 730) / 24, 3);
    // 10 a second × 2,628,000 s
    expect(parseTraffic({ requests: '10/s' }).requestsPerMonth).toBeCloseTo(10 * MONTH_SECONDS, 3);
    expect(parseTraffic({ requests: '3.6k/hour' }).requestsPerMonth).toBeCloseTo(3600 * 730, 3);
    expect(parseTraffic({ requests: '60/min' }).requestsPerMonth).toBeCloseTo(MONTH_SECONDS, 3);
  });

  it('reads sizes in B, KB, MB (1 KB = 1024 B) and connection figures', () => {
    const traffic = parseTraffic({
      requestSize: '2KB',
      responseSize: '1.5 MB',
      concurrency: '50',
      newConnections: '25/s',
      logSize: '512',
    });
    expect(traffic).toMatchObject({
      requestBytes: 2048,
      responseBytes: 1.5 * 1024 * 1024,
      concurrency: 50,
      newConnectionsPerSecond: 25,
      logBytesPerRequest: 512,
    });
    expect(parseSize('--request-size', '300')).toBe(300);
    expect(parseRate('--new-connections', '90k/hour', 's', 's')).toBeCloseTo(25, 9);
  });

  it('derives concurrency (100 ms per request) and new connections (1 per 10 requests) when not given', () => {
    const traffic = parseTraffic({ requests: '10/s' });
    expect(effectiveConcurrency(traffic)).toBeCloseTo(1, 9); // 10 req/s × 0.1 s
    expect(effectiveNewConnectionsPerSecond(traffic)).toBeCloseTo(1, 9); // 10 req/s × 0.1
  });

  it('scales given connection figures with the request volume', () => {
    const traffic = parseTraffic({ requests: '10M', concurrency: 20, newConnections: '4/s' });
    const tenfold = withRequests(traffic, 100_000_000);
    expect(tenfold).toMatchObject({ requestsPerMonth: 1e8, concurrency: 200, newConnectionsPerSecond: 40 });
  });

  it.each([
    [{ requests: '10X/month' }, /--requests '10X\/month'.*suffix 'X' is not one of k, M, B/],
    [{ requests: '10m' }, /'m' is ambiguous: use M for million/],
    [{ requests: '10M/fortnight' }, /unknown period '\/fortnight'/],
    [{ requests: '-5M' }, /--requests '-5M'.*traffic cannot be negative/],
    [{ requests: 'NaN' }, /--requests 'NaN' is not valid/],
    [{ requests: 'lots' }, /--requests 'lots' is not valid: expected a non-negative number/],
    [{ requestSize: '2 furlongs' }, /--request-size '2 furlongs'.*unknown unit 'furlongs'/],
    [{ responseSize: '-1KB' }, /--response-size '-1KB'.*cannot be negative/],
    [{ concurrency: 'many' }, /--concurrency 'many' is not valid/],
    [{ newConnections: '25/s/s' }, /--new-connections '25\/s\/s' is not valid/],
  ])('rejects %o with a UsageError naming the flag, the value and what is allowed', (input, message) => {
    const error = usageError(() => parseTraffic(input));
    expect(error.code).toBe('WHARF_COST_TRAFFIC');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/e\.g\. --/);
  });

  it('reads a traffic file object and names the file in errors', () => {
    expect(trafficFromObject({ requests: '1M/day' }, 'traffic.json').requestsPerMonth).toBeCloseTo(
      (1e6 * 730) / 24,
      3,
    );
    expect(usageError(() => trafficFromObject({ request: '1M' }, 'traffic.json')).message).toMatch(
      /^traffic\.json: unknown traffic setting 'request'; allowed: requests, requestSize/,
    );
    expect(usageError(() => trafficFromObject([1], 'traffic.json')).message).toMatch(
      /traffic\.json: a traffic file/,
    );
  });
});
