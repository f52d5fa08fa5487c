/**
 * Catches: an API Gateway HTTP API VPC link (`AWS::ApiGatewayV2::VpcLink`) whose `SubnetIds`
 * trace to fewer than two subnets, or to subnets all in one Availability Zone (comparing literal
 * AZ names, or `Fn::Select [i, Fn::GetAZs]` indexes).
 *
 * Why: the VPC link's network interfaces live in those subnets; in one AZ, an AZ outage cuts the
 * API off from every task, however many AZs the tasks run in. AWS recommends a subnet per AZ
 * the service uses.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vpc-links.html
 *
 * Does not catch: subnets passed in as ids (it counts them but cannot see their AZs), or AZs given
 * partly as names and partly as indexes.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { describeTraced, type Traced, traceList, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import { subnetOf } from './network.js';
import type { TrapRule } from './rule.js';
import { trapFinding } from './support.js';

/** A comparable key for a subnet's AZ: `name:us-east-1a`, `index:0`, or `undefined` when unknown. */
function azKey(traced: Traced): string | undefined {
  const subnet = subnetOf(traced);
  if (!subnet) return undefined;
  const props = subnet.resource.Properties ?? {};
  const az = traceValue(subnet.stack, props.AvailabilityZone ?? props.AvailabilityZoneId);
  if (az.kind === 'literal') return `name:${az.value}`;
  if (az.kind === 'az') return `index:${az.index}`;
  return undefined;
}

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const link of listResources(app, 'AWS::ApiGatewayV2::VpcLink')) {
    const subnets = traceList(link.stack, getPath(link.resource, 'Properties.SubnetIds'));
    const countable = subnets.every((s) => subnetOf(s) || s.kind === 'literal');
    if (!countable) continue;
    const names = subnets.map(describeTraced).join(', ') || 'none';
    const keys = subnets.map(azKey);
    const known = keys.every((k) => k !== undefined) && new Set(keys.map((k) => k?.split(':')[0])).size === 1;
    const singleAz = subnets.length >= 2 && known && new Set(keys).size === 1;
    if (subnets.length >= 2 && !singleAz) continue;
    findings.push(
      trapFinding(vpcLinkSingleAz, link, {
        propertyPath: 'Properties.SubnetIds',
        message:
          subnets.length < 2
            ? `VPC link ${link.logicalId} has ${subnets.length} subnet(s) (${names}); an outage of that AZ disconnects the API from every task.`
            : `VPC link ${link.logicalId} has subnets ${names}, all in the same Availability Zone (${keys[0]?.replace(/^index:/, 'Fn::GetAZs #').replace(/^name:/, '')}); an outage of that AZ disconnects the API from every task.`,
        fix: 'Give the VPC link one subnet in each of at least two Availability Zones (the same AZs the tasks run in).',
      }),
    );
  }
  return findings;
}

/** VPC links need subnets in at least two AZs. */
export const vpcLinkSingleAz: TrapRule = {
  id: 'vpc-link-single-az',
  title: 'VPC link in a single Availability Zone',
  severity: 'error',
  description: 'A VPC link with subnets in only one AZ makes the whole API depend on that AZ.',
  check,
};
