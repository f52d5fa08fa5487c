/**
 * Catches: an ECS service whose tasks have no way out to the internet: no public IP in subnets
 * without a NAT route (or with only an internet-gateway route), or a public IP in subnets with no
 * default route at all; and no VPC endpoints for ECR (api, dkr) and S3 to pull images privately.
 *
 * Why: Fargate pulls the image and sends logs over the task's network interface. A task with only
 * a private IP needs a NAT gateway; a public IP only works behind an internet-gateway route.
 * Otherwise tasks stop with `CannotPullContainerError`.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 *
 * Does not catch: subnets, route tables or NAT gateways outside the app (passed in as ids): then it
 * stays quiet. It does not check NACLs or security group egress. A public IP in a subnet whose
 * default route goes to a NAT gateway works (traffic leaves through the NAT), so it is not reported.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath } from '../../template/query.js';
import { traceList } from '../../template/references.js';
import type { Finding } from '../finding.js';
import { ecsServices } from './ecs.js';
import { hasImagePullEndpoints, subnetEgress, subnetOf, vpcOf } from './network.js';
import type { TrapRule } from './rule.js';
import { type At, literalAt, trapFinding } from './support.js';

const SUBNETS = 'Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets';

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const service of ecsServices(app)) {
    const traced = traceList(service.stack, getPath(service.resource, SUBNETS));
    const subnets = traced.map(subnetOf);
    if (traced.length === 0 || subnets.some((subnet) => subnet === undefined)) continue;
    const publicIp = literalAt(service, 'Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp');
    if (publicIp !== undefined && publicIp !== 'ENABLED' && publicIp !== 'DISABLED') continue;
    const enabled = publicIp === 'ENABLED';
    const bad = (subnets as At[]).flatMap((subnet) => {
      const { egress, detail } = subnetEgress(app, subnet);
      const broken = enabled ? egress === 'none' : egress === 'igw' || egress === 'none';
      return broken ? [{ subnet, detail }] : [];
    });
    if (bad.length === 0) continue;
    if (hasImagePullEndpoints(app, vpcOf(bad[0].subnet))) continue;
    const listed = bad.map(({ subnet, detail }) => `${subnet.logicalId} (${detail})`).join(', ');
    findings.push(
      trapFinding(taskNoEgress, service, {
        propertyPath: SUBNETS,
        message: enabled
          ? `ECS service ${service.logicalId} assigns public IPs, but subnets ${listed} have no default route to an internet gateway or NAT gateway, so tasks cannot pull images or send logs.`
          : `ECS service ${service.logicalId} has AssignPublicIp ${publicIp ?? 'absent (DISABLED)'} in subnets ${listed}: a task with only a private IP needs a 0.0.0.0/0 route to a NAT gateway to pull images and send logs.`,
        fix: enabled
          ? 'Associate the subnets with a route table whose 0.0.0.0/0 route goes to an internet gateway, or add VPC endpoints for ecr.api, ecr.dkr, s3 and logs.'
          : 'Run the tasks in private subnets whose route table sends 0.0.0.0/0 to a NAT gateway, or set AssignPublicIp: ENABLED in public subnets, or add VPC endpoints for ecr.api, ecr.dkr, s3 (gateway) and logs.',
      }),
    );
  }
  return findings;
}

/** Fargate tasks need a route out to pull images. */
export const taskNoEgress: TrapRule = {
  id: 'task-no-egress',
  title: 'Fargate tasks have no route to pull images',
  severity: 'error',
  description:
    'Tasks without a public IP need a NAT gateway route; tasks with a public IP need an internet gateway route; otherwise image pulls fail unless ECR and S3 VPC endpoints exist.',
  check,
};
