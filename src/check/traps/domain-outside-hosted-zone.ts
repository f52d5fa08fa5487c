/**
 * Catches:
 * - a Route 53 record (`AWS::Route53::RecordSet`, or an entry of a `RecordSetGroup`) whose `Name`
 *   is neither its hosted zone's name nor a name under it;
 * - an `AWS::CertificateManager::Certificate` whose `DomainValidationOptions` do not include its
 *   `DomainName`, or name a domain that is neither the `DomainName` nor one of its
 *   `SubjectAlternativeNames`;
 * - a validation option whose domain lies outside the hosted zone its `HostedZoneId` names.
 *
 * The zone is known from a literal `HostedZoneName`, or from a `HostedZoneId` that is a `Ref` to an
 * `AWS::Route53::HostedZone` of these templates (through parameters and nested-stack outputs).
 * A literal zone id (`Z0123…`) names a zone whose domain is not knowable offline: nothing is said.
 *
 * Why: Route 53 refuses a record outside its zone ("RRSet with DNS name … is not permitted in
 * zone …"), and ACM writes the validation CNAME of a domain into the zone given for it: a domain
 * outside that zone never validates, and CloudFormation waits on the certificate for up to 72 hours
 * before it fails (docs/reference/aws-behavior-2.md §3.4). The certificate's `DomainName` "must be
 * identical to" one of the validation options' domains, or ACM cannot create the validation
 * records (§3.4).
 */

import { canonicalDomainName, isWithinZone } from '../../aws/dns-names.js';
import type { LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { traceList } from '../../template/references.js';
import type { Finding } from '../finding.js';
import { recordEntries, zoneNameOf } from './domains.js';
import type { TrapRule } from './rule.js';
import { literalAt, stringOf, trapFinding } from './support.js';

function recordFindings(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const record of recordEntries(app)) {
    const name = stringOf(record.at.stack, record.get('Name'));
    const zone = record.zone.name;
    if (name === undefined || zone === undefined || isWithinZone(name, zone)) continue;
    findings.push(
      trapFinding(domainOutsideHostedZone, record.at, {
        propertyPath: `${record.path}.Name`,
        message: `Record ${record.at.logicalId} is named ${name}, which is not in its hosted zone (${record.zone.from}): Route 53 allows only the zone's name or names under it (*.${canonicalDomainName(zone)}), and rejects the change, failing the stack.`,
        fix: `Name the record ${canonicalDomainName(zone)} or a name ending in .${canonicalDomainName(zone)}, or put it in the hosted zone of ${canonicalDomainName(name)} (Wharf's constructs: domain.hostedZone must be the zone of domain.name).`,
      }),
    );
  }
  return findings;
}

function certificateFindings(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const at of listResources(app, 'AWS::CertificateManager::Certificate')) {
    const options = getPath(at.resource, 'Properties.DomainValidationOptions');
    if (!Array.isArray(options) || options.length === 0) continue;
    const domain = literalAt(at, 'Properties.DomainName');
    const names = [
      ...(typeof domain === 'string' ? [domain] : []),
      ...traceList(at.stack, getPath(at.resource, 'Properties.SubjectAlternativeNames'))
        .map((t) => (t.kind === 'literal' ? String(t.value) : undefined))
        .filter((n): n is string => n !== undefined),
    ].map(canonicalDomainName);
    const validated = options.map((_, i) => ({
      index: i,
      name: literalAt(at, `Properties.DomainValidationOptions.${i}.DomainName`),
    }));
    if (
      typeof domain === 'string' &&
      validated.every((v) => typeof v.name === 'string') &&
      !validated.some((v) => canonicalDomainName(String(v.name)) === canonicalDomainName(domain))
    ) {
      findings.push(
        trapFinding(domainOutsideHostedZone, at, {
          propertyPath: 'Properties.DomainValidationOptions',
          message: `Certificate ${at.logicalId} is for ${domain}, but none of its DomainValidationOptions names ${domain} (${validated.map((v) => v.name).join(', ')}): ACM cannot create the validation record of its own domain, so the certificate is never issued and the stack waits on it until it fails.`,
          fix: `Add { DomainName: ${domain}, HostedZoneId: <the zone of ${domain}> } to DomainValidationOptions.`,
        }),
      );
    }
    for (const { index, name } of validated) {
      if (typeof name !== 'string') continue;
      const path = `Properties.DomainValidationOptions.${index}`;
      if (names.length > 0 && !names.includes(canonicalDomainName(name))) {
        findings.push(
          trapFinding(domainOutsideHostedZone, at, {
            propertyPath: `${path}.DomainName`,
            message: `Certificate ${at.logicalId} validates ${name}, which is neither its DomainName nor one of its SubjectAlternativeNames (allowed: ${names.join(', ')}).`,
            fix: `Validate only names the certificate covers: ${names.join(', ')}; or add ${name} to SubjectAlternativeNames.`,
          }),
        );
        continue;
      }
      const zone = zoneNameOf(at.stack, undefined, getPath(at.resource, `${path}.HostedZoneId`));
      if (zone.name === undefined || isWithinZone(name, zone.name)) continue;
      findings.push(
        trapFinding(domainOutsideHostedZone, at, {
          propertyPath: `${path}.HostedZoneId`,
          message: `Certificate ${at.logicalId} validates ${name} in ${zone.from}, which does not contain it: ACM writes the validation CNAME into that zone, where it cannot prove ${name}, so the certificate stays PENDING_VALIDATION and the stack waits until it fails (72 hours at most).`,
          fix: `Give ${name} the hosted zone of its own domain (${canonicalDomainName(zone.name)} holds only ${canonicalDomainName(zone.name)} and names ending in .${canonicalDomainName(zone.name)}).`,
        }),
      );
    }
  }
  return findings;
}

/** A record or certificate domain outside the hosted zone it is written to or validated in. */
export const domainOutsideHostedZone: TrapRule = {
  id: 'domain-outside-hosted-zone',
  title: 'Domain outside its hosted zone',
  severity: 'error',
  description:
    'A Route 53 record named outside its zone, or an ACM certificate whose DNS validation names a domain it does not cover or a zone that does not contain it.',
  check: (app) => [...recordFindings(app), ...certificateFindings(app)],
};
