/**
 * Deploy preflight: are the subnets of every `AWS::ApiGatewayV2::VpcLink` in Availability Zones
 * where API Gateway supports VPC links?
 *
 * API Gateway supports VPC links for HTTP APIs only in some zones of some regions, listed by AZ ID
 * (`vpc-link-zones.ts`). Templates name zones by AZ *name* (`us-east-1a`, usually through
 * `Fn::Select` over `Fn::GetAZs`), and names map to IDs differently in every account, so the check
 * needs the target account's own mapping (EC2 `DescribeAvailabilityZones`) and runs at deploy time.
 * It is pure: the caller fetches the mapping; nothing here talks to AWS.
 *
 * How a VPC link is followed to its zones: the app is evaluated with the target account, region and
 * zone names (`resolveApp`), so `Fn::GetAZs`/`Fn::Select` pick the names CloudFormation would pick.
 * Each entry of the link's resolved `SubnetIds` is matched, by physical id, against the
 * `AWS::EC2::Subnet` resources of every stack of the app (nested stacks included, whatever
 * parameters and outputs carried the id between them); the subnet's resolved `AvailabilityZoneId`,
 * or else its `AvailabilityZone` mapped to an ID, is looked up in the table.
 *
 * Chosen reading: CreateVpcLink fails when ANY of its subnets is in an unsupported zone (AWS does
 * not drop the bad subnets and keep the others), so each such subnet is a problem even when the
 * link's other subnets are fine. The documentation lists supported zones without saying what
 * happens to a mix; this is the conservative reading.
 *
 * Subnets the check cannot trace (ids of existing subnets passed in as parameters, subnets whose
 * zone AWS picks, zone names the account does not have) are reported as `unchecked`, never as
 * problems, so the caller can say what was not verified.
 */

import { basename, relative } from 'node:path';
import { isWharfError } from '../../errors.js';
import { resolveApp } from '../../template/evaluate.js';
import type { CfnResource, CfnValue, LoadedApp, LoadedStack } from '../../template/model.js';
import { listResources } from '../../template/query.js';
import type { PlainValue, ResolvedResource } from '../../template/resolved.js';
import {
  VPC_LINK_SUPPORTED_ZONES,
  VPC_LINK_ZONES_READ_ON,
  VPC_LINK_ZONES_SOURCE,
  type VpcLinkZoneTable,
} from './vpc-link-zones.js';

const VPC_LINK_TYPE = 'AWS::ApiGatewayV2::VpcLink';
const SUBNET_TYPE = 'AWS::EC2::Subnet';

/** One Availability Zone of the target account, as EC2 `DescribeAvailabilityZones` returns it. */
export interface ZoneMapping {
  /** The account-specific name, e.g. `us-east-1a`. */
  readonly zoneName: string;
  /** The ID, the same physical zone in every account, e.g. `use1-az4`. */
  readonly zoneId: string;
}

