/**
 * Custom domains in `wharf cost`: Route 53 hosted zones, records, ACM certificates and API Gateway
 * custom domain names (docs/reference/pricing.md §5).
 *
 * - A hosted zone the templates create (`AWS::Route53::HostedZone`) is $0.50 a month (the first
 *   25 zones of the account; $0.10 beyond).
 * - A zone records or certificate validations name by id or name without creating it is billed
 *   to its owner whether or not this app exists: a note, not a line.
 * - Alias records to AWS resources are queried free; other records' standard queries ($0.40 per
 *   million) depend on resolvers' caching of their TTL and are listed as not priced.
 * - ACM public certificates and API Gateway custom domain names cost nothing by themselves;
 *   a certificate from a private CA (`CertificateAuthorityArn`) is billed by AWS Private CA and is
 *   not priced.
 */

import { canonicalDomainName } from '../aws/dns-names.js';
import { plainArray, plainText } from '../template/plain-values.js';
import type { PlainValue, ResolvedApp, ResolvedResource } from '../template/resolved.js';
import { hostedZoneLine } from './cloud-map.js';
import type { CostLine, NotPriced, ResourceId } from './estimate.js';
import type { PricingContext } from './pricing-line.js';

/** A hosted zone the templates create. */
export interface HostedZoneInfo {
  readonly id: ResourceId;
  /** What `Ref` of it returns (its id), as records name it. */
  readonly ref: string;
  /** Its domain name, lower case without the trailing dot. */
  readonly name: string;
}

/** Something the bill depends on that is not a line: a zone billed to someone else, for example. */
export interface CostNote {
  readonly resource: ResourceId;
  readonly message: string;
}

/** What the templates say about custom domains, for pricing. */
export interface DomainInventory {
  readonly zones: readonly HostedZoneInfo[];
  readonly notes: readonly CostNote[];
  readonly notPriced: readonly NotPriced[];
  /** Resources that cost nothing by themselves (alias records, public certificates, domain names). */
  readonly free: readonly ResolvedResource[];
}

/** How the output names the custom-domain resources that cost nothing by themselves. */
export const FREE_DOMAIN_LABELS: Readonly<Record<string, string>> = {
  'AWS::CertificateManager::Certificate': 'ACM public certificates',
  'AWS::ApiGatewayV2::DomainName': 'API Gateway custom domain names',
  'AWS::Route53::RecordSet': 'alias records to AWS resources (their queries)',
  'AWS::Route53::RecordSetGroup': 'alias record groups (their queries)',
};

/** The resource types {@link domainInventory} reads (every one of them is accounted for there). */
export const DOMAIN_TYPES: ReadonlySet<string> = new Set([
  'AWS::Route53::HostedZone',
  'AWS::Route53::RecordSet',
  'AWS::Route53::RecordSetGroup',
  'AWS::CertificateManager::Certificate',
  'AWS::ApiGatewayV2::DomainName',
]);

function records(resource: ResolvedResource): Record<string, PlainValue>[] {
  if (resource.type === 'AWS::Route53::RecordSet') return [resource.properties];
  const group = resource.properties;
  return plainArray(group.RecordSets)
    .filter((e): e is Record<string, PlainValue> => typeof e === 'object' && e !== null && !Array.isArray(e))
    .map((entry) => ({
      HostedZoneId: group.HostedZoneId ?? null,
      HostedZoneName: group.HostedZoneName ?? null,
      ...entry,
    }));
}

/**
 * Reads the custom-domain resources of a resolved app (see the module comment).
 *
 * @param idOf - how the cost model names a resource.
 * @param zoneMonthUsd - the hosted zone price, for the notes on zones created elsewhere.
 */
export function domainInventory(
  app: ResolvedApp,
  idOf: (r: ResolvedResource) => ResourceId,
  zoneMonthUsd: number,
): DomainInventory {
  const all = app.stacks.flatMap((stack) => [...stack.resources.values()]);
  const zones: HostedZoneInfo[] = all
    .filter((r) => r.type === 'AWS::Route53::HostedZone')
    .map((r) => ({
      id: idOf(r),
      ref: r.ref,
      name: canonicalDomainName(plainText(r.properties.Name) ?? r.ref),
    }));
  const notes: CostNote[] = [];
  const notPriced: NotPriced[] = [];
  const free: ResolvedResource[] = [];
  const noted = new Set<string>();
  /** Notes a zone this app names but does not create, once per zone. */
  const external = (resource: ResolvedResource, zoneId?: string, zoneName?: string) => {
    if (zoneId !== undefined && zones.some((z) => z.ref === zoneId || zoneId.endsWith(`/${z.ref}`))) return;
    if (zoneName !== undefined && zones.some((z) => z.name === canonicalDomainName(zoneName))) return;
    const zone = zoneId ?? (zoneName === undefined ? undefined : canonicalDomainName(zoneName));
    if (zone === undefined || noted.has(zone)) return;
    noted.add(zone);
    notes.push({
      resource: idOf(resource),
      message: `hosted zone ${zone} is not created by these templates: its $${zoneMonthUsd.toFixed(2)}/month (first 25 zones) is billed to its owner whether or not this app exists, and is not in the total`,
    });
  };
  for (const resource of all) {
    switch (resource.type) {
      case 'AWS::Route53::RecordSet':
      case 'AWS::Route53::RecordSetGroup': {
        const entries = records(resource);
        for (const entry of entries)
          external(resource, plainText(entry.HostedZoneId), plainText(entry.HostedZoneName));
        if (entries.every((entry) => entry.AliasTarget !== undefined && entry.AliasTarget !== null))
          free.push(resource);
        else
          notPriced.push({
            resource: idOf(resource),
            reason:
              'standard DNS queries ($0.40 per million) of records that are not aliases to AWS resources depend on resolvers caching their TTL; not modelled',
          });
        break;
      }
      case 'AWS::CertificateManager::Certificate': {
        for (const option of plainArray(resource.properties.DomainValidationOptions)) {
          if (typeof option === 'object' && option !== null && !Array.isArray(option))
            external(resource, plainText(option.HostedZoneId));
        }
        if (resource.properties.CertificateAuthorityArn !== undefined)
          notPriced.push({
            resource: idOf(resource),
            reason:
              'private certificates (CertificateAuthorityArn) are billed by AWS Private CA; not modelled',
          });
        else free.push(resource);
        break;
      }
      case 'AWS::ApiGatewayV2::DomainName':
        free.push(resource);
        break;
    }
  }
  return { zones, notes, notPriced, free };
}

/** The monthly line of a hosted zone the templates create. */
export function createdZoneLine(ctx: PricingContext, zone: HostedZoneInfo): CostLine {
  return hostedZoneLine(ctx, zone.id, undefined, `hosted zone ${zone.name} (queries to alias records free)`);
}
