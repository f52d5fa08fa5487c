import { Aws, type CfnResource, Fn } from 'aws-cdk-lib';
import {
  CfnEIP,
  CfnFlowLog,
  CfnInternetGateway,
  CfnNatGateway,
  CfnRoute,
  CfnRouteTable,
  CfnSubnet,
  CfnSubnetRouteTableAssociation,
  CfnVPC,
  CfnVPCGatewayAttachment,
} from 'aws-cdk-lib/aws-ec2';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import { acknowledgeNag } from './nag.js';
import {
  LOG_RETENTION_DAYS,
  type LogRetentionDays,
  type PropsOwner,
  requireListLength,
  requireOneOf,
} from './validate.js';

/**
 * Which VPC shape to build.
 * - `low-cost`: two public subnets, an internet gateway, no NAT gateway. Tasks get public IPs.
 * - `large`: the same plus two private subnets whose default route goes through NAT gateways.
 */
export type NetworkProfile = 'low-cost' | 'large';

/** An existing VPC to deploy into instead of creating one. */
export interface ExistingNetwork {
  /**
   * The VPC id.
   * @example 'vpc-0123456789abcdef0'
   */
  readonly vpcId: string;
  /**
   * Public subnets (route to an internet gateway), at least two in different AZs.
   * @example ['subnet-0aaa', 'subnet-0bbb']
   */
  readonly publicSubnetIds: string[];
  /**
   * Private subnets (route to a NAT gateway). Required by the load balancer pattern.
   * @default - none
   */
  readonly privateSubnetIds?: string[];
}

/** Props of {@link Network}. */
export interface NetworkProps {
  /**
   * The VPC shape, as in the seeds' "low cost VPC" and "large VPC" patterns.
   * @default 'low-cost'
   * @example 'large'
   */
  readonly profile?: NetworkProfile;
  /**
   * NAT gateways for the `large` profile: 2 is one per AZ (the seed's choice, survives an AZ
   * outage), 1 shares one gateway between both private subnets (half the hourly cost), 0 leaves the
   * private subnets without internet egress (tasks there then need VPC endpoints to pull images).
   * Only allowed with `profile: 'large'`.
   * @default 2
   * @example 1
   */
  readonly natGateways?: 0 | 1 | 2;
  /**
   * Record the VPC's traffic (accepted and rejected) in CloudWatch Logs, kept `flowLogRetentionDays`.
   * Off by default as in the seeds: flow logs bill $0.50 per GB ingested.
   * Only for a VPC Wharf creates.
   * @default false
   * @example true
   */
  readonly flowLogs?: boolean;
  /**
   * Days to keep flow logs.
   * @default 30
   */
  readonly flowLogRetentionDays?: LogRetentionDays;
  /**
   * Deploy into this VPC instead of creating one. Excludes `profile` and `natGateways`.
   * @default - a new VPC
   */
  readonly existing?: ExistingNetwork;
}

/** {@link NetworkProps} with defaults applied and combinations checked. */
export interface NormalizedNetworkProps {
  readonly profile: NetworkProfile;
  readonly natGateways: 0 | 1 | 2;
  /** Flow-log retention in days, or `undefined` without flow logs. */
  readonly flowLogRetentionDays?: LogRetentionDays;
  readonly existing?: ExistingNetwork;
}

/**
 * Applies defaults and rejects bad combinations. Pure, so tests and patterns can call it before
 * any resource exists.
 */
export function normalizeNetworkProps(owner: PropsOwner, props: NetworkProps = {}): NormalizedNetworkProps {
  if (props.existing) {
    if (props.profile !== undefined || props.natGateways !== undefined || props.flowLogs) {
      throw new PropsValidationError(
        typeof owner === 'string' ? owner : owner.node.path,
        'existing',
        "cannot be combined with 'profile', 'natGateways' or 'flowLogs'; those describe a VPC Wharf creates.",
      );
    }
    requireListLength(owner, 'existing.publicSubnetIds', props.existing.publicSubnetIds, 2);
    if (props.existing.privateSubnetIds !== undefined) {
      requireListLength(owner, 'existing.privateSubnetIds', props.existing.privateSubnetIds, 2);
    }
    const hasPrivate = (props.existing.privateSubnetIds?.length ?? 0) > 0;
    return {
      profile: hasPrivate ? 'large' : 'low-cost',
      natGateways: hasPrivate ? 2 : 0,
      existing: props.existing,
    };
  }
  const profile = props.profile ?? 'low-cost';
  requireOneOf(owner, 'profile', profile, ['low-cost', 'large'] as const);
  if (profile === 'low-cost' && props.natGateways !== undefined && props.natGateways !== 0) {
    throw new PropsValidationError(
      typeof owner === 'string' ? owner : owner.node.path,
      'natGateways',
      `got ${props.natGateways} with profile 'low-cost', which has no private subnets; use profile 'large' for NAT gateways.`,
    );
  }
  const natGateways = props.natGateways ?? (profile === 'large' ? 2 : 0);
  requireOneOf(owner, 'natGateways', natGateways, [0, 1, 2] as const);
  const flowLogRetentionDays = props.flowLogs ? (props.flowLogRetentionDays ?? 30) : undefined;
  if (flowLogRetentionDays !== undefined) {
    requireOneOf<number>(owner, 'flowLogRetentionDays', flowLogRetentionDays, LOG_RETENTION_DAYS);
  }
  return { profile, natGateways, flowLogRetentionDays };
}

