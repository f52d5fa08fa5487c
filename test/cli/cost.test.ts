/** `wharf cost` as a user runs it: the built CLI on the seeds-shaped fixtures. */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCostModel, priceCostModel } from '../../src/cost/estimate.js';
import { parseTraffic } from '../../src/cost/traffic.js';
import { loadTemplateFile } from '../../src/template/load.js';
import { runWharf, tempDir } from '../support/cli.js';
import { requireRsvg } from '../support/rsvg.js';

const ALB = 'test/fixtures/seeds-like/alb/parent.yml';
const API = 'test/fixtures/seeds-like/api-gateway/parent.yml';

describe('wharf cost', () => {
  it('prints one line per billable item with its formula, and the total the model computes', () => {
    const run = runWharf(['cost', '--template', ALB, '--requests', '10M/month']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /VpcStack\/NatGatewayOne\s+NAT gateway hours\s+\$32\.85\s+730 h × \$0\.045 = \$32\.85/,
    );
    expect(run.stdout).toMatch(/ServiceStack\/PublicLoadBalancer\s+load balancer hours\s+\$16\.43/);
    const model = buildCostModel(loadTemplateFile(join(process.cwd(), ALB)));
    const expected = priceCostModel(model, parseTraffic({ requests: '10M/month' })).totalMonthlyUsd;
    expect(run.stdout).toContain(`TOTAL`);
    expect(run.stdout).toContain(`$${expected.toFixed(2)}`);
    expect(run.stdout).toMatch(/Crossover: .*the two cost the same at [\d.]+M requests\/month/);
    expect(run.stdout).toContain('one NAT gateway is enough');
  });

  it('prints the estimate, crossover and advice as JSON', () => {
    const run = runWharf(['cost', '--template', API, '--requests', '1B/month', '--json']);
    expect(run.code).toBe(0);
    const [result] = JSON.parse(run.stdout) as {
      estimate: { pattern: string; totalMonthlyUsd: number; lines: { formula: string }[] };
      crossover: { current: string; cheaperBelow: string; requestsPerMonth: number };
    }[];
    expect(result?.estimate.pattern).toBe('api-gateway');
    expect(result?.estimate.lines.every((line) => line.formula.includes('='))).toBe(true);
    expect(result?.crossover.current).toBe('api-gateway');
    expect(result?.crossover.cheaperBelow).toBe('api-gateway');
    expect(result?.crossover.requestsPerMonth).toBeGreaterThan(1e6);
  });

  it('prints a subtotal per service for several services, and carries them in --json', () => {
    const file = 'test/fixtures/several-services/checks-alb.yml';
    const text = runWharf(['cost', '--template', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^By service \(/m);
    expect(text.stdout).toMatch(
      /^ {2}orders \(checks-alb\.yml\/OrdersService\) +2 tasks × 0\.5 vCPU \/ 1 GB +\$\d+\.\d\d$/m,
    );
    expect(text.stdout).toMatch(/^ {2}shared \(ingress, network, DNS zone\) +\$\d+\.\d\d$/m);
    const json = runWharf(['cost', '--template', file, '--json']);
    const [result] = JSON.parse(json.stdout) as {
      estimate: {
        byService: { name: string; tasks: number; lines: { resource: { logicalId: string } }[] }[];
      };
    }[];
    expect(result?.estimate.byService.map((s) => [s.name, s.tasks])).toEqual([
      ['web', 2],
      ['orders', 2],
      ['users', 1],
      ['inventory', 2],
    ]);
    expect(result?.estimate.byService[3]?.lines.map((l) => l.resource.logicalId)).toContain(
      'InventoryRegistry',
    );
  });

  it('takes the traffic from a file, with flags winning over it', () => {
    const dir = tempDir();
    const file = join(dir, 'traffic.yml');
    writeFileSync(file, 'requests: 500k/day\nresponseSize: 5KB\n');
    const run = runWharf(['cost', '--template', API, '--traffic', file, '--request-size', '2KB', '--json']);
    expect(run.code).toBe(0);
    const [result] = JSON.parse(run.stdout) as {
      estimate: { traffic: { requestsPerMonth: number; requestBytes: number } };
    }[];
    expect(result?.estimate.traffic.requestsPerMonth).toBeCloseTo((500_000 * 730) / 24, 0);
    expect(result?.estimate.traffic.requestBytes).toBe(2048);
  });

  it('writes the cost-versus-traffic chart with the crossover marked', () => {
    const file = join(tempDir(), 'cost.svg');
    const run = runWharf(['cost', '--template', API, '--chart', file]);
    expect(run.code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toContain('API Gateway + VPC link (as deployed)');
    expect(svg).toContain('public ALB');
    expect(svg).toMatch(/crossover: [\d.]+M requests\/month/);
  });

  it.skipIf(!requireRsvg())('writes the chart as PNG when the file ends in .png', () => {
    const file = join(tempDir(), 'cost.png');
    expect(runWharf(['cost', '--template', API, '--chart', file]).code).toBe(0);
    expect(existsSync(file) && readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  });

  it.each([
    [['--requests=-5M'], "--requests '-5M'"],
    [['--requests', '10 parsecs'], "--requests '10 parsecs'"],
    [['--response-size', '5 furlongs'], "--response-size '5 furlongs'"],
    [['--vpc-link-charge', 'free'], "--vpc-link-charge 'free' is not allowed"],
    [['--region', 'xx-nowhere-1'], 'xx-nowhere-1'],
    [['--chart', 'cost.gif'], 'must end in .svg or .png'],
  ])('exits 2 with a clear message for %j', (extra, message) => {
    const run = runWharf(['cost', '--template', API, ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('creates the chart folder, and reports an unwritable chart path as bad input, not a crash', () => {
    const file = join(tempDir(), 'new', 'folder', 'cost.svg');
    expect(runWharf(['cost', '--template', API, '--chart', file]).code).toBe(0);
    expect(existsSync(file)).toBe(true);
    const blocked = join(tempDir(), 'file');
    writeFileSync(blocked, '');
    const run = runWharf(['cost', '--template', API, '--chart', join(blocked, 'cost.svg')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot be written');
  });

  it('prints the whole estimate when a PNG chart cannot be made (no rsvg-convert), then exits 2 with hints that exist', () => {
    const dir = tempDir();
    const file = join(dir, 'cost.png');
    // An empty PATH: no rsvg-convert (the CLI runs from node's absolute path).
    const run = runWharf(['cost', '--template', API, '--chart', file], { env: { PATH: dir } });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^Monthly cost of parent/);
    expect(run.stdout).toMatch(/TOTAL\s+\$[\d.]+/);
    expect(run.stdout).toContain('Crossover: ');
    expect(run.stdout).toContain('Assumptions: ');
    expect(run.stdout).not.toContain('Chart written');
    expect(run.stderr).toContain(`error: wharf cost: the chart '${file}' was not written (the estimate was)`);
    expect(run.stderr).toContain('apt-get install librsvg2-bin');
    expect(run.stderr).toContain(`--chart ${join(dir, 'cost.svg')}`);
    expect(run.stderr).not.toContain('--format');
    expect(existsSync(file)).toBe(false);
  });

  it('with --json, puts the estimate in the failure object when only the chart failed', () => {
    const dir = tempDir();
    const run = runWharf(['cost', '--template', API, '--chart', join(dir, 'cost.png'), '--json'], {
      env: { PATH: dir },
    });
    expect(run.code).toBe(2);
    const failure = JSON.parse(run.stdout) as {
      ok: boolean;
      error: { code: string; nextSteps: string[] };
      result: { estimate: { totalMonthlyUsd: number } }[];
    };
    expect(failure.ok).toBe(false);
    expect(failure.error.code).toBe('WHARF_COST_CHART');
    expect(failure.error.nextSteps).toEqual([
      'apt-get install librsvg2-bin',
      `--chart ${join(dir, 'cost.svg')}`,
    ]);
    expect(failure.result[0]?.estimate.totalMonthlyUsd).toBeGreaterThan(0);
  });

  it('says nothing billable was found instead of a bare $0.00, and rejects a template with no resources', () => {
    const dir = tempDir();
    const free = join(dir, 'free.yml');
    writeFileSync(
      free,
      'Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties: { AssumeRolePolicyDocument: {} }\n',
    );
    const run = runWharf(['cost', '--template', free]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Nothing billable found: the templates declare no resource Wharf prices (free by themselves: AWS::IAM::Role ×1).',
    );
    const empty = join(dir, 'empty.yml');
    writeFileSync(empty, 'Resources: {}\n');
    const none = runWharf(['cost', '--template', empty]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain(`${empty} declares no resources`);
  });

  it('keeps the crossover honest when a new-connection rate is given: an ALB wins at high volume', () => {
    const run = runWharf(['cost', '--template', API, '--new-connections', '5', '--json']);
    expect(run.code).toBe(0);
    const [result] = JSON.parse(run.stdout) as { crossover: { requestsPerMonth: number | null } }[];
    expect(result?.crossover.requestsPerMonth).not.toBeNull();
    expect(result?.crossover.requestsPerMonth).toBeLessThan(1e9);
  });

  it('lists what it cannot price instead of counting it as zero', () => {
    const dir = tempDir();
    const file = join(dir, 'template.yml');
    writeFileSync(
      file,
      'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBInstanceClass: db.t3.micro\n      Engine: postgres\n',
    );
    const run = runWharf(['cost', '--template', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Not priced (not in the total):');
    expect(run.stdout).toContain('Db (AWS::RDS::DBInstance)');
  });

  it('documents its options and the traffic defaults in --help', () => {
    const run = runWharf(['cost', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: wharf cost');
    expect(run.stdout).toContain('requests: 1M/month');
    expect(run.stdout).toContain('--chart');
  });
});
