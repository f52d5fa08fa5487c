/**
 * Dual-stack load balancers (`IpAddressType`): accepted with subnets that have IPv6 blocks,
 * refused as AWS refuses them otherwise (ELB guide, "IP address types for your Application Load
 * Balancer": the subnets of a dualstack load balancer must have associated IPv6 CIDR blocks).
 */

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveLoadBalancing } from '../../../src/local/elb/resolve.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import type { LoadedApp } from '../../../src/template/model.js';

const DUAL_STACK = fileURLToPath(new URL('../../fixtures/any-ecs/dual-stack.yml', import.meta.url));

function edited(
  change: (resources: Record<string, { Properties?: Record<string, unknown> }>) => void,
): LoadedApp {
  const app = loadTemplateFile(DUAL_STACK);
  change(app.root.template.Resources as Record<string, { Properties?: Record<string, unknown> }>);
  return app;
}

describe('dual-stack load balancers', () => {
  it('reads IpAddressType dualstack when every subnet has an IPv6 block', () => {
    const { loadBalancers } = resolveLoadBalancing(resolveApp(loadTemplateFile(DUAL_STACK)));
    expect(loadBalancers.map((lb) => lb.ipAddressType)).toEqual(['dualstack']);
  });

  it('refuses a dualstack load balancer with a subnet that has no IPv6 block, naming the subnet', () => {
    const app = edited((resources) => {
      delete resources.PublicSubnetTwo.Properties?.Ipv6CidrBlock;
    });
    expect(() => resolveLoadBalancing(resolveApp(app))).toThrow(
      /LoadBalancer.*Subnets.*IpAddressType dualstack needs subnets with an IPv6 CIDR block, and subnet PublicSubnetTwo \(.*dual-stack\.yml\) has none/,
    );
  });

  it('refuses an IpAddressType ELB does not have, listing the allowed ones', () => {
    const app = edited((resources) => {
      (resources.LoadBalancer.Properties as Record<string, unknown>).IpAddressType = 'ipv6';
    });
    expect(() => resolveLoadBalancing(resolveApp(app))).toThrow(
      /IpAddressType.*got 'ipv6'; allowed: ipv4, dualstack, dualstack-without-public-ipv4/,
    );
  });
});
