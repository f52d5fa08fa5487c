/**
 * Deploy preflight: VPC link placement. API Gateway creates a VPC link's network interfaces only
 * in some Availability Zones (listed by AZ ID), and an account's zone names map to IDs its own way,
 * so the same template deploys in one account and fails in another. These tests give the check an
 * account's zone mapping (as EC2 DescribeAvailabilityZones returns it) and assert what it reports
 * for the seeds-like hand-written templates and for the synthesized CDK example. No AWS involved.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkVpcLinkPlacement,
  inspectVpcLinkPlacement,
  type ZoneMapping,
} from '../../src/deploy/preflight/vpc-link-placement.js';
import { VPC_LINK_SUPPORTED_ZONES } from '../../src/deploy/preflight/vpc-link-zones.js';
import { type SynthesizedApp, synthesizeApp } from '../../src/synth/synth.js';
import { loadTemplateFile } from '../../src/template/load.js';
import type { LoadedApp } from '../../src/template/model.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

const ACCOUNT = '111122223333';
const US_EAST_1_SUPPORTED = 'use1-az1, use1-az2, use1-az4, use1-az5, use1-az6';

/** An account where the first two zone names are supported zones. */
const GOOD_MAPPING: ZoneMapping[] = [
  { zoneName: 'us-east-1a', zoneId: 'use1-az1' },
  { zoneName: 'us-east-1b', zoneId: 'use1-az2' },
  { zoneName: 'us-east-1c', zoneId: 'use1-az3' },
];

/** An account where us-east-1b is use1-az3, the zone without VPC links. */
const BAD_MAPPING: ZoneMapping[] = [
  { zoneName: 'us-east-1a', zoneId: 'use1-az1' },
  { zoneName: 'us-east-1b', zoneId: 'use1-az3' },
  { zoneName: 'us-east-1c', zoneId: 'use1-az2' },
];

/** Cape Town: not in the table, so no VPC links at all. */
const AF_SOUTH_1: ZoneMapping[] = [
  { zoneName: 'af-south-1a', zoneId: 'afs1-az1' },
  { zoneName: 'af-south-1b', zoneId: 'afs1-az2' },
  { zoneName: 'af-south-1c', zoneId: 'afs1-az3' },
];

describe('the supported-zones table', () => {
  it('lists us-east-1 without use1-az3, by AZ ID', () => {
    expect(VPC_LINK_SUPPORTED_ZONES['us-east-1']).toEqual([
      'use1-az1',
      'use1-az2',
      'use1-az4',
      'use1-az5',
      'use1-az6',
    ]);
  });

  it('has AZ IDs only, each once, and no entry for regions without VPC links', () => {
    const all = Object.values(VPC_LINK_SUPPORTED_ZONES).flat();
    expect(all.every((id) => /^[a-z0-9]+-az[0-9]+$/.test(id))).toBe(true);
    expect(new Set(all).size).toBe(all.length);
    expect(VPC_LINK_SUPPORTED_ZONES['af-south-1']).toBeUndefined();
    expect(Object.keys(VPC_LINK_SUPPORTED_ZONES)).toHaveLength(20);
  });
});

