/**
 * The local VPC: private addresses from subnet CIDRs, translation to loopback endpoints, and
 * security-group ingress evaluation for new connections.
 */

import { describe, expect, it } from 'vitest';
import type { IngressRule, SecurityGroupConfig, SubnetConfig } from '../../../src/local/network/types.js';
import { LocalVpc, parseCidr } from '../../../src/local/network/vpc.js';

const origin = (logicalId: string) => ({ file: '/app/service.yml', stackName: 'ServiceStack', logicalId });
const subnet = (id: string, cidrBlock: string, availabilityZone: string): SubnetConfig => ({
  id,
  cidrBlock,
  availabilityZone,
  public: false,
  origin: origin(id),
});
const rule = (r: Partial<IngressRule>): IngressRule => ({ protocol: 'tcp', origin: origin('Rule'), ...r });
const group = (id: string, logicalId: string, ingress: IngressRule[]): SecurityGroupConfig => ({
  id,
  description: logicalId,
  ingress,
  origin: origin(logicalId),
});

const SUBNETS = [
  subnet('subnet-a', '10.0.0.0/24', 'us-east-1a'),
  subnet('subnet-b', '10.0.1.0/24', 'us-east-1b'),
];
const FROM_LB = { securityGroupIds: ['sg-lb'], sourceIp: '10.0.0.200', label: 'load balancer web' };

function vpcWith(taskGroup: SecurityGroupConfig): { vpc: LocalVpc; ip: string } {
  const vpc = new LocalVpc(SUBNETS, [taskGroup, group('sg-lb', 'LoadBalancerSG', [])]);
  const { privateIp } = vpc.attach('task1', ['subnet-a'], [taskGroup.id]);
  vpc.expose(privateIp, 80, { host: '127.0.0.1', port: 40_001 });
  return { vpc, ip: privateIp };
}

