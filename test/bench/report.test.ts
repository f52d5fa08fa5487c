/**
 * The ingress benchmark's arithmetic and verdicts (bench/report.ts), on made-up runs: medians over
 * runs, CPU per request, ratios to nginx run by run, and the generator check that says whether
 * wrk could have been the limit.
 */

import { describe, expect, it } from 'vitest';
import {
  checkGenerator,
  describeGeneratorCheck,
  median,
  type RunResult,
  renderReport,
  summarize,
} from '../../bench/report.js';

/** One wrk run of `seconds` at `rps`, with the proxy and backend CPU seconds used meanwhile. */
function run(
  rps: number,
  proxyCpuSeconds: number,
  options: { wrkCpu?: number; backendCpu?: number } = {},
): RunResult {
  return {
    wrk: {
      requests: rps * 5,
      failed: 0,
      failures: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
      seconds: 5,
      rps,
      latencyMs: { p50: 1, p90: 2, p99: 3, p999: 4, max: 5, mean: 1.2 },
      wrkCpuSeconds: options.wrkCpu ?? 1,
    },
    proxyCpuSeconds,
    backendCpuSeconds: options.backendCpu ?? 0.5,
  };
}

describe('ingress benchmark report', () => {
  it('takes medians over runs, and ignores NaN (no /proc)', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  it('computes CPU µs per request from the proxy CPU seconds and the good responses, and ratios to nginx run by run', () => {
    const nginx = [run(20_000, 1.2), run(10_000, 0.6), run(30_000, 1.8)]; // 12 µs per request each run
    const alb = [run(4_000, 1.48), run(2_000, 0.74), run(6_000, 2.22)]; // 74 µs per request each run
    const row = summarize('Wharf ALB, access logs on', 'wharf', alb, nginx);
    expect(row.rps).toBe(4_000);
    expect(row.proxyCpuMicrosPerRequest).toBeCloseTo(74, 6);
    expect(row.ratioToNginx).toBeCloseTo(0.2, 9); // 0.2 in every run, whatever the run's speed
    expect(row.cpuRatioToNginx).toBeCloseTo(74 / 12, 6);
    expect(row.wrkCpuPercent).toBeCloseTo(20, 9); // 1 CPU second in 5 s
    expect(row.backendCpuMicrosPerRequest).toBeCloseTo((0.5 / 20_000) * 1e6, 6);
  });

  it('passes the generator check when direct reaches 2× the fastest proxy, and says so', () => {
    const nginx = [run(60_000, 0.72)];
    const rows = [
      summarize('direct (no proxy)', 'direct', [run(129_000, Number.NaN)], nginx),
      summarize('nginx reverse proxy', 'nginx', nginx, nginx),
      summarize('Wharf ALB', 'wharf', [run(14_000, 1.04, { wrkCpu: 0.5 })], nginx),
    ];
    const check = checkGenerator(rows);
    expect(check).toMatchObject({
      fastestProxy: 'nginx reverse proxy',
      fastestProxyRps: 60_000,
      passed: true,
    });
    expect(check.headroom).toBeCloseTo(2.15, 2);
    expect(check.wrkMaxCpuPercentOnProxies).toBeCloseTo(20, 9);
    expect(describeGeneratorCheck(check)).toMatch(
      /^\*\*Generator check passed\*\*.*129,000 req\/s, 2\.15× the fastest proxy/,
    );
  });

  it('fails the generator check below 2×, and the report says the proxies may be generator-bound', () => {
    const nginx = [run(29_850, 0.69)];
    const rows = [
      summarize('direct (no proxy)', 'direct', [run(57_532, Number.NaN)], nginx),
      summarize('nginx reverse proxy', 'nginx', nginx, nginx),
    ];
    const check = checkGenerator(rows);
    expect(check.passed).toBe(false);
    const text = renderReport({
      date: new Date('2026-12-05T00:00:00Z'),
      command: 'npx tsx bench/ingress.ts',
      nodeVersion: 'v20',
      nginxVersion: 'nginx/1.22.1',
      wrkVersion: 'wrk 4.1.0',
      settings: {
        connections: 32,
        threads: 1,
        runs: 1,
        warmupSeconds: 2,
        seconds: 5,
        bodyBytes: 1024,
        path: '/bench',
      },
      results: rows,
      generator: check,
      loadAverage: { before: 0.5, after: 0.7 },
      elapsedSeconds: 30,
    });
    expect(text).toContain('**Generator check FAILED** (direct < 2× the fastest proxy)');
    expect(text).toContain('read their req/s as lower bounds');
    expect(text).toContain("wrk itself was mostly idle, so the likelier limit is the machine's CPU");
    expect(text).toMatch(/\| direct \(no proxy\) \| 57,532 \| 57,532–57,532 \|/);
    expect(text).toContain('load average (1 min) 0.50 before, 0.70 after');
  });
});