describe('VPC link placement, seeds-like templates (VPC link in one nested stack, subnets in another)', () => {
  const app = () => loadTemplateFile(fixture('seeds-like/api-gateway/parent.yml'));

  it('finds nothing wrong when the first two zone names are supported zones', () => {
    const report = inspectVpcLinkPlacement(app(), {
      account: ACCOUNT,
      region: 'us-east-1',
      zones: GOOD_MAPPING,
    });
    expect(report.problems).toEqual([]);
    expect(report.unchecked).toEqual([]);
    expect(report.checked.map((c) => [c.vpcLinkLogicalId, c.subnetLogicalId, c.zoneName, c.zoneId])).toEqual([
      ['VpcLink', 'PublicSubnetOne', 'us-east-1a', 'use1-az1'],
      ['VpcLink', 'PublicSubnetTwo', 'us-east-1b', 'use1-az2'],
    ]);
  });

  it('reports the subnet whose zone name maps to use1-az3, naming files, resources, zone and supported IDs', () => {
    const problems = checkVpcLinkPlacement(app(), {
      account: ACCOUNT,
      region: 'us-east-1',
      zones: BAD_MAPPING,
      cwd: fixture('seeds-like/api-gateway'),
    });
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem).toMatchObject({
      kind: 'zone',
      stack: 'ApiGatewayStack',
      vpcLinkLogicalId: 'VpcLink',
      subnetLogicalId: 'PublicSubnetTwo',
      subnetStack: 'VpcStack',
      zoneName: 'us-east-1b',
      zoneId: 'use1-az3',
      supportedZoneIds: US_EAST_1_SUPPORTED.split(', '),
    });
    expect(problem.file).toBe(fixture('seeds-like/api-gateway/api-gateway.yml'));
    expect(problem.subnetFile).toBe(fixture('seeds-like/api-gateway/vpc.yml'));
    expect(problem.message).toMatch(/^api-gateway\.yml: VpcLink: /);
    expect(problem.message).toContain('subnet PublicSubnetTwo (declared in vpc.yml) in us-east-1b');
    expect(problem.message).toContain('us-east-1b (AZ ID use1-az3)');
    expect(problem.message).toContain(`only in ${US_EAST_1_SUPPORTED}`);
    expect(problem.message).toContain('Fn::Select index 1 of Fn::GetAZs');
    // The next step names the zones this account can use, by name and ID.
    expect(problem.nextSteps[0]).toContain('us-east-1a (use1-az1), us-east-1c (use1-az2)');
    expect(problem.nextSteps[1]).toContain(`AvailabilityZoneId set to one of ${US_EAST_1_SUPPORTED}`);
    expect(problem.message).toContain(`Next: ${problem.nextSteps.join('; ')}.`);
  });

  it('reports the whole region when it offers no VPC links, without tracing subnets', () => {
    const report = inspectVpcLinkPlacement(app(), {
      account: ACCOUNT,
      region: 'af-south-1',
      zones: AF_SOUTH_1,
    });
    expect(report.checked).toEqual([]);
    expect(report.problems).toHaveLength(1);
    const [problem] = report.problems;
    expect(problem).toMatchObject({ kind: 'region', vpcLinkLogicalId: 'VpcLink', supportedZoneIds: [] });
    expect(problem.subnetLogicalId).toBeUndefined();
    expect(problem.message).toContain('does not offer VPC links for HTTP APIs in af-south-1');
    expect(problem.message).toContain('http-api-vpc-links.html');
    expect(problem.nextSteps[0]).toContain('us-east-1');
  });

  it('returns [] for a template without a VPC link, whatever the region', () => {
    const cluster = loadTemplateFile(fixture('seeds-like/api-gateway/cluster.yml'));
    expect(
      checkVpcLinkPlacement(cluster, { account: ACCOUNT, region: 'us-east-1', zones: BAD_MAPPING }),
    ).toEqual([]);
    expect(
      checkVpcLinkPlacement(cluster, { account: ACCOUNT, region: 'af-south-1', zones: AF_SOUTH_1 }),
    ).toEqual([]);
  });
});

describe('VPC link placement, single templates', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wharf-preflight-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function template(name: string, body: object): LoadedApp {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(body, null, 2));
    return loadTemplateFile(file);
  }

  it('lists subnets passed in as parameters as unchecked, not as problems', () => {
    const app = template('existing-subnets.json', {
      Parameters: {
        SubnetIds: { Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-0aaa,subnet-0bbb' },
      },
      Resources: {
        Link: {
          Type: 'AWS::ApiGatewayV2::VpcLink',
          Properties: { Name: 'l', SubnetIds: { Ref: 'SubnetIds' } },
        },
      },
    });
    const report = inspectVpcLinkPlacement(app, {
      account: ACCOUNT,
      region: 'us-east-1',
      zones: BAD_MAPPING,
      parameters: { SubnetIds: 'subnet-0ccc,subnet-0ddd' },
    });
    expect(report.problems).toEqual([]);
    expect(report.unchecked.map((u) => [u.reason, u.subnetId])).toEqual([
      ['subnet-not-in-app', 'subnet-0ccc'],
      ['subnet-not-in-app', 'subnet-0ddd'],
    ]);
    expect(report.unchecked[0].message).toContain('existing-subnets.json: Link');
    expect(report.unchecked[0].message).toContain('not created by this app');
  });

  it('reports a subnet placed by AvailabilityZoneId, and leaves zones it cannot name unchecked', () => {
    const app = template('zone-ids.json', {
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
        ById: {
          Type: 'AWS::EC2::Subnet',
          Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24', AvailabilityZoneId: 'use1-az3' },
        },
        Fine: {
          Type: 'AWS::EC2::Subnet',
          Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' },
        },
        Elsewhere: {
          Type: 'AWS::EC2::Subnet',
          Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1f' },
        },
        Anywhere: {
          Type: 'AWS::EC2::Subnet',
          Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.3.0/24' },
        },
        Link: {
          Type: 'AWS::ApiGatewayV2::VpcLink',
          Properties: {
            Name: 'l',
            SubnetIds: [{ Ref: 'ById' }, { Ref: 'Fine' }, { Ref: 'Elsewhere' }, { Ref: 'Anywhere' }],
          },
        },
      },
    });
    const report = inspectVpcLinkPlacement(app, {
      account: ACCOUNT,
      region: 'us-east-1',
      zones: BAD_MAPPING,
    });
    expect(report.problems.map((p) => [p.subnetLogicalId, p.zoneName, p.zoneId])).toEqual([
      ['ById', 'us-east-1b', 'use1-az3'],
    ]);
    expect(report.problems[0].subnetFile).toBeUndefined();
    expect(report.checked.map((c) => c.subnetLogicalId)).toEqual(['Fine']);
    expect(report.unchecked.map((u) => [u.subnetLogicalId, u.reason])).toEqual([
      ['Elsewhere', 'zone-not-in-region'],
      ['Anywhere', 'zone-not-set'],
    ]);
  });

  it('skips VPC links whose Condition is false', () => {
    const app = template('conditional.json', {
      Parameters: { WithApi: { Type: 'String', Default: 'no' } },
      Conditions: { Api: { 'Fn::Equals': [{ Ref: 'WithApi' }, 'yes'] } },
      Resources: {
        Link: {
          Type: 'AWS::ApiGatewayV2::VpcLink',
          Condition: 'Api',
          Properties: { Name: 'l', SubnetIds: [] },
        },
      },
    });
    expect(checkVpcLinkPlacement(app, { account: ACCOUNT, region: 'af-south-1', zones: AF_SOUTH_1 })).toEqual(
      [],
    );
    expect(
      checkVpcLinkPlacement(app, {
        account: ACCOUNT,
        region: 'af-south-1',
        zones: AF_SOUTH_1,
        parameters: { WithApi: 'yes' },
      }),
    ).toHaveLength(1);
  });

  it('still judges the region, and says what it skipped, when the app cannot be evaluated locally', () => {
    const app = template('import.json', {
      Resources: {
        Link: {
          Type: 'AWS::ApiGatewayV2::VpcLink',
          Properties: { Name: 'l', SubnetIds: [{ 'Fn::ImportValue': 'shared-subnet-a' }] },
        },
      },
    });
    const inRegion = inspectVpcLinkPlacement(app, {
      account: ACCOUNT,
      region: 'us-east-1',
      zones: GOOD_MAPPING,
    });
    expect(inRegion.problems).toEqual([]);
    expect(inRegion.unchecked.map((u) => [u.vpcLinkLogicalId, u.reason])).toEqual([
      ['Link', 'not-evaluated'],
    ]);
    expect(inRegion.unchecked[0].message).toContain('shared-subnet-a');
    const outside = inspectVpcLinkPlacement(app, {
      account: ACCOUNT,
      region: 'af-south-1',
      zones: AF_SOUTH_1,
    });
    expect(outside.problems.map((p) => p.kind)).toEqual(['region']);
  });
});

