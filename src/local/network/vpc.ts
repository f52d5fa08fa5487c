/**
 * The local VPC: gives every task and ingress ENI a private address in its subnet's CIDR, maps a
 * task's `privateIp:containerPort` to where it really listens on this machine (127.0.0.1 and a
 * published port), and decides with the templates' security-group rules whether a connection is
 * let in.
 *
 * Fidelity: ingress rules are evaluated as AWS does for a new connection into an ENI: allowed when
 * any rule of any group on the target ENI matches the protocol (tcp, or `-1` for all), the port
 * range and the source (a source security group attached to the source ENI, or a CIDR holding the
 * source's private IP). Security groups are stateful, so replies are never checked. Not
 * reproduced: egress rules (taken as allow-all, the default egress rule), network ACLs, route
 * tables, and the connection timeout a blocked SYN causes (the ingress emulators fail at once).
 * Subnet addresses skip the five AWS reserves (network, .1 router, .2 DNS, .3 future, broadcast).
 * In a subnet with an IPv6 block (dual stack) an ENI also gets an IPv6 address from that block, at
 * the same offset as its IPv4 one; connections still arrive on 127.0.0.1 (security-group rules
 * are matched against the source's IPv4 address, `CidrIpv6` rules are not evaluated).
 */

import { relative } from 'node:path';
import { WharfError } from '../../errors.js';
import { addressInBlock } from '../../template/cidr.js';
import { describeOrigin } from '../origin.js';
import type {
  ConnectionSource,
  IngressRule,
  NetworkPath,
  RouteResult,
  SecurityGroupConfig,
  SubnetConfig,
} from './types.js';

/** Where an ENI was placed. */
export interface EniPlacement {
  readonly privateIp: string;
  /** In a dual-stack subnet, the ENI's IPv6 address. */
  readonly ipv6Address?: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
}

interface Eni {
  readonly ownerId: string;
  readonly placement: EniPlacement;
  /** `null`: no security group of its own (a bridge or host mode task): connections are not checked. */
  readonly securityGroupIds: readonly string[] | null;
  readonly endpoints: Map<number, { readonly host: string; readonly port: number }>;
}

interface SubnetPool {
  readonly config: SubnetConfig;
  readonly base: number;
  readonly size: number;
  next: number;
  readonly inUse: Set<number>;
}

/** A rule that would have let a blocked connection in, for the error message. */
export interface MissingRule {
  readonly targetGroupId: string;
  readonly targetGroupLogicalId?: string;
  readonly targetGroupFile?: string;
  readonly port: number;
  readonly source: ConnectionSource;
}

/** The VPC emulator: address allocation, address translation, security groups. */
export class LocalVpc implements NetworkPath {
  private readonly subnets = new Map<string, SubnetPool>();
  private readonly groups = new Map<string, SecurityGroupConfig>();
  private readonly enis = new Map<string, Eni>();
  private readonly enisByOwner = new Map<string, string>();

  constructor(subnets: readonly SubnetConfig[], securityGroups: readonly SecurityGroupConfig[]) {
    for (const subnet of subnets) {
      const { base, size } = parseCidr(subnet.cidrBlock, describeOrigin(subnet.origin, 'CidrBlock'));
      if (subnet.ipv6CidrBlock !== undefined) ipv6Address(subnet, 0);
      this.subnets.set(subnet.id, { config: subnet, base, size, next: 4, inUse: new Set() });
    }
    for (const group of securityGroups) this.groups.set(group.id, group);
  }

  /** The security group with this id, if the templates declare it. */
  securityGroup(id: string): SecurityGroupConfig | undefined {
    return this.groups.get(id);
  }

  /**
   * Places an ENI for `ownerId` (a task id, or an ingress such as a VPC link) in one of
   * the first of `subnetIds` with a free address (callers rotate the list to spread across AZs).
   * Unknown subnet ids (e.g. an existing VPC passed as parameters) get a synthetic 10.255.x.y
   * address in AZ `unknown`. `securityGroupIds` `null`: the ENI stands for a bridge or host mode
   * task, whose container instance's groups (not modelled) decide on AWS: every connection is let in.
   */
  attach(
    ownerId: string,
    subnetIds: readonly string[],
    securityGroupIds: readonly string[] | null,
  ): EniPlacement {
    if (this.enisByOwner.has(ownerId)) throw new WharfError('WHARF_ENI_EXISTS', `ENI for ${ownerId} exists`);
    // The ECS scheduler rotates the subnet list per launch (spreading tasks across AZs), so take the
    // first subnet that still has a free address.
    const pool = subnetIds
      .map((id) => this.subnets.get(id))
      .find((p) => p !== undefined && p.inUse.size < p.size - 5);
    const placement = pool ? this.allocate(pool) : this.allocateUnknown(subnetIds[0] ?? 'subnet-unknown');
    this.enis.set(placement.privateIp, {
      ownerId,
      placement,
      securityGroupIds: securityGroupIds === null ? null : [...securityGroupIds],
      endpoints: new Map(),
    });
    this.enisByOwner.set(ownerId, placement.privateIp);
    return placement;
  }