/** The deployment target the check evaluates the app for. */
export interface VpcLinkPlacementEnvironment {
  /** The target account id (`AWS::AccountId`). */
  readonly account: string;
  /** The target region, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * The region's Availability Zones in `DescribeAvailabilityZones` order, which is what
   * `Fn::GetAZs` answers: zones of type `availability-zone` only (no Local or Wavelength Zones).
   * CloudFormation's `Fn::GetAZs` leaves out zones without a default subnet when the account's
   * default VPC has subnets in only some zones; this list is taken as the answer either way.
   */
  readonly zones: readonly ZoneMapping[];
  /**
   * Values of the root template's parameters, as the deploy passes them.
   * @default - every parameter takes its `Default`
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * The supported zones per region.
   * @default VPC_LINK_SUPPORTED_ZONES
   */
  readonly supportedZones?: VpcLinkZoneTable;
  /**
   * Directory template paths are shown relative to in messages.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/** A VPC link CloudFormation would fail to create, and why. */
export interface VpcLinkPlacementProblem {
  /** `region`: the region offers no VPC links at all; `zone`: one subnet is in an unsupported zone. */
  readonly kind: 'region' | 'zone';
  /** The template declaring the VPC link (absolute path). */
  readonly file: string;
  /** The display name of that stack (root file or CDK stack name, or the nested-stack logical ids). */
  readonly stack: string;
  readonly vpcLinkLogicalId: string;
  /** The subnet resource in an unsupported zone (`zone` problems). */
  readonly subnetLogicalId?: string;
  /** The template declaring that subnet, when it is not {@link file}. */
  readonly subnetFile?: string;
  /** The stack declaring that subnet. */
  readonly subnetStack?: string;
  /** The subnet's zone name in the target account, when the template gives a name. */
  readonly zoneName?: string;
  /** The subnet's zone ID. */
  readonly zoneId?: string;
  /** The AZ IDs the region supports (`[]` for `region` problems). */
  readonly supportedZoneIds: readonly string[];
  /** Everything above in one paragraph, ending with the next step. */
  readonly message: string;
  /** The next steps alone, for callers that print them on their own lines. */
  readonly nextSteps: readonly string[];
}

/** Why a subnet (or a whole VPC link) could not be checked. */
export type UncheckedReason =
  /** The subnet id does not belong to a subnet of this app (an existing subnet passed in). */
  | 'subnet-not-in-app'
  /** The subnet resource sets neither `AvailabilityZone` nor `AvailabilityZoneId`: AWS picks. */
  | 'zone-not-set'
  /** The subnet's zone name is not one of the target account's zones in the region. */
  | 'zone-not-in-region'
  /** Wharf could not evaluate the app with local values (see the message). */
  | 'not-evaluated';

/** A subnet (or VPC link) whose placement was not verified. */
export interface UncheckedVpcLinkSubnet {
  readonly reason: UncheckedReason;
  readonly file: string;
  readonly stack: string;
  readonly vpcLinkLogicalId: string;
  /** The subnet id as the VPC link receives it (a real id when it came from a parameter). */
  readonly subnetId?: string;
  /** The subnet resource, when it is part of the app. */
  readonly subnetLogicalId?: string;
  /** Says what was not checked and why. */
  readonly message: string;
}

/** A subnet whose zone was verified to be supported. */
export interface CheckedVpcLinkSubnet {
  readonly file: string;
  readonly stack: string;
  readonly vpcLinkLogicalId: string;
  readonly subnetLogicalId: string;
  readonly zoneName?: string;
  readonly zoneId: string;
}

/** Everything {@link inspectVpcLinkPlacement} found. */
export interface VpcLinkPlacementReport {
  /** VPC links CloudFormation would fail to create. Non-empty means: do not deploy as is. */
  readonly problems: readonly VpcLinkPlacementProblem[];
  /** What could not be verified; worth a warning, not a stop. */
  readonly unchecked: readonly UncheckedVpcLinkSubnet[];
  /** Subnets verified to be in supported zones. */
  readonly checked: readonly CheckedVpcLinkSubnet[];
}

/** A VPC link to check: the stack declaring it, its logical id, and the resource as written. */
interface VpcLinkSite {
  readonly stack: LoadedStack;
  readonly logicalId: string;
  readonly declared: CfnResource;
}

interface Context {
  readonly app: LoadedApp;
  readonly env: VpcLinkPlacementEnvironment;
  readonly table: VpcLinkZoneTable;
  readonly cwd: string;
}

/**
 * Checks every VPC link of `app` against the zones API Gateway supports in the target region, and
 * says what it could not check.
 *
 * @example
 * const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones
 *   .filter((z) => z.ZoneType === 'availability-zone')
 *   .map((z) => ({ zoneName: z.ZoneName, zoneId: z.ZoneId }));
 * const report = inspectVpcLinkPlacement(app, { account, region, zones });
 * for (const u of report.unchecked) io.warn(u.message);
 * if (report.problems.length > 0) throw new AwsError('WHARF_AWS_VPC_LINK_ZONE', report.problems[0].message, report.problems[0].nextSteps);
 */
export function inspectVpcLinkPlacement(
  app: LoadedApp,
  env: VpcLinkPlacementEnvironment,
): VpcLinkPlacementReport {
  const ctx: Context = {
    app,
    env,
    table: env.supportedZones ?? VPC_LINK_SUPPORTED_ZONES,
    cwd: env.cwd ?? process.cwd(),
  };
  const declared = [...listResources(app, VPC_LINK_TYPE)];
  const report = {
    problems: [] as VpcLinkPlacementProblem[],
    unchecked: [] as UncheckedVpcLinkSubnet[],
    checked: [] as CheckedVpcLinkSubnet[],
  };
  if (declared.length === 0) return report;

  const supported = ctx.table[env.region];
  let resolved: ReturnType<typeof resolveApp>;
  try {
    resolved = resolveApp(app, {
      parameters: env.parameters,
      environment: {
        accountId: env.account,
        region: env.region,
        availabilityZones: env.zones.map((zone) => zone.zoneName),
      },
    });
  } catch (error) {
    if (!isWharfError(error)) throw error;
    // Without values, only the region can be judged, and only for links that exist unconditionally.
    for (const { stack, logicalId, resource } of declared) {
      const site = { stack, logicalId, declared: resource };
      if (!supported && resource.Condition === undefined) report.problems.push(regionProblem(ctx, site));
      else report.unchecked.push(notEvaluated(ctx, site, error.message));
    }
    return report;
  }

  const subnetsById = new Map<string, ResolvedResource>();
  for (const stack of resolved.stacks) {
    for (const resource of stack.resources.values()) {
      if (resource.type === SUBNET_TYPE) subnetsById.set(resource.ref, resource);
    }
  }

  for (const stack of resolved.stacks) {
    for (const link of stack.resources.values()) {
      if (link.type !== VPC_LINK_TYPE) continue;
      const site: VpcLinkSite = { stack: stack.loaded, logicalId: link.logicalId, declared: link.declared };
      if (!supported) {
        report.problems.push(regionProblem(ctx, site));
        continue;
      }
      const ids = subnetIdsOf(link.properties.SubnetIds);
      for (const subnetId of new Set(ids)) {
        const subnet = subnetsById.get(subnetId);
        if (!subnet) {
          report.unchecked.push(subnetNotInApp(ctx, site, subnetId));
          continue;
        }
        const zone = zoneOf(ctx, subnet);
        if ('reason' in zone) {
          report.unchecked.push(unknownZone(ctx, site, subnet, zone.reason));
        } else if (supported.includes(zone.zoneId)) {
          report.checked.push({
            file: site.stack.file,
            stack: site.stack.name,
            vpcLinkLogicalId: site.logicalId,
            subnetLogicalId: subnet.logicalId,
            zoneName: zone.zoneName,
            zoneId: zone.zoneId,
          });
        } else {
          report.problems.push(zoneProblem(ctx, site, subnet, zone, supported));
        }
      }
    }
  }
  return report;
}

/**
 * The VPC links of `app` that CloudFormation would fail to create in the target account and region:
 * `[]` when every traced subnet is in a supported zone, or the app has no VPC link. Subnets that
 * cannot be traced are not problems; {@link inspectVpcLinkPlacement} lists them.
 *
 * @example
 * const problems = checkVpcLinkPlacement(loadTemplateFile('parent.yml'), {
 *   account: '111122223333',
 *   region: 'us-east-1',
 *   zones: [{ zoneName: 'us-east-1a', zoneId: 'use1-az1' }, { zoneName: 'us-east-1b', zoneId: 'use1-az3' }],
 * });
 * // problems[0].message: "api-gateway.yml: VpcLink: the VPC link uses subnet PublicSubnetTwo (declared in
 * //   vpc.yml) in us-east-1b (AZ ID use1-az3), but API Gateway supports VPC links in us-east-1 only in …"
 */
export function checkVpcLinkPlacement(
  app: LoadedApp,
  env: VpcLinkPlacementEnvironment,
): VpcLinkPlacementProblem[] {
  return [...inspectVpcLinkPlacement(app, env).problems];
}

function subnetIdsOf(value: PlainValue | undefined): string[] {
  if (typeof value === 'string') return value === '' ? [] : value.split(',').map((id) => id.trim());
  if (!Array.isArray(value)) return [];
  return value.filter((id): id is string => typeof id === 'string');
}

type Zone = { readonly zoneName?: string; readonly zoneId: string } | { readonly reason: UncheckedReason };

function zoneOf(ctx: Context, subnet: ResolvedResource): Zone {
  const { AvailabilityZoneId: id, AvailabilityZone: name } = subnet.properties;
  if (typeof id === 'string' && id !== '') {
    return { zoneId: id, zoneName: ctx.env.zones.find((zone) => zone.zoneId === id)?.zoneName };
  }
  if (typeof name === 'string' && name !== '') {
    const zone = ctx.env.zones.find((candidate) => candidate.zoneName === name);
    return zone ? { zoneName: zone.zoneName, zoneId: zone.zoneId } : { reason: 'zone-not-in-region' };
  }
  return { reason: 'zone-not-set' };
}

/**
 * Where a stack is, for messages: the template path (relative to `cwd` when under it); for a CDK app
 * the stack path and the template's name in the cloud assembly.
 */
function where(ctx: Context, stack: LoadedStack): string {
  if (ctx.app.source === 'cloud-assembly') {
    return `stack ${[ctx.app.name, ...stack.path].join('/')} (cdk.out/${basename(stack.file)})`;
  }
  const rel = relative(ctx.cwd, stack.file);
  return rel.startsWith('..') ? stack.file : rel;
}

/** How a resource is named in messages: where its stack is, its logical id, its CDK construct path. */
function describe(ctx: Context, stack: LoadedStack, logicalId: string, declared: CfnResource): string {
  const path = (declared.Metadata as Record<string, CfnValue> | undefined)?.['aws:cdk:path'];
  const construct = typeof path === 'string' ? ` (construct ${path})` : '';
  return `${where(ctx, stack)}: ${logicalId}${construct}`;
}

function regionList(ctx: Context): string {
  return Object.keys(ctx.table).sort().join(', ');
}

function regionProblem(ctx: Context, site: VpcLinkSite): VpcLinkPlacementProblem {
  const { region } = ctx.env;
  const nextSteps = [
    `deploy to a region that offers them (--region, AWS_REGION or the profile's region): ${regionList(ctx)}`,
    'or front the service with an Application Load Balancer instead of API Gateway (see examples/public-alb-fargate)',
  ];
  return {
    kind: 'region',
    file: site.stack.file,
    stack: site.stack.name,
    vpcLinkLogicalId: site.logicalId,
    supportedZoneIds: [],
    message:
      `${describe(ctx, site.stack, site.logicalId, site.declared)}: API Gateway does not offer VPC links for HTTP APIs in ${region} ` +
      `(not listed on ${VPC_LINK_ZONES_SOURCE} as read on ${VPC_LINK_ZONES_READ_ON}), so CloudFormation cannot create this ${VPC_LINK_TYPE}. ` +
      `Next: ${nextSteps.join('; ')}.`,
    nextSteps,
  };
}

/** `Fn::Select: [n, Fn::GetAZs …]` as written, to explain where a zone name came from. */
function selectedAzIndex(subnet: ResolvedResource): number | undefined {
  const value = subnet.declared.Properties?.AvailabilityZone;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const select = (value as Record<string, CfnValue>)['Fn::Select'];
  if (!Array.isArray(select) || select.length !== 2) return undefined;
  const [index, list] = select;
  const fromGetAzs =
    typeof list === 'object' && list !== null && !Array.isArray(list) && 'Fn::GetAZs' in list;
  const n = typeof index === 'number' ? index : typeof index === 'string' ? Number(index) : Number.NaN;
  return fromGetAzs && Number.isInteger(n) ? n : undefined;
}

function zoneProblem(
  ctx: Context,
  site: VpcLinkSite,
  subnet: ResolvedResource,
  zone: { readonly zoneName?: string; readonly zoneId: string },
  supported: readonly string[],
): VpcLinkPlacementProblem {
  const { account, region, zones } = ctx.env;
  const subnetStack = subnet.stack.loaded;
  const sameFile = subnetStack.file === site.stack.file;
  const subnetWhere = sameFile
    ? `subnet ${subnet.logicalId}`
    : `subnet ${subnet.logicalId} (declared in ${where(ctx, subnetStack)})`;
  const zoneText = zone.zoneName ? `${zone.zoneName} (AZ ID ${zone.zoneId})` : `AZ ID ${zone.zoneId}`;
  const index = selectedAzIndex(subnet);
  const origin =
    index === undefined
      ? ''
      : ` Its AvailabilityZone is Fn::Select index ${index} of Fn::GetAZs, which in account ${account} is ${zoneText}; the same template may work in an account that maps that index to a supported zone.`;
  const usable = zones.filter((candidate) => supported.includes(candidate.zoneId));
  const usableText =
    usable.length > 0
      ? usable.map((candidate) => `${candidate.zoneName} (${candidate.zoneId})`).join(', ')
      : `none of account ${account}'s zones`;
  const nextSteps = [
    `move subnet ${subnet.logicalId} to a zone with VPC links; in account ${account} those are ${usableText}`,
    `or pin it by ID: AvailabilityZoneId set to one of ${supported.join(', ')}`,
    'or give the VPC link only subnets in supported zones',
  ];
  return {
    kind: 'zone',
    file: site.stack.file,
    stack: site.stack.name,
    vpcLinkLogicalId: site.logicalId,
    subnetLogicalId: subnet.logicalId,
    ...(sameFile ? {} : { subnetFile: subnetStack.file }),
    subnetStack: subnetStack.name,
    ...(zone.zoneName ? { zoneName: zone.zoneName } : {}),
    zoneId: zone.zoneId,
    supportedZoneIds: supported,
    message:
      `${describe(ctx, site.stack, site.logicalId, site.declared)}: the VPC link uses ${subnetWhere} in ${zoneText}, ` +
      `but API Gateway supports VPC links in ${region} only in ${supported.join(', ')}. ` +
      `AWS rejects a VPC link when any of its subnets is in an unsupported zone, so the deploy would fail here.${origin} ` +
      `Next: ${nextSteps.join('; ')}.`,
    nextSteps,
  };
}

function uncheckedBase(site: VpcLinkSite) {
  return { file: site.stack.file, stack: site.stack.name, vpcLinkLogicalId: site.logicalId };
}

function subnetNotInApp(ctx: Context, site: VpcLinkSite, subnetId: string): UncheckedVpcLinkSubnet {
  return {
    ...uncheckedBase(site),
    reason: 'subnet-not-in-app',
    subnetId,
    message:
      `${describe(ctx, site.stack, site.logicalId, site.declared)}: subnet ${subnetId} is not created by this app (an existing subnet passed in), ` +
      `so Wharf did not check its zone; VPC links in ${ctx.env.region} need subnets in ${(ctx.table[ctx.env.region] ?? []).join(', ')}.`,
  };
}

function unknownZone(
  ctx: Context,
  site: VpcLinkSite,
  subnet: ResolvedResource,
  reason: UncheckedReason,
): UncheckedVpcLinkSubnet {
  const name = subnet.properties.AvailabilityZone;
  const why =
    reason === 'zone-not-set'
      ? 'sets neither AvailabilityZone nor AvailabilityZoneId, so AWS picks its zone'
      : `is in zone ${String(name)}, which is not one of account ${ctx.env.account}'s zones in ${ctx.env.region} (${ctx.env.zones.map((zone) => zone.zoneName).join(', ') || 'none given'})`;
  return {
    ...uncheckedBase(site),
    reason,
    subnetId: subnet.ref,
    subnetLogicalId: subnet.logicalId,
    message: `${describe(ctx, subnet.stack.loaded, subnet.logicalId, subnet.declared)}: the subnet of VPC link ${site.logicalId} ${why}; Wharf did not check its zone.`,
  };
}

function notEvaluated(ctx: Context, site: VpcLinkSite, reason: string): UncheckedVpcLinkSubnet {
  return {
    ...uncheckedBase(site),
    reason: 'not-evaluated',
    message: `${describe(ctx, site.stack, site.logicalId, site.declared)}: Wharf could not evaluate the app to find the VPC link's subnets, so their zones were not checked: ${reason}`,
  };
}