/** The CIDR plan of the seeds' VPCs: a /16 split into four /18 quarters. */
const CIDR = {
  vpc: '10.0.0.0/16',
  publicOne: '10.0.0.0/18',
  publicTwo: '10.0.64.0/18',
  privateOne: '10.0.128.0/18',
  privateTwo: '10.0.192.0/18',
} as const;

/**
 * The network a service runs in: a VPC across the region's first two Availability Zones, built
 * like the seeds' "low cost VPC" (`profile: 'low-cost'`) or "large VPC" (`profile: 'large'`), or
 * an existing VPC.
 *
 * Resources (low-cost): `VPC` (10.0.0.0/16, DNS support and hostnames), `PublicSubnetOne` and
 * `PublicSubnetTwo` (/18, `MapPublicIpOnLaunch`), `InternetGateway`, `GatewayAttachement`,
 * `PublicRouteTable`, `PublicRoute` (0.0.0.0/0 → IGW) and one route-table association per subnet.
 * The large profile adds `PrivateSubnetOne`/`PrivateSubnetTwo`, an Elastic IP and NAT gateway per
 * AZ (`natGateways`), and one route table per private subnet whose default route uses the NAT
 * gateway of its AZ (or the single one).
 *
 * **Cost** (us-east-1): the VPC, subnets and internet gateway are free. Each NAT gateway costs
 * about $0.045/hour (~$33/month) plus $0.045 per GB processed, and its Elastic IP is a public
 * IPv4 address at $0.005/hour. See https://aws.amazon.com/vpc/pricing/.
 *
 * @example
 * const network = new Network(stack, 'Network', { profile: 'large', natGateways: 1 });
 * network.privateSubnetIds; // tokens for PrivateSubnetOne, PrivateSubnetTwo
 *
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html
 */
