/**
 * Security groups decide what the local ingress may reach, as on AWS: without the ingress rule
 * from the VPC link's (or ALB's) group, requests fail and `wharf dev` names the missing rule.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../../support/docker.js';
import { buildTestImages, WEB_IMAGE } from '../../support/web-image.js';
import { copyFixture, get, ingressUrl, type StartedCloud, startCloud } from './support.js';

const hasDocker = await requireDocker();

/** Removes one resource block (from its line to the next blank line) from a YAML template. */
function removeResource(file: string, logicalId: string): void {
  const text = readFileSync(file, 'utf8');
  const pattern = new RegExp(`\\n  ${logicalId}:\\n(?:    .*\\n|      .*\\n)*`);
  expect(text).toMatch(pattern);
  writeFileSync(file, text.replace(pattern, '\n'));
}

describe.skipIf(!hasDocker)('wharf dev: security groups between the ingress and the tasks', () => {
  let started: StartedCloud | undefined;

  beforeAll(() => buildTestImages());
  afterEach(async () => {
    await started?.cloud.stop();
    started = undefined;
  });

  it('answers 503 {"message":"Service Unavailable"} and names the missing rule when the VPC link may not reach the tasks', async () => {
    const dir = copyFixture('api-gateway');
    removeResource(join(dir, 'api-gateway.yml'), 'ServiceIngressFromVpcLink');
    started = await startCloud({
      template: join(dir, 'parent.yml'),
      runtime: 'docker',
      overrides: { images: { web: WEB_IMAGE } },
    });
    await started.cloud.waitUntilReady(60_000);
    const response = await get(`${ingressUrl(started.cloud, 'api-gateway')}/`);
    expect(response.status).toBe(503);
    expect(response.body).toBe('{"message":"Service Unavailable"}');
    expect(response.headers['content-type']).toBe('application/json');
    const blocked = started.io.withCode('WHARF_DEV_SG_BLOCKED');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]?.message).toMatch(
      /^security group rule missing: VPC link wharf-vpc-link \([a-z0-9]{7}\) \(10\.0\.\d+\.\d+; sg-[0-9a-f]{17} \(VpcLinkSecurityGroup in \S+api-gateway\.yml\)\) cannot reach task [0-9a-f]{8} at 10\.0\.\d+\.\d+:80: no ingress rule of sg-[0-9a-f]{17} \(ServiceSecurityGroup in \S+service\.yml\) allows tcp port 80 from it\. Add an AWS::EC2::SecurityGroupIngress with GroupId = ServiceSecurityGroup in \S+service\.yml, SourceSecurityGroupId = VpcLinkSecurityGroup in \S+api-gateway\.yml, IpProtocol tcp, FromPort 80, ToPort 80\.$/,
    );
  });

  it('answers 504 from the ALB and names the missing rule when the load balancer may not reach the tasks', async () => {
    const dir = copyFixture('alb');
    removeResource(join(dir, 'service.yml'), 'ServiceIngressFromLoadBalancer');
    started = await startCloud({
      template: join(dir, 'parent.yml'),
      runtime: 'docker',
      overrides: { images: { web: WEB_IMAGE } },
    });
    await started.cloud.waitUntilReady(60_000);
    const response = await get(`${ingressUrl(started.cloud, 'load-balancer')}/`);
    expect(response.status).toBe(504);
    expect(response.headers.server).toBe('awselb/2.0');
    expect(response.body).toContain('<center><h1>504 Gateway Time-out</h1></center>');
    const messages = started.io.withCode('WHARF_DEV_SG_BLOCKED').map((m) => m.message);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    expect(messages[0]).toContain('security group rule missing: load balancer ');
    expect(messages[0]).toContain('GroupId = ServiceSecurityGroup in ');
    expect(messages[0]).toContain('SourceSecurityGroupId = PublicLoadBalancerSG in ');
  });
});
