/**
 * The VPC as the local cloud sees it: subnets (for private IPs and AZs) and security groups (for
 * who may reach whom). Built from `AWS::EC2::Subnet`, `AWS::EC2::SecurityGroup` and
 * `AWS::EC2::SecurityGroupIngress` resources.
 */

import type { Origin } from '../origin.js';

/** One subnet: tasks and ingress ENIs placed in it get an address from its CIDR. */
export interface SubnetConfig {
  /** Physical id, `subnet-…`. */
  readonly id: string;
  readonly cidrBlock: string;
  /**
   * The subnet's IPv6 block (its `Ipv6CidrBlock`, or an `AWS::EC2::SubnetCidrBlock`): tasks placed
   * in it also get an IPv6 address. @default - IPv4 only
   */
  readonly ipv6CidrBlock?: string;
  readonly availabilityZone: string;
  /** True when `MapPublicIpOnLaunch` is set or the subnet routes to an internet gateway. */
  readonly public: boolean;
  readonly origin: Origin;
}

/** One ingress rule of a security group, as AWS evaluates it. */
export interface IngressRule {
  /** `tcp`, `udp`, `icmp` or `-1` (all), lower case; protocol numbers are mapped (`6` → `tcp`). */
  readonly protocol: string;
  /** Inclusive port range; both `undefined` (or -1) for all ports. */
  readonly fromPort?: number;
  readonly toPort?: number;
  /** IPv4 source range, e.g. `0.0.0.0/0`. */
  readonly cidrIp?: string;
  /** Source security group id, `sg-…`. */
  readonly sourceSecurityGroupId?: string;
  /** Where the rule is written: the group's `SecurityGroupIngress.N` or an `AWS::EC2::SecurityGroupIngress`. */
  readonly origin: Origin;
  readonly propertyPath?: string;
}

/** One security group with all its ingress rules (inline and separate resources merged). */
export interface SecurityGroupConfig {
  /** Physical id, `sg-…`. */
  readonly id: string;
  readonly description: string;
  readonly ingress: readonly IngressRule[];
  readonly origin: Origin;
}

/** Who opens a connection inside the VPC (an ingress ENI or a task). */
export interface ConnectionSource {
  /** Security groups attached to the source ENI. */
  readonly securityGroupIds: readonly string[];
  /** The source's private IP (matched against `CidrIp` rules). */
  readonly sourceIp: string;
  /** For messages, e.g. `VPC link VpcLink (vpclink-abc123)` or `load balancer PublicLoadBalancer`. */
  readonly label: string;
}

/** Where a connection to a private address really goes on this machine, or why it cannot. */
export type RouteResult =
  | { readonly ok: true; readonly host: string; readonly port: number }
  | {
      readonly ok: false;
      /** `no-such-address`: nothing listens there (task gone); `blocked`: no security-group rule lets it in. */
      readonly reason: 'no-such-address' | 'blocked';
      /** What is wrong and, for `blocked`, the rule that is missing and where to add it. */
      readonly message: string;
    };

/** The part of the local network the ingress emulators use. */
export interface NetworkPath {
  /** Resolves a connection from `source` to `ip:port` (a task's private address and container port). */
  route(source: ConnectionSource, ip: string, port: number): RouteResult;
}