export class Network extends Construct {
  /** The VPC id. */
  readonly vpcId: string;
  /** Public subnet ids, first AZ first. */
  readonly publicSubnetIds: string[];
  /** Private subnet ids (empty for the low-cost profile). */
  readonly privateSubnetIds: string[];
  /** The normalized props this network was built from. */
  readonly settings: NormalizedNetworkProps;
  /** The VPC resource, when Wharf created one (escape hatch). */
  readonly vpc?: CfnVPC;
  /**
   * Values to publish as stack outputs, named as in the seeds: `VpcId`, `PublicSubnetIds`,
   * `PrivateSubnetIds` (comma-separated lists). `PrivateSubnetIds` is absent without private subnets.
   */
  readonly outputs: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    this.settings = normalizeNetworkProps(this, props);
    if (this.settings.existing) {
      this.vpcId = this.settings.existing.vpcId;
      this.publicSubnetIds = [...this.settings.existing.publicSubnetIds];
      this.privateSubnetIds = [...(this.settings.existing.privateSubnetIds ?? [])];
    } else {
      const created = this.createVpc(this.settings);
      this.vpc = created.vpc;
      this.vpcId = created.vpc.ref;
      this.publicSubnetIds = created.publicSubnets.map((s) => s.ref);
      this.privateSubnetIds = created.privateSubnets.map((s) => s.ref);
    }
    const outputs: Record<string, string> = {
      VpcId: this.vpcId,
      PublicSubnetIds: joinIds(this.publicSubnetIds),
    };
    if (this.privateSubnetIds.length > 0) outputs.PrivateSubnetIds = joinIds(this.privateSubnetIds);
    this.outputs = outputs;
  }

  /** True when tasks in the private subnets can reach the internet (through NAT). */
  get hasPrivateEgress(): boolean {
    return this.settings.existing ? this.privateSubnetIds.length > 0 : this.settings.natGateways > 0;
  }

  private createVpc(settings: NormalizedNetworkProps) {
    const vpc = new CfnVPC(this, 'VPC', {
      cidrBlock: CIDR.vpc,
      enableDnsSupport: true,
      enableDnsHostnames: true,
    });
    if (settings.flowLogRetentionDays !== undefined) {
      this.createFlowLogs(vpc, settings.flowLogRetentionDays);
    } else {
      acknowledgeNag(
        vpc,
        'AwsSolutions-VPC7',
        'Flow logs are opt-in (network.flowLogs: true), as in the seed VPCs: they bill $0.50 per GB ingested, and the tasks accept traffic only from the ingress security group, so they add little by default.',
      );
    }
    const publicSubnets = [
      this.createSubnet('PublicSubnetOne', vpc, CIDR.publicOne, 0, true),
      this.createSubnet('PublicSubnetTwo', vpc, CIDR.publicTwo, 1, true),
    ];
    const igw = new CfnInternetGateway(this, 'InternetGateway');
    const attachment = new CfnVPCGatewayAttachment(this, 'GatewayAttachement', {
      vpcId: vpc.ref,
      internetGatewayId: igw.ref,
    });
    const publicRouteTable = new CfnRouteTable(this, 'PublicRouteTable', { vpcId: vpc.ref });
    const publicRoute = new CfnRoute(this, 'PublicRoute', {
      routeTableId: publicRouteTable.ref,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.ref,
    });
    publicRoute.addResourceDependency(attachment);
    for (const subnet of publicSubnets) {
      new CfnSubnetRouteTableAssociation(this, `${subnet.node.id}RouteTableAssociation`, {
        subnetId: subnet.ref,
        routeTableId: publicRouteTable.ref,
      });
    }

    const privateSubnets: CfnSubnet[] = [];
    if (settings.profile === 'large') {
      privateSubnets.push(
        this.createSubnet('PrivateSubnetOne', vpc, CIDR.privateOne, 0, false),
        this.createSubnet('PrivateSubnetTwo', vpc, CIDR.privateTwo, 1, false),
      );
      const natGateways = this.createNatGateways(settings.natGateways, publicSubnets, attachment);
      const ordinals = ['One', 'Two'];
      privateSubnets.forEach((subnet, i) => {
        const table = new CfnRouteTable(this, `PrivateRouteTable${ordinals[i]}`, { vpcId: vpc.ref });
        const nat = natGateways[Math.min(i, natGateways.length - 1)];
        if (nat) {
          new CfnRoute(this, `PrivateRoute${ordinals[i]}`, {
            routeTableId: table.ref,
            destinationCidrBlock: '0.0.0.0/0',
            natGatewayId: nat.ref,
          });
        }
        new CfnSubnetRouteTableAssociation(this, `PrivateRouteTable${ordinals[i]}Association`, {
          routeTableId: table.ref,
          subnetId: subnet.ref,
        });
      });
    }
    return { vpc, publicSubnets, privateSubnets };
  }

  private createFlowLogs(vpc: CfnVPC, retentionInDays: number): void {
    const logGroup = new CfnLogGroup(this, 'FlowLogGroup', { retentionInDays });
    const role = new CfnRole(this, 'FlowLogRole', {
      assumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
          },
        ],
      },
      policies: [
        {
          policyName: 'write-flow-logs',
          policyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
                Resource: logGroup.attrArn,
              },
            ],
          },
        },
      ],
    });
    // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-cwl.html
    new CfnFlowLog(this, 'FlowLog', {
      resourceId: vpc.ref,
      resourceType: 'VPC',
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logGroupName: logGroup.ref,
      deliverLogsPermissionArn: role.attrArn,
    });
  }

  private createSubnet(id: string, vpc: CfnVPC, cidr: string, azIndex: number, isPublic: boolean): CfnSubnet {
    return new CfnSubnet(this, id, {
      vpcId: vpc.ref,
      cidrBlock: cidr,
      availabilityZone: Fn.select(azIndex, Fn.getAzs(Aws.REGION)),
      ...(isPublic ? { mapPublicIpOnLaunch: true } : {}),
    });
  }

  private createNatGateways(
    count: number,
    publicSubnets: CfnSubnet[],
    attachment: CfnResource,
  ): CfnNatGateway[] {
    const ordinals = ['One', 'Two'];
    return publicSubnets.slice(0, count).map((subnet, i) => {
      const eip = new CfnEIP(this, `NatGateway${ordinals[i]}Attachment`, { domain: 'vpc' });
      eip.addResourceDependency(attachment);
      return new CfnNatGateway(this, `NatGateway${ordinals[i]}`, {
        allocationId: eip.attrAllocationId,
        subnetId: subnet.ref,
      });
    });
  }
}

function joinIds(ids: string[]): string {
  return Fn.join(',', ids);
}
