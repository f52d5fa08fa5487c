import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DiagramModel,
  loadDiagramModel,
  securityGroupVerdict,
  spreadTasks,
} from '../../src/diagram/model.js';
import { tempDir } from '../support/cli.js';

const byKind = (model: DiagramModel, kind: string) => model.nodes.filter((n) => n.kind === kind);
const groupOf = (model: DiagramModel, id: string | undefined) => model.groups.find((g) => g.id === id);
const edge = (model: DiagramModel, fromKind: string, toKind: string) =>
  model.edges.filter(
    (e) =>
      model.nodes.find((n) => n.id === e.from)?.kind === fromKind &&
      model.nodes.find((n) => n.id === e.to)?.kind === toKind,
  );

/** The placement of the tasks: `<AZ> <public|private>` per task node. */
const taskPlacement = (model: DiagramModel) =>
  byKind(model, 'tasks').map((t) => {
    const subnet = groupOf(model, t.group);
    return `${subnet?.availabilityZone} ${subnet?.public ? 'public' : 'private'}`;
  });

describe('the diagram model of the API Gateway pattern', () => {
  const cases: [string, Parameters<typeof loadDiagramModel>[0], string][] = [
    ['example CDK app', { dir: 'examples/api-gateway-fargate' }, 'SG: tcp 80 from VPC link SG'],
    [
      'seed-shaped YAML',
      { template: 'test/fixtures/seeds-like/api-gateway/parent.yml' },
      'SG: all traffic from VPC link SG',
    ],
  ];
  for (const [name, source, sgLine] of cases) {
    describe(name, () => {
      let model: DiagramModel;
      beforeAll(async () => {
        model = await loadDiagramModel(source);
      }, 120_000);

      it('chains internet → HTTP API → VPC link → Cloud Map, and the VPC link to each task on port 80', () => {
        expect(model.title).toMatch(/API Gateway → VPC link → Cloud Map → Fargate$/);
        expect(edge(model, 'internet', 'http-api').map((e) => e.labels)).toEqual([['HTTPS']]);
        expect(edge(model, 'http-api', 'vpc-link').map((e) => e.labels)).toEqual([
          ['VPC_LINK integration', 'route $default'],
        ]);
        expect(edge(model, 'vpc-link', 'cloud-map').map((e) => [e.kind, ...e.labels])).toEqual([
          ['discovery', 'DiscoverInstances', 'SRV records'],
        ]);
        const toTasks = edge(model, 'vpc-link', 'tasks');
        expect(toTasks).toHaveLength(2);
        for (const e of toTasks) expect(e.labels).toEqual(['HTTP :80', sgLine]);
        expect(byKind(model, 'cloud-map')[0]?.details).toContain('web.internal');
        expect(byKind(model, 'load-balancer')).toEqual([]);
      });

      it('places one task in the public subnet of each of two AZs, with a public IP and no NAT', () => {
        expect(taskPlacement(model)).toEqual(['us-east-1a public', 'us-east-1b public']);
        for (const t of byKind(model, 'tasks')) {
          expect(t.label).toBe('Fargate: web ×1');
          expect(t.details).toEqual(['256 CPU / 512 MiB', 'public IP', 'SG ServiceSecurityGroup']);
        }
        expect(byKind(model, 'nat-gateway')).toEqual([]);
        expect(model.groups.filter((g) => g.kind === 'subnet').map((g) => g.label)).toEqual([
          'public subnet 10.0.0.0/18',
          'public subnet 10.0.64.0/18',
        ]);
        expect(groupOf(model, 'vpc')?.label).toBe('VPC 10.0.0.0/16');
        expect(model.groups.filter((g) => g.kind === 'az').map((g) => g.label)).toEqual([
          'us-east-1a',
          'us-east-1b',
        ]);
        expect(byKind(model, 'vpc-link')[0]?.details).toContain('ENIs in 2 subnets (us-east-1a, us-east-1b)');
      });
    });
  }

  it('flags the seed-shaped all-protocol service rule as a warning', async () => {
    const model = await loadDiagramModel({ template: 'test/fixtures/seeds-like/api-gateway/parent.yml' });
    expect(edge(model, 'vpc-link', 'tasks')[0]?.warning).toBe(
      'ServiceSecurityGroup allows every protocol and port from VPC link SG',
    );
  });
});