  /** Every security group the templates declare. */
  securityGroups(): SecurityGroupConfig[] {
    return [...this.groups.values()];
  }

  /**
   * The ENI of `ownerId` (a task id): its placement, security groups (`null`: not checked) and the
   * container ports exposed on it so far.
   */
  eniOf(
    ownerId: string,
  ): { placement: EniPlacement; securityGroupIds: readonly string[] | null; ports: number[] } | undefined {
    const ip = this.enisByOwner.get(ownerId);
    const eni = ip === undefined ? undefined : this.enis.get(ip);
    if (!eni) return undefined;
    return {
      placement: eni.placement,
      securityGroupIds: eni.securityGroupIds,
      ports: [...eni.endpoints.keys()],
    };
  }

  /** Declares that `privateIp:containerPort` is served at `endpoint` on this machine. */
  expose(privateIp: string, containerPort: number, endpoint: { host: string; port: number }): void {
    const eni = this.enis.get(privateIp);
    if (!eni)
      throw new WharfError('WHARF_ENI_UNKNOWN', `no ENI has address ${privateIp}`, { source: 'internal' });
    eni.endpoints.set(containerPort, endpoint);
  }

  /** Releases the owner's ENI and its address. */
  detach(ownerId: string): void {
    const ip = this.enisByOwner.get(ownerId);
    if (ip === undefined) return;
    this.enisByOwner.delete(ownerId);
    const eni = this.enis.get(ip);
    this.enis.delete(ip);
    const pool = eni && this.subnets.get(eni.placement.subnetId);
    pool?.inUse.delete(ipToNumber(ip) - pool.base);
  }

  route(source: ConnectionSource, ip: string, port: number): RouteResult {
    const eni = this.enis.get(ip);
    const endpoint = eni?.endpoints.get(port);
    if (!eni || !endpoint) {
      return {
        ok: false,
        reason: 'no-such-address',
        message: eni
          ? `nothing listens on ${ip}:${port} (task ${eni.ownerId})`
          : `no task has address ${ip} (it has stopped)`,
      };
    }
    if (this.allows(eni, source, port)) return { ok: true, host: endpoint.host, port: endpoint.port };
    return { ok: false, reason: 'blocked', message: this.describeBlocked(eni, source, port) };
  }

  private allows(eni: Eni, source: ConnectionSource, port: number): boolean {
    if (eni.securityGroupIds === null) return true;
    const sourceIp = ipToNumber(source.sourceIp);
    for (const groupId of eni.securityGroupIds) {
      const group = this.groups.get(groupId);
      // A group the templates do not declare (an existing one passed in) cannot be evaluated: let it through.
      if (!group) return true;
      for (const rule of group.ingress) {
        if (ruleMatches(rule, port, source.securityGroupIds, sourceIp)) return true;
      }
    }
    return false;
  }

  private describeBlocked(eni: Eni, source: ConnectionSource, port: number): string {
    const own = eni.securityGroupIds ?? [];
    const targets =
      own.map((id) => this.describeGroup(id)).join(', ') ||
      'the task (it has no security group: its service gives none in NetworkConfiguration.AwsvpcConfiguration)';
    const sources =
      source.securityGroupIds.map((id) => this.describeGroup(id)).join(', ') || 'no security group';
    const first = own[0];
    const sourceGroup = source.securityGroupIds[0];
    const fix =
      first && sourceGroup
        ? ` Add an AWS::EC2::SecurityGroupIngress with GroupId = ${this.nameGroup(first)}, ` +
          `SourceSecurityGroupId = ${this.nameGroup(sourceGroup)}, IpProtocol tcp, FromPort ${port}, ToPort ${port}.`
        : '';
    return (
      `security group rule missing: ${source.label} (${source.sourceIp}; ${sources}) cannot reach task ` +
      `${eni.ownerId.slice(0, 8)} at ${eni.placement.privateIp}:${port}: no ingress rule of ${targets} allows tcp port ${port} from it.${fix}`
    );
  }

