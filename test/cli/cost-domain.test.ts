/**
 * `wharf cost` and `wharf check` options for issue 13, as a user types them (in-process):
 * `--cpu-per-request`, the scaled service in the text and `--json` output, the custom-domain notes
 * and free items, and `wharf check --region`.
 */
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/in-process-cli.js';

const API = 'test/fixtures/domain/insight-diagram-api.yml';

describe('wharf cost on a scaled service behind a custom domain', () => {
  it('prices the scaled service at the count its CPU target holds at --cpu-per-request, in the text and --json', async () => {
    const args = ['cost', '--template', API, '--requests', '200M/month', '--cpu-per-request', '20'];
    const text = await runMain(args);
    expect(text.code).toBe(0);
    // 200M a 730-hour month = 76.1 req/s × 20 ms = 1.52 vCPU-s/s ÷ (0.5 vCPU × 50 %) = 6.09 → 7.
    expect(text.stdout).toMatch(
      /orders \(insight-diagram-api\.yml\/OrdersService\)\s+2–10 tasks, 7 at this traffic × 0\.5 vCPU \/ 1 GB/,
    );
    expect(text.stdout).toContain(
      '7 tasks (held by target tracking at this traffic, range 2–10: CPU 50 %: ceil(76.1 req/s × 20 ms of vCPU ÷ (0.5 vCPU × 50 %)) = 7)',
    );
    expect(text.stdout).toContain('CPU targets at 20 ms of vCPU per request');
    expect(text.stdout).toContain(
      'Free (no charge by themselves): API Gateway custom domain names ×1, ACM public certificates ×1, alias records to AWS resources (their queries) ×1.',
    );
    expect(text.stdout).toContain('hosted zone Z0123456789ABCDEFGHIJ is not created by these templates');

    const json = await runMain([...args, '--json']);
    const [result] = JSON.parse(json.stdout) as {
      estimate: {
        byService: {
          name: string;
          tasks: number;
          scaling?: { min: number; max: number; tasksAtTraffic: number; idleMonthlyUsd: number };
        }[];
        notes: { message: string }[];
        assumptions: { cpuMsPerRequest: number };
      };
    }[];
    const orders = result?.estimate.byService.find((s) => s.name === 'orders');
    expect(orders).toMatchObject({ tasks: 7, scaling: { min: 2, max: 10, tasksAtTraffic: 7 } });
    expect(orders?.scaling?.idleMonthlyUsd).toBeGreaterThan(0);
    expect(result?.estimate.byService.find((s) => s.name === 'users')?.scaling).toBeUndefined();
    expect(result?.estimate.assumptions.cpuMsPerRequest).toBe(20);
    expect(result?.estimate.notes).toHaveLength(1);
  });

  it.each(['abc', '0', '60001', ''])(
    'rejects --cpu-per-request %s as bad input (exit 2), saying what is allowed',
    async (value) => {
      const run = await runMain(['cost', '--template', API, '--cpu-per-request', value]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `--cpu-per-request '${value}' is not allowed; allowed: milliseconds of vCPU time per request`,
      );
    },
  );
});

describe('wharf check --region', () => {
  it('rejects a value that is not a region name (exit 2) before reading any template', async () => {
    const run = await runMain(['check', '--template', API, '--region', 'mars-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "--region 'mars-1' (or AWS_REGION) is not a region name; allowed: e.g. us-east-1",
    );
  });
});