describe('the diagram model of the public ALB pattern', () => {
  const cases: [string, Parameters<typeof loadDiagramModel>[0], string, string][] = [
    [
      'example CDK app',
      { dir: 'examples/public-alb-fargate' },
      'SG: tcp 80 from 0.0.0.0/0',
      'SG: tcp 80 from ALB SG',
    ],
    [
      'seed-shaped YAML',
      { template: 'test/fixtures/seeds-like/alb/parent.yml' },
      'SG: all traffic from 0.0.0.0/0',
      'SG: all traffic from ALB SG',
    ],
  ];
  for (const [name, source, albLine, taskLine] of cases) {
    describe(name, () => {
      let model: DiagramModel;
      beforeAll(async () => {
        model = await loadDiagramModel(source);
      }, 120_000);

      it('sends the internet to the ALB on its listener and the ALB to each task on the container port', () => {
        expect(model.title).toMatch(/Application Load Balancer → Fargate$/);
        expect(edge(model, 'internet', 'load-balancer').map((e) => e.labels)).toEqual([
          ['HTTP :80', albLine],
        ]);
        const toTasks = edge(model, 'load-balancer', 'tasks');
        expect(toTasks.map((e) => e.labels)).toEqual([
          ['HTTP :80', taskLine],
          ['HTTP :80', taskLine],
        ]);
        expect(byKind(model, 'http-api')).toEqual([]);
        expect(byKind(model, 'cloud-map')).toEqual([]);
      });

      it('puts the tasks in the private subnets and each AZ’s NAT gateway in its public subnet, egress per AZ', () => {
        expect(taskPlacement(model)).toEqual(['us-east-1a private', 'us-east-1b private']);
        const nats = byKind(model, 'nat-gateway').map((n) => {
          const subnet = groupOf(model, n.group);
          return `${subnet?.availabilityZone} ${subnet?.public ? 'public' : 'private'}`;
        });
        expect(nats).toEqual(['us-east-1a public', 'us-east-1b public']);
        const egress = model.edges.filter((e) => e.kind === 'egress');
        expect(egress).toHaveLength(2);
        for (const e of egress) {
          const task = model.nodes.find((n) => n.id === e.from);
          const nat = model.nodes.find((n) => n.id === e.to);
          expect(groupOf(model, task?.group)?.availabilityZone).toBe(
            groupOf(model, nat?.group)?.availabilityZone,
          );
        }
        expect(model.groups.filter((g) => g.kind === 'subnet').map((g) => g.label)).toEqual([
          'public subnet 10.0.0.0/18',
          'private subnet 10.0.128.0/18',
          'public subnet 10.0.64.0/18',
          'private subnet 10.0.192.0/18',
        ]);
        expect(byKind(model, 'internet-gateway')[0]?.details).toContain(
          'default route of the public subnets',
        );
      });
    });
  }
});

describe('diagram model of incomplete templates', () => {
  it('draws a VPC without ingress and says so in a note', async () => {
    const dir = tempDir('wharf-diagram-');
    const file = join(dir, 'vpc-only.yml');
    writeFileSync(
      file,
      [
        'Resources:',
        '  Vpc:',
        '    Type: AWS::EC2::VPC',
        '    Properties: { CidrBlock: 10.1.0.0/16 }',
        '  Subnet:',
        '    Type: AWS::EC2::Subnet',
        '    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.0.0/24, AvailabilityZone: eu-west-1a }',
        '',
      ].join('\n'),
    );
    const model = await loadDiagramModel({ template: file });
    expect(model.nodes).toEqual([]);
    expect(model.groups.map((g) => `${g.kind} ${g.label}`)).toEqual([
      'vpc VPC 10.1.0.0/16',
      'az eu-west-1a',
      'subnet private subnet 10.1.0.0/24',
    ]);
    expect(model.notes).toEqual([
      'No ingress in these templates (no API Gateway HTTP API, no load balancer): only the network and services are drawn.',
    ]);
    expect(model.title).toBe('vpc-only: network and services');
  });

  it('fails with the loader’s error for a missing file', async () => {
    await expect(loadDiagramModel({ template: 'test/fixtures/does-not-exist.yml' })).rejects.toThrow(
      /does-not-exist\.yml/,
    );
  });
});

describe('diagram model helpers', () => {
  it('spreads tasks evenly over subnets, the first subnets taking the remainder', () => {
    expect(spreadTasks(2, 2)).toEqual([1, 1]);
    expect(spreadTasks(5, 3)).toEqual([2, 2, 1]);
    expect(spreadTasks(1, 2)).toEqual([1, 0]);
    expect(spreadTasks(0, 2)).toEqual([0, 0]);
  });

  it('summarises the security-group rule that admits a source, or its absence', () => {
    const origin = { file: 'f.yml', stackName: 'S', logicalId: 'Web' };
    const groups = [
      {
        id: 'sg-web',
        description: '',
        origin,
        ingress: [
          { protocol: 'tcp', fromPort: 8000, toPort: 8100, sourceSecurityGroupId: 'sg-lb', origin },
          { protocol: '-1', cidrIp: '10.0.0.0/16', origin },
        ],
      },
    ];
    expect(securityGroupVerdict(groups, ['sg-web'], { groupIds: ['sg-lb'], name: 'ALB SG' }, 8080)).toEqual({
      text: 'SG: tcp 8000-8100 from ALB SG',
    });
    expect(securityGroupVerdict(groups, ['sg-web'], { groupIds: ['sg-lb'], name: 'ALB SG' }, 9000)).toEqual({
      text: 'SG: nothing allows :9000',
      warning: 'no security group rule lets ALB SG in on port 9000',
    });
    expect(
      securityGroupVerdict(groups, ['sg-web'], { cidr: '10.0.0.0/16', name: '10.0.0.0/16' }, 80).warning,
    ).toBe('Web allows every protocol and port from 10.0.0.0/16');
  });
});
