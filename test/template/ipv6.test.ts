/**
 * IPv6 in the evaluated VPC: an Amazon-provided /56 from `AWS::EC2::VPCCidrBlock` answers
 * `VPC.Ipv6CidrBlocks`, subnets take /64s of it with `Fn::Cidr`, and `AWS::EC2::SubnetCidrBlock`
 * associates a block with a subnet (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html).
 */

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveApp } from '../../src/template/evaluate.js';
import { loadTemplateFile } from '../../src/template/load.js';
import type { CfnTemplate, LoadedApp, LoadedStack } from '../../src/template/model.js';

const DUAL_STACK = fileURLToPath(new URL('../fixtures/any-ecs/dual-stack.yml', import.meta.url));

function inlineApp(template: CfnTemplate): LoadedApp {
  const root: LoadedStack = {
    name: 'net.yml',
    path: [],
    file: '/virtual/net.yml',
    template,
    children: new Map(),
  };
  return { source: 'template-file', name: 'net', root, stacks: [root] };
}

describe('IPv6 blocks of VPCs and subnets', () => {
  const app = resolveApp(loadTemplateFile(DUAL_STACK));
  const resources = app.root.resources;

  it('gives a VPC with an Amazon-provided VPCCidrBlock one /56, which Fn::Select [0, VPC.Ipv6CidrBlocks] reads', () => {
    const block = app.root.outputs.VpcIpv6Block;
    expect(block).toMatch(/^2600:1f18:[0-9a-f]{1,4}:[0-9a-f]{0,2}00::\/56$/);
    expect(resources.get('VPC')?.attributes.Ipv6CidrBlocks).toEqual([block]);
    expect(resources.get('Ipv6Block')?.attributes).toEqual({
      Id: expect.stringMatching(/^vpc-cidr-assoc-[0-9a-f]{17}$/),
      IpSource: 'amazon',
      Ipv6AddressAttribute: 'public',
    });
  });

  it('gives each subnet the /64 Fn::Cidr picks from the VPC block, as its Ipv6CidrBlocks', () => {
    const prefix = String(app.root.outputs.VpcIpv6Block).replace(/00::\/56$/, '');
    const subnets = ['PublicSubnetOne', 'PublicSubnetTwo', 'PrivateSubnetOne', 'PrivateSubnetTwo'];
    expect(subnets.map((id) => resources.get(id)?.attributes.Ipv6CidrBlocks)).toEqual(
      [0, 1, 2, 3].map((n) => [`${prefix}0${n}::/64`]),
    );
    expect(app.root.outputs.PrivateSubnetOneIpv6Block).toBe(`${prefix}02::/64`);
  });

  it('lists no IPv6 block for a VPC whose only VPCCidrBlock adds IPv4 addresses', () => {
    const resolved = resolveApp(
      inlineApp({
        Resources: {
          VPC: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
          More: {
            Type: 'AWS::EC2::VPCCidrBlock',
            Properties: { VpcId: { Ref: 'VPC' }, CidrBlock: '10.1.0.0/16' },
          },
        },
      }),
    );
    expect(resolved.root.resources.get('VPC')?.attributes.Ipv6CidrBlocks).toEqual([]);
    expect(resolved.root.resources.get('More')?.attributes.IpSource).toBe('none');
  });

  it('adds the block of an AWS::EC2::SubnetCidrBlock to the subnet it names', () => {
    const resolved = resolveApp(
      inlineApp({
        Resources: {
          Subnet: { Type: 'AWS::EC2::Subnet', Properties: { CidrBlock: '10.0.0.0/24', VpcId: 'vpc-1' } },
          Other: { Type: 'AWS::EC2::Subnet', Properties: { CidrBlock: '10.0.1.0/24', VpcId: 'vpc-1' } },
          Block: {
            Type: 'AWS::EC2::SubnetCidrBlock',
            Properties: { SubnetId: { Ref: 'Subnet' }, Ipv6CidrBlock: '2600:1f18:1:200::/64' },
          },
        },
      }),
    );
    expect(resolved.root.resources.get('Subnet')?.attributes.Ipv6CidrBlocks).toEqual([
      '2600:1f18:1:200::/64',
    ]);
    expect(resolved.root.resources.get('Other')?.attributes.Ipv6CidrBlocks).toEqual([]);
  });
});
