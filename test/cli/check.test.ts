import { describe, expect, it } from 'vitest';
import { check } from '../../src/check/check.js';
import { renderCheckReport } from '../../src/check/report.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { runMain } from '../support/in-process-cli.js';

describe('wharf check on the example CDK apps', () => {
  it.each([
    ['api-gateway-fargate', ['AwsSolutions-VPC7', 'AwsSolutions-APIG4']],
    ['public-alb-fargate', ['AwsSolutions-VPC7', 'AwsSolutions-EC23', 'AwsSolutions-ELB2']],
    ['node-service', ['AwsSolutions-VPC7', 'AwsSolutions-APIG4']],
  ])('passes %s with every nag finding acknowledged with a reason', async (example, expectedAcks) => {
    const io = new RecordingIoHost();
    const result = await check({ dir: `examples/${example}`, io });
    expect(result.checkers).toEqual(['cfn-validate', 'wharf-trap', 'cdk-nag']);
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.passed).toBe(true);
    const ackIds = result.acknowledged.map((a) => a.ruleId);
    for (const id of expectedAcks) expect(ackIds).toContain(id);
    expect(ackIds.some((id) => id.startsWith('AwsSolutions-IAM4['))).toBe(true);
    for (const ack of result.acknowledged) {
      expect(ack.reason.length).toBeGreaterThan(40);
      expect(ack.logicalId).toBeDefined();
    }
    expect(io.withCode('WHARF_SYNTH_DONE')).toHaveLength(1);
  });

  it('reports a nag finding on the resource when the app does not acknowledge it (flat layout, flow logs on, environment set)', async () => {
    const result = await check({ dir: 'test/fixtures/apps/nag-findings' });
    const nag = result.findings.filter((f) => f.origin === 'cdk-nag');
    expect(nag.map((f) => f.ruleId)).toEqual(['AwsSolutions-ECS2']);
    expect(nag[0]?.logicalId).toMatch(/TaskDefinition/);
    expect(nag[0]?.resourceType).toBe('AWS::ECS::TaskDefinition');
    expect(result.passed).toBe(false);
    expect(result.acknowledged.map((a) => a.ruleId)).not.toContain('AwsSolutions-VPC7');
  });
});

describe('wharf check --template on hand-written CloudFormation', () => {
  it('fails with exit 1 and names the trap, resource and fix', async () => {
    const result = await runMain([
      'check',
      '--template',
      'test/fixtures/traps/apigw-cloudmap-not-srv/trips/parent.yml',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('apigw-cloudmap-not-srv');
    expect(result.stdout).toContain('Registry  AWS::ServiceDiscovery::Service');
    expect(result.stdout).toMatch(/fix: .*SRV/);
    expect(result.stdout).toMatch(/^FAILED: 2 errors/m);
  });

  it('passes a seed-shaped app with warnings only, listing them by nested stack', async () => {
    const result = await runMain(['check', '--template', 'test/fixtures/seeds-like/alb/parent.yml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('alb-sg-all-protocols');
    expect(result.stdout).toContain('log-retention-missing');
    expect(result.stdout).toMatch(/^ServiceStack {2}\(test\/fixtures\/seeds-like\/alb\/service\.yml\)$/m);
    expect(result.stdout).toMatch(/^PASSED: 0 errors, \d+ warnings/m);
  });

  it('prints the whole result as JSON with --json', async () => {
    const result = await runMain([
      'check',
      '--json',
      '--template',
      'test/fixtures/seeds-like/api-gateway/parent.yml',
    ]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.passed).toBe(true);
    expect(json.templates).toHaveLength(5);
    const traps = json.findings.filter((f: { origin: string }) => f.origin === 'wharf-trap');
    // http-api-unthrottled: the seed's stage sets no throttle (a warning: the check still passes)
    expect(traps.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual([
      'health-check-missing',
      'http-api-unthrottled',
      'image-tag-mutable',
      'log-retention-missing',
      'log-retention-missing',
    ]);
    expect(traps[0]).toMatchObject({
      file: expect.stringMatching(/\.yml$/),
      stack: expect.any(String),
      fix: expect.any(String),
    });
  });

  it.each([
    ['test/fixtures/templates/broken/not-yaml.txt', 'not-yaml.txt'],
    ['test/fixtures/templates/missing-nested/parent.yml', 'Properties.'],
    ['test/fixtures/does-not-exist.yml', 'does-not-exist.yml'],
  ])('exits 2 with a message naming the file for %s', async (file, named) => {
    const result = await runMain(['check', '--template', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
    expect(result.stdout).toBe('');
  });

  it('exits 2 when given both a folder and --template', async () => {
    const result = await runMain(['check', 'examples/api-gateway-fargate', '--template', 'x.yml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not both');
  });
});

describe('the check report', () => {
  it('groups findings by template and resource and hides info unless verbose', async () => {
    const result = await check({ templates: ['test/fixtures/traps/vpc-link-single-az/trips/template.yml'] });
    const text = renderCheckReport(result, { cwd: process.cwd() });
    expect(text).toContain('vpc-link-single-az');
    expect(text).not.toContain('· info');
    expect(renderCheckReport(result, { verbose: true })).toContain('· info');
  });
});
