/**
 * Reading VPC routing for the trap rules: where a subnet's default route (0.0.0.0/0) goes, and
 * which VPC endpoints exist.
 */

import type { LoadedApp } from '../../template/model.js';
import { listResources, sameResource } from '../../template/query.js';
import { literalOf, resourceOf, type Traced, traceValue } from '../../template/references.js';
import type { At } from './support.js';

/** Where a subnet's IPv4 default route leads. */
export type Egress =
  /** To an `AWS::EC2::NatGateway`. */
  | 'nat'
  /** To an internet gateway. */
  | 'igw'
  /** No default route (or no route table association in a VPC the app creates). */
  | 'none'
  /** Somewhere Wharf does not classify (instance, transit gateway, an id from outside). */
  | 'other'
  /** The route table cannot be traced. */
  | 'unknown';

/** A subnet's egress and the resource it goes through, for messages. */
export interface SubnetEgress {
  readonly egress: Egress;
  /** e.g. `route table PrivateRouteTableOne → NAT gateway NatGatewayOne`. */
  readonly detail: string;
}

/** The subnet a traced value reaches (`Ref` or `Fn::GetAtt …SubnetId`), if it is in the app. */
export function subnetOf(traced: Traced): At | undefined {
  const subnet = resourceOf(traced, 'AWS::EC2::Subnet');
  return subnet && (subnet.attribute === undefined || subnet.attribute === 'SubnetId') ? subnet : undefined;
}

/** The VPC a subnet's `VpcId` traces to, if it is in the app. */
export function vpcOf(subnet: At): At | undefined {
  return resourceOf(traceValue(subnet.stack, subnet.resource.Properties?.VpcId), 'AWS::EC2::VPC');
}

function routeTarget(route: At): SubnetEgress {
  const props = route.resource.Properties ?? {};
  if (props.NatGatewayId !== undefined) {
    const nat = resourceOf(traceValue(route.stack, props.NatGatewayId), 'AWS::EC2::NatGateway');
    return nat
      ? { egress: 'nat', detail: `NAT gateway ${nat.logicalId}` }
      : { egress: 'other', detail: 'a NAT gateway' };
  }
  if (props.GatewayId !== undefined) {
    const traced = traceValue(route.stack, props.GatewayId);
    const igw = resourceOf(traced, 'AWS::EC2::InternetGateway');
    if (igw) return { egress: 'igw', detail: `internet gateway ${igw.logicalId}` };
    const literal = literalOf(traced);
    if (typeof literal === 'string' && literal.startsWith('igw-')) return { egress: 'igw', detail: literal };
  }
  return { egress: 'other', detail: `route ${route.logicalId}` };
}

/** Where the route table's IPv4 default route leads. */
function routeTableEgress(app: LoadedApp, table: At): SubnetEgress {
  for (const route of listResources(app, 'AWS::EC2::Route')) {
    const target = resourceOf(traceValue(route.stack, route.resource.Properties?.RouteTableId));
    if (!target || !sameResource(target, table)) continue;
    const destination = literalOf(traceValue(route.stack, route.resource.Properties?.DestinationCidrBlock));
    if (destination !== '0.0.0.0/0') continue;
    const { egress, detail } = routeTarget(route);
    return { egress, detail: `route table ${table.logicalId} → ${detail}` };
  }
  return { egress: 'none', detail: `route table ${table.logicalId} has no 0.0.0.0/0 route` };
}

/** Where a subnet's default route leads, following its route table association. */
export function subnetEgress(app: LoadedApp, subnet: At): SubnetEgress {
  for (const association of listResources(app, 'AWS::EC2::SubnetRouteTableAssociation')) {
    const target = subnetOf(traceValue(association.stack, association.resource.Properties?.SubnetId));
    if (!target || !sameResource(target, subnet)) continue;
    const table = resourceOf(
      traceValue(association.stack, association.resource.Properties?.RouteTableId),
      'AWS::EC2::RouteTable',
    );
    return table ? routeTableEgress(app, table) : { egress: 'unknown', detail: 'an untraced route table' };
  }
  return vpcOf(subnet)
    ? {
        egress: 'none',
        detail: "no route table association (the VPC's main route table has only the local route)",
      }
    : { egress: 'unknown', detail: 'no route table association in a VPC outside the app' };
}

/** True when the VPC has interface/gateway endpoints for ECR (api, dkr) and S3, so images pull privately. */
export function hasImagePullEndpoints(app: LoadedApp, vpc: At | undefined): boolean {
  const services = new Set<string>();
  for (const endpoint of listResources(app, 'AWS::EC2::VPCEndpoint')) {
    const endpointVpc = resourceOf(traceValue(endpoint.stack, endpoint.resource.Properties?.VpcId));
    if (vpc && endpointVpc && !sameResource(endpointVpc, vpc)) continue;
    const name = traceValue(endpoint.stack, endpoint.resource.Properties?.ServiceName);
    const text = name.kind === 'literal' ? String(name.value) : name.kind === 'text' ? name.text : '';
    for (const suffix of ['.ecr.api', '.ecr.dkr', '.s3']) if (text.endsWith(suffix)) services.add(suffix);
  }
  return services.size === 3;
}