describe('LocalVpc', () => {
  it('gives ENIs addresses in the first listed subnet, skipping the addresses AWS reserves', () => {
    const vpc = new LocalVpc(SUBNETS, []);
    expect(vpc.attach('a', ['subnet-b', 'subnet-a'], [])).toEqual({
      privateIp: '10.0.1.4',
      subnetId: 'subnet-b',
      availabilityZone: 'us-east-1b',
    });
    expect(vpc.attach('b', ['subnet-a', 'subnet-b'], []).privateIp).toBe('10.0.0.4');
    expect(vpc.attach('c', ['subnet-a'], []).privateIp).toBe('10.0.0.5');
  });

  it('gives ENIs in a dual-stack subnet an IPv6 address from its block as well, and none in an IPv4-only subnet', () => {
    const dualStack = {
      ...subnet('subnet-d', '10.0.2.0/24', 'us-east-1a'),
      ipv6CidrBlock: '2600:1f18:ab:1200::/64',
    };
    const vpc = new LocalVpc([dualStack, ...SUBNETS], []);
    expect(vpc.attach('a', ['subnet-d'], [])).toEqual({
      privateIp: '10.0.2.4',
      ipv6Address: '2600:1f18:ab:1200::4',
      subnetId: 'subnet-d',
      availabilityZone: 'us-east-1a',
    });
    expect(vpc.attach('b', ['subnet-d'], []).ipv6Address).toBe('2600:1f18:ab:1200::5');
    expect(vpc.attach('c', ['subnet-a'], []).ipv6Address).toBeUndefined();
  });

  it('rejects a subnet whose IPv6 block is not an IPv6 CIDR block, naming the subnet and property', () => {
    const wrong = { ...subnet('subnet-d', '10.0.2.0/24', 'us-east-1a'), ipv6CidrBlock: '10.0.3.0/24' };
    expect(() => new LocalVpc([wrong], [])).toThrow(
      /service\.yml.*subnet-d.*Ipv6CidrBlock.*'10\.0\.3\.0\/24' is not an IPv6 CIDR block/,
    );
  });

  it('lets every connection into a bridge or host mode task (no security group of its own), and refuses one into an awsvpc task without groups', () => {
    const vpc = new LocalVpc(SUBNETS, [group('sg-lb', 'LoadBalancerSG', [])]);
    const bridge = vpc.attach('bridge-task', ['subnet-a'], null).privateIp;
    vpc.expose(bridge, 80, { host: '127.0.0.1', port: 40_002 });
    expect(vpc.route(FROM_LB, bridge, 80)).toEqual({ ok: true, host: '127.0.0.1', port: 40_002 });
    const awsvpc = vpc.attach('awsvpc-task', ['subnet-a'], []).privateIp;
    vpc.expose(awsvpc, 80, { host: '127.0.0.1', port: 40_003 });
    expect(vpc.route(FROM_LB, awsvpc, 80)).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it('releases an address on detach; nothing is reachable there afterwards', () => {
    const { vpc, ip } = vpcWith(
      group('sg-task', 'ServiceSecurityGroup', [rule({ sourceSecurityGroupId: 'sg-lb' })]),
    );
    expect(vpc.route(FROM_LB, ip, 80)).toEqual({ ok: true, host: '127.0.0.1', port: 40_001 });
    vpc.detach('task1');
    expect(vpc.route(FROM_LB, ip, 80)).toMatchObject({ ok: false, reason: 'no-such-address' });
  });

  it.each<[string, boolean, IngressRule]>([
    [
      'a rule from the source group on that port',
      true,
      rule({ sourceSecurityGroupId: 'sg-lb', fromPort: 80, toPort: 80 }),
    ],
    [
      'a rule from the source group, all protocols (-1)',
      true,
      rule({ protocol: '-1', sourceSecurityGroupId: 'sg-lb' }),
    ],
    [
      'a rule from the source group on another port',
      false,
      rule({ sourceSecurityGroupId: 'sg-lb', fromPort: 443, toPort: 443 }),
    ],
    ['a rule from another group', false, rule({ sourceSecurityGroupId: 'sg-other' })],
    ['a udp rule', false, rule({ protocol: 'udp', sourceSecurityGroupId: 'sg-lb' })],
    [
      'a CIDR rule holding the source address',
      true,
      rule({ cidrIp: '10.0.0.0/16', fromPort: 0, toPort: 65535 }),
    ],
    ['a CIDR rule not holding it', false, rule({ cidrIp: '192.168.0.0/16' })],
    ['0.0.0.0/0 on a port range', true, rule({ cidrIp: '0.0.0.0/0', fromPort: 1, toPort: 1024 })],
  ])('a connection on tcp 80 with %s: allowed = %s', (_name, allowed, ingress) => {
    const { vpc, ip } = vpcWith(group('sg-task', 'ServiceSecurityGroup', [ingress]));
    expect(vpc.route(FROM_LB, ip, 80).ok).toBe(allowed);
  });

  it('names the missing rule, both groups and their files when a connection is blocked', () => {
    const { vpc, ip } = vpcWith(group('sg-task', 'ServiceSecurityGroup', []));
    const result = vpc.route(FROM_LB, ip, 80);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('blocked');
    expect(result.message).toContain(
      'load balancer web (10.0.0.200; sg-lb (LoadBalancerSG in /app/service.yml))',
    );
    expect(result.message).toContain(
      'no ingress rule of sg-task (ServiceSecurityGroup in /app/service.yml) allows tcp port 80',
    );
    expect(result.message).toContain(
      'Add an AWS::EC2::SecurityGroupIngress with GroupId = ServiceSecurityGroup in /app/service.yml, SourceSecurityGroupId = LoadBalancerSG in /app/service.yml, IpProtocol tcp, FromPort 80, ToPort 80.',
    );
  });

  it('says the task has no security group when its service gives none (an EC2 bridge-mode service)', () => {
    const vpc = new LocalVpc(SUBNETS, [group('sg-lb', 'LoadBalancerSG', [])]);
    const { privateIp } = vpc.attach('task1', [], []);
    vpc.expose(privateIp, 80, { host: '127.0.0.1', port: 40_001 });
    const result = vpc.route(FROM_LB, privateIp, 80);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(
      'no ingress rule of the task (it has no security group: its service gives none in ' +
        'NetworkConfiguration.AwsvpcConfiguration) allows tcp port 80 from it.',
    );
  });

  it('rejects a malformed CIDR block naming where it was written', () => {
    expect(() => new LocalVpc([subnet('subnet-x', '10.0.0/24', 'us-east-1a')], [])).toThrow(
      "/app/service.yml: subnet-x.CidrBlock: '10.0.0/24' is not an IPv4 CIDR block such as 10.0.0.0/24",
    );
    expect(parseCidr('10.0.7.9/16', 'x')).toEqual({ base: 10 * 2 ** 24, size: 65_536 });
  });
});
