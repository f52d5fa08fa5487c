/**
 * Catches:
 * - an `AWS::ApiGatewayV2::DomainName` that no Route 53 record of these templates points at (an
 *   alias `A`/`AAAA` record whose `AliasTarget.DNSName` is its `RegionalDomainName`, a `CNAME` to
 *   it, or any record of the same name): a warning, since the record may live in DNS outside
 *   these templates;
 * - a record that points at a custom domain under another name: an error.
 *
 * Why: creating the custom domain does not publish it: "After you create your Regional custom
 * domain name, you must create a DNS record to point the custom domain name to the Regional
 * domain", and the record's name "must match a custom domain name for your API"
 * (docs/reference/aws-behavior-2.md §2.2): until then `https://api.example.com` does not resolve,
 * and under another name API Gateway finds no domain for the request's host.
 *
 * Does not catch: records in templates `wharf check` was not given.
 */

import { canonicalDomainName } from '../../aws/dns-names.js';
import type { LoadedApp } from '../../template/model.js';
import { listResources, sameResource } from '../../template/query.js';
import { resourceOf, traceList } from '../../template/references.js';
import type { Finding } from '../finding.js';
import { type RecordEntry, recordEntries } from './domains.js';
import type { TrapRule } from './rule.js';
import { type At, literalAt, stringOf, trapFinding } from './support.js';

/** True when `record` points at `domain` by its regional domain name (alias target or CNAME value). */
function pointsAt(record: RecordEntry, domain: At): boolean {
  const values = [
    ...traceList(record.at.stack, record.get('AliasTarget.DNSName')),
    ...traceList(record.at.stack, record.get('ResourceRecords')),
  ];
  return values.some((traced) => {
    const target = resourceOf(traced, 'AWS::ApiGatewayV2::DomainName');
    return target !== undefined && sameResource(target, domain) && target.attribute === 'RegionalDomainName';
  });
}

function check(app: LoadedApp): Finding[] {
  const records = recordEntries(app);
  const findings: Finding[] = [];
  for (const domain of listResources(app, 'AWS::ApiGatewayV2::DomainName')) {
    const name = literalAt(domain, 'Properties.DomainName');
    const pointing = records.filter((record) => pointsAt(record, domain));
    const named = records.filter((record) => {
      const recordName = stringOf(record.at.stack, record.get('Name'));
      return (
        typeof name === 'string' &&
        recordName !== undefined &&
        canonicalDomainName(recordName) === canonicalDomainName(name)
      );
    });
    for (const record of pointing) {
      const recordName = stringOf(record.at.stack, record.get('Name'));
      if (typeof name !== 'string' || recordName === undefined) continue;
      if (canonicalDomainName(recordName) === canonicalDomainName(name)) continue;
      findings.push(
        trapFinding(customDomainNoAlias, record.at, {
          propertyPath: `${record.path}.Name`,
          severity: 'error',
          message: `Record ${record.at.logicalId} points ${recordName} at custom domain ${domain.logicalId}, which is ${name}: API Gateway serves a custom domain only under its own name, so requests to ${recordName} get no API.`,
          fix: `Name the record ${name}, or create a custom domain (and API mapping) for ${recordName}.`,
        }),
      );
    }
    if (pointing.length > 0 || named.length > 0) continue;
    findings.push(
      trapFinding(customDomainNoAlias, domain, {
        propertyPath: 'Properties.DomainName',
        message: `Custom domain ${domain.logicalId}${typeof name === 'string' ? ` (${name})` : ''} has no DNS record in these templates pointing at it: until one exists, the name does not resolve to the API.`,
        fix: `Add an AWS::Route53::RecordSet of Type A named ${typeof name === 'string' ? name : 'the domain'} with AliasTarget { DNSName: !GetAtt ${domain.logicalId}.RegionalDomainName, HostedZoneId: !GetAtt ${domain.logicalId}.RegionalHostedZoneId } (or a CNAME at your DNS provider); Wharf's constructs create it for domain.hostedZone.`,
      }),
    );
  }
  return findings;
}

/** An API Gateway custom domain with no DNS record pointing at it. */
export const customDomainNoAlias: TrapRule = {
  id: 'custom-domain-no-alias',
  title: 'API Gateway custom domain without a DNS record',
  severity: 'warning',
  description:
    'A regional custom domain needs a DNS record (a Route 53 alias to its RegionalDomainName) of the same name before clients can reach it.',
  check,
};
