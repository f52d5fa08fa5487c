/**
 * Reading custom domains for the trap rules: domain names and how they nest, Route 53 records
 * (`AWS::Route53::RecordSet` and the entries of an `AWS::Route53::RecordSetGroup`) with the hosted
 * zone each one names, the region in an ARN, and the region the templates pin.
 * Facts: docs/reference/aws-behavior-2.md §2.1–§2.2 and §3.1–§3.5.
 */

import type { CfnValue, LoadedApp, LoadedStack } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { resourceOf, type Traced, traceValue } from '../../template/references.js';
import { type At, stringOf } from './support.js';

/** A region name, e.g. `us-east-1`, `ap-southeast-2`, `us-gov-west-1`. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The region field of an ARN (`arn:aws:acm:eu-west-1:123456789012:certificate/…` → `eu-west-1`),
 * or `undefined` when it has none (IAM server certificates are global) or it is not a literal
 * region (`${AWS::Region}` from a `Fn::Sub`).
 */
export function arnRegion(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  return REGION_NAME.test(parts[3]) ? parts[3] : undefined;
}

/** The text a traced value renders to when it is a literal or a partly known string. */
export function textOf(traced: Traced): string | undefined {
  if (traced.kind === 'literal') return typeof traced.value === 'string' ? traced.value : undefined;
  if (traced.kind === 'text') return traced.text;
  return undefined;
}

/** The zone a record or validation option names, as far as the templates say. */
export interface ZoneName {
  /** The zone's domain name, when it is known offline. */
  readonly name?: string;
  /** Where the name was read, for messages: `HostedZoneName`, or `Zone (AWS::Route53::HostedZone) Name`. */
  readonly from?: string;
}

/**
 * The name of the hosted zone a `HostedZoneName` or `HostedZoneId` (written in `stack`) names: the
 * literal name, or the `Name` of an `AWS::Route53::HostedZone` of these templates the id is a
 * `Ref` to (through parameters and nested-stack outputs). A literal zone id (`Z0123…`) says
 * nothing offline: `{}`.
 */
export function zoneNameOf(
  stack: LoadedStack,
  hostedZoneName: CfnValue | undefined,
  hostedZoneId: CfnValue | undefined,
): ZoneName {
  const literal = stringOf(stack, hostedZoneName);
  if (literal !== undefined) return { name: literal, from: `HostedZoneName '${literal}'` };
  const zone = resourceOf(traceValue(stack, hostedZoneId), 'AWS::Route53::HostedZone');
  if (!zone || (zone.attribute !== undefined && zone.attribute !== 'Id')) return {};
  const name = stringOf(zone.stack, getPath(zone.resource, 'Properties.Name'));
  return name === undefined ? {} : { name, from: `hosted zone ${zone.logicalId} (Name '${name}')` };
}

/** One Route 53 record: a `RecordSet`, or one entry of a `RecordSetGroup`. */
export interface RecordEntry {
  /** The `RecordSet` or `RecordSetGroup` resource. */
  readonly at: At;
  /** Where the record's own properties are: `Properties`, or `Properties.RecordSets.<i>`. */
  readonly path: string;
  /** The record's value at `<path>.<property>` (raw, not traced). */
  get(property: string): CfnValue | undefined;
  /** The hosted zone the record (or its group) names. */
  readonly zone: ZoneName;
}

/** Every Route 53 record of the app, group entries included. */
export function recordEntries(app: LoadedApp): RecordEntry[] {
  const entries: RecordEntry[] = [];
  for (const at of listResources(app, 'AWS::Route53::RecordSet')) {
    const get = (property: string) => getPath(at.resource, `Properties.${property}`);
    entries.push({
      at,
      path: 'Properties',
      get,
      zone: zoneNameOf(at.stack, get('HostedZoneName'), get('HostedZoneId')),
    });
  }
  for (const at of listResources(app, 'AWS::Route53::RecordSetGroup')) {
    const group = (property: string) => getPath(at.resource, `Properties.${property}`);
    const records = group('RecordSets');
    if (!Array.isArray(records)) continue;
    records.forEach((_, index) => {
      const path = `Properties.RecordSets.${index}`;
      const get = (property: string) => getPath(at.resource, `${path}.${property}`);
      const zone = zoneNameOf(
        at.stack,
        get('HostedZoneName') ?? group('HostedZoneName'),
        get('HostedZoneId') ?? group('HostedZoneId'),
      );
      entries.push({ at, path, get, zone });
    });
  }
  return entries;
}

/** A region the templates pin, and the first place that pins it. */
export interface PinnedRegion {
  readonly region: string;
  readonly stack: LoadedStack;
  readonly logicalId: string;
  readonly propertyPath: string;
}

const ARN_REGION = /arn:aws[a-z-]*:([a-z0-9-]+):([a-z]{2}(?:-[a-z]+)+-\d):/g;
const AZ_NAME = /^([a-z]{2}(?:-[a-z]+)+-\d)[a-z]$/;

/**
 * The regions the templates pin by literal values, each with the first place it is written:
 * the region of every literal ARN in a resource property or parameter default other than ACM's
 * (the certificates are what is compared), and of every literal availability zone
 * (`AvailabilityZone: us-east-1a`). `AWS::Region` pins nothing: it is the deploy region, unknown
 * offline.
 */
export function pinnedRegions(app: LoadedApp): PinnedRegion[] {
  const found = new Map<string, PinnedRegion>();
  const visit = (
    stack: LoadedStack,
    logicalId: string,
    path: string,
    key: string,
    value: CfnValue | undefined,
  ) => {
    if (typeof value === 'string') {
      const regions = [...value.matchAll(ARN_REGION)]
        .filter((match) => match[1] !== 'acm')
        .map((match) => match[2]);
      const az = /AvailabilityZone/.test(key) ? AZ_NAME.exec(value)?.[1] : undefined;
      for (const region of az ? [...regions, az] : regions)
        if (!found.has(region)) found.set(region, { region, stack, logicalId, propertyPath: path });
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(stack, logicalId, `${path}.${i}`, key, item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, item] of Object.entries(value)) visit(stack, logicalId, `${path}.${k}`, k, item);
    }
  };
  for (const stack of app.stacks) {
    for (const [name, parameter] of Object.entries(stack.template.Parameters ?? {}))
      visit(stack, name, 'Default', name, parameter.Default);
    for (const [logicalId, resource] of Object.entries(stack.template.Resources))
      visit(stack, logicalId, 'Properties', 'Properties', resource.Properties);
  }
  return [...found.values()];
}