describe('VPC link placement, CDK example api-gateway-fargate (synthesized offline)', () => {
  let synthesized: SynthesizedApp | undefined;
  let app: LoadedApp;
  beforeAll(async () => {
    synthesized = await synthesizeApp({ dir: 'examples/api-gateway-fargate' });
    app = synthesized.apps[0];
  });
  afterAll(() => synthesized?.dispose());

  it('finds nothing wrong when the first two zone names are supported zones', () => {
    const report = inspectVpcLinkPlacement(app, {
      account: ACCOUNT,
      region: 'us-east-1',
      zones: GOOD_MAPPING,
    });
    expect(report.problems).toEqual([]);
    expect(report.unchecked).toEqual([]);
    expect(report.checked.map((c) => c.zoneId)).toEqual(['use1-az1', 'use1-az2']);
  });

  it('reports the second public subnet when us-east-1b is use1-az3, naming both nested stacks', () => {
    const problems = checkVpcLinkPlacement(app, {
      account: ACCOUNT,
      region: 'us-east-1',
      zones: BAD_MAPPING,
    });
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem).toMatchObject({
      kind: 'zone',
      stack: 'ApiGatewayStack',
      subnetStack: 'VpcStack',
      zoneName: 'us-east-1b',
      zoneId: 'use1-az3',
    });
    expect(problem.subnetLogicalId).toBe('PublicSubnetTwo');
    expect(problem.message).toMatch(
      /^stack ApiGatewayFargate\/ApiGatewayStack \(cdk\.out\/\S+\.nested\.template\.json\): ApiGatewayVpcLink: /,
    );
    expect(problem.message).toMatch(
      /subnet PublicSubnetTwo \(declared in stack ApiGatewayFargate\/VpcStack \(cdk\.out\/\S+\.json\)\) in us-east-1b/,
    );
    expect(problem.message).toContain(`only in ${US_EAST_1_SUPPORTED}`);
    expect(problem.nextSteps[0]).toContain('us-east-1a (use1-az1), us-east-1c (use1-az2)');
  });

  it('reports the region when it offers no VPC links', () => {
    const problems = checkVpcLinkPlacement(app, {
      account: ACCOUNT,
      region: 'af-south-1',
      zones: AF_SOUTH_1,
    });
    expect(problems.map((p) => [p.kind, p.stack])).toEqual([['region', 'ApiGatewayStack']]);
  });
});
