/**
 * IPv6 in the VPC model: `AWS::EC2::VPCCidrBlock` (with `AmazonProvidedIpv6CidrBlock: true`, a
 * /56 from Amazon's pool, invented deterministically; or the `Ipv6CidrBlock` it names), the VPC's
 * `Ipv6CidrBlocks` (the IPv6 blocks of the `VPCCidrBlock` resources that name the VPC, so
 * `Fn::Select [0, !GetAtt VPC.Ipv6CidrBlocks]` works), `AWS::EC2::SubnetCidrBlock`, and the
 * subnet's `Ipv6CidrBlocks` (its `Ipv6CidrBlock`, or the `SubnetCidrBlock` resources naming it).
 *
 * Amazon gives a VPC a /56 and a subnet takes a /64 from it:
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html ("IPv6 VPC CIDR blocks").
 * Return values: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpccidrblock.html
 */

import type { PlainValue } from './resolved.js';
import { own, type ResourceContext, type ResourceKind, text } from './resource-kind.js';

/** The IPv6 block of a `VPCCidrBlock` or `SubnetCidrBlock`, if it has one. */
function associatedIpv6Block(ctx: ResourceContext): string | undefined {
  const written = text(ctx, 'Ipv6CidrBlock');
  if (written !== undefined) return written;
  if (ctx.type !== 'AWS::EC2::VPCCidrBlock' || ctx.property('AmazonProvidedIpv6CidrBlock') !== true)
    return undefined;
  // Amazon's pool for us-east-1 VPCs includes 2600:1f18::/32; the next 24 bits pick the /56.
  const bits = ctx.ids.hex(6, 'ipv6-block');
  return `2600:1f18:${bits.slice(0, 4).replace(/^0+(?=.)/, '')}:${bits.slice(4, 6).replace(/^0(?=.)/, '')}00::/56`;
}

/** The IPv6 blocks associated with `ctx` by resources of `associationType` whose `idProperty` is its `Ref`. */
function associatedBlocks(ctx: ResourceContext, associationType: string, idProperty: string): PlainValue[] {
  const id = ctx.ref();
  return ctx
    .siblings(associationType)
    .filter((association) => association.property(idProperty) === id)
    .map(associatedIpv6Block)
    .filter((block): block is string => block !== undefined);
}

/** `AWS::EC2::VPC.Ipv6CidrBlocks`. */
export const vpcIpv6CidrBlocks = (ctx: ResourceContext): PlainValue =>
  associatedBlocks(ctx, 'AWS::EC2::VPCCidrBlock', 'VpcId');

/** `AWS::EC2::Subnet.Ipv6CidrBlocks`. */
export const subnetIpv6CidrBlocks = (ctx: ResourceContext): PlainValue => {
  const own = text(ctx, 'Ipv6CidrBlock');
  return [
    ...(own === undefined ? [] : [own]),
    ...associatedBlocks(ctx, 'AWS::EC2::SubnetCidrBlock', 'SubnetId'),
  ];
};

function association(prefix: string): ResourceKind {
  const ipv6 = (ctx: ResourceContext) => associatedIpv6Block(ctx) !== undefined;
  return {
    ref: (ctx) => `${prefix}-${ctx.ids.hex(17)}`,
    attributes: {
      Id: own,
      // Who allocated the IPv6 block: Amazon, or the user's own pool; `none` for an IPv4 block.
      IpSource: (ctx) =>
        !ipv6(ctx)
          ? 'none'
          : ctx.type === 'AWS::EC2::SubnetCidrBlock' || ctx.property('AmazonProvidedIpv6CidrBlock') === true
            ? 'amazon'
            : 'byoip',
      // Amazon-provided and BYOIP IPv6 blocks are public (global unicast) addresses.
      Ipv6AddressAttribute: (ctx) => (ipv6(ctx) ? 'public' : 'none'),
    },
  };
}

/** The `Ref` and attributes of the IPv6 association types. */
export const IPV6_KINDS: Readonly<Record<string, ResourceKind>> = {
  'AWS::EC2::VPCCidrBlock': association('vpc-cidr-assoc'),
  'AWS::EC2::SubnetCidrBlock': association('subnet-cidr-assoc'),
};