  /** `sg-… (LogicalId in file)`. */
  private describeGroup(id: string): string {
    return this.groups.has(id) ? `${id} (${this.nameGroup(id)})` : id;
  }

  /** `LogicalId in file` for a declared group, else the id. */
  private nameGroup(id: string): string {
    const group = this.groups.get(id);
    if (!group) return id;
    const file = relative(process.cwd(), group.origin.file);
    return `${group.origin.logicalId} in ${file.startsWith('..') || file === '' ? group.origin.file : file}`;
  }

  private allocate(pool: SubnetPool): EniPlacement {
    const last = pool.size - 2; // the broadcast address is reserved
    for (let tries = 0; tries < pool.size; tries++) {
      const offset = pool.next;
      pool.next = pool.next >= last ? 4 : pool.next + 1;
      if (!pool.inUse.has(offset)) {
        pool.inUse.add(offset);
        return {
          privateIp: numberToIp(pool.base + offset),
          ...(pool.config.ipv6CidrBlock === undefined
            ? {}
            : { ipv6Address: ipv6Address(pool.config, offset) }),
          subnetId: pool.config.id,
          availabilityZone: pool.config.availabilityZone,
        };
      }
    }
    throw new WharfError(
      'WHARF_SUBNET_FULL',
      `${describeOrigin(pool.config.origin)}: subnet ${pool.config.cidrBlock} has no free address`,
    );
  }

  private allocateUnknown(subnetId: string): EniPlacement {
    for (let n = 1; n < 65_000; n++) {
      const ip = numberToIp(ipToNumber('10.255.0.0') + n);
      if (!this.enis.has(ip)) return { privateIp: ip, subnetId, availabilityZone: 'unknown' };
    }
    throw new WharfError('WHARF_SUBNET_FULL', 'no synthetic address left', { source: 'internal' });
  }
}

function ruleMatches(
  rule: IngressRule,
  port: number,
  sourceGroups: readonly string[],
  sourceIp: number,
): boolean {
  const protocol = rule.protocol.toLowerCase();
  if (protocol !== '-1' && protocol !== 'tcp' && protocol !== '6') return false;
  const allPorts =
    protocol === '-1' ||
    rule.fromPort === undefined ||
    rule.toPort === undefined ||
    (rule.fromPort === -1 && rule.toPort === -1);
  if (!allPorts && (port < (rule.fromPort ?? 0) || port > (rule.toPort ?? 65_535))) return false;
  if (rule.sourceSecurityGroupId !== undefined) return sourceGroups.includes(rule.sourceSecurityGroupId);
  if (rule.cidrIp !== undefined) return cidrContains(rule.cidrIp, sourceIp);
  return false;
}

/** The address `offset` into the subnet's IPv6 block; throws a WharfError naming the subnet when it is not one. */
function ipv6Address(subnet: SubnetConfig, offset: number): string {
  try {
    if (!subnet.ipv6CidrBlock?.includes(':')) throw new Error('an IPv4 block');
    return addressInBlock(subnet.ipv6CidrBlock, BigInt(offset));
  } catch (error) {
    throw new WharfError(
      'WHARF_CIDR_INVALID',
      `${describeOrigin(subnet.origin, 'Ipv6CidrBlock')}: '${subnet.ipv6CidrBlock}' is not an IPv6 CIDR block such as 2600:1f18:1:200::/64 (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** Parses `a.b.c.d/n` into its first address and size; throws a WharfError naming `where`. */
export function parseCidr(cidr: string, where: string): { base: number; size: number } {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  const bits = match ? Number(match[2]) : Number.NaN;
  if (!match || bits > 32 || match[1]?.split('.').some((octet) => Number(octet) > 255)) {
    throw new WharfError(
      'WHARF_CIDR_INVALID',
      `${where}: '${cidr}' is not an IPv4 CIDR block such as 10.0.0.0/24`,
    );
  }
  const size = 2 ** (32 - bits);
  const base = ipToNumber(match[1] as string) - (ipToNumber(match[1] as string) % size);
  return { base, size };
}

function cidrContains(cidr: string, ip: number): boolean {
  const { base, size } = parseCidr(cidr, 'security group rule');
  return ip >= base && ip < base + size;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
