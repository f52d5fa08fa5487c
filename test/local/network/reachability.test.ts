/**
 * Which security groups' networks a task joins (its own, and every group that admits it on tcp):
 * the decision that lets a caller reach a callee's tasks locally, or not.
 */

import { describe, expect, it } from 'vitest';
import { joinedGroups, undeclaredGroups } from '../../../src/local/network/reachability.js';
import type { IngressRule, SecurityGroupConfig } from '../../../src/local/network/types.js';

const origin = { file: 'app.yml', logicalId: 'X', stackName: 'app' };

function group(id: string, ingress: Array<Partial<IngressRule>>): SecurityGroupConfig {
  return {
    id,
    description: id,
    origin,
    ingress: ingress.map((rule) => ({ protocol: 'tcp', fromPort: 8080, toPort: 8080, origin, ...rule })),
  };
}

const ORDERS = group('sg-orders', []);
const INVENTORY = group('sg-inventory', [{ sourceSecurityGroupId: 'sg-orders' }]);
const VPC_WIDE = group('sg-vpcwide', [{ cidrIp: '10.0.0.0/16' }]);
const UDP_ONLY = group('sg-udp', [{ protocol: 'udp', sourceSecurityGroupId: 'sg-orders' }]);
const ALL = group('sg-all', [
  { protocol: '-1', fromPort: undefined, toPort: undefined, sourceSecurityGroupId: 'sg-orders' },
]);

describe('joinedGroups', () => {
  it.each([
    [
      'a caller admitted by source security group joins the callee group',
      ['sg-orders'],
      '10.0.2.4',
      [ORDERS, INVENTORY],
      ['sg-orders', 'sg-inventory'],
    ],
    [
      'a caller not admitted joins only its own group',
      ['sg-stranger'],
      '10.0.2.4',
      [ORDERS, INVENTORY],
      ['sg-stranger'],
    ],
    [
      'a CIDR rule admits a caller whose private IP is inside it',
      ['sg-stranger'],
      '10.0.9.9',
      [VPC_WIDE],
      ['sg-stranger', 'sg-vpcwide'],
    ],
    [
      'a CIDR rule does not admit a caller outside it',
      ['sg-stranger'],
      '10.1.0.1',
      [VPC_WIDE],
      ['sg-stranger'],
    ],
    ['a udp-only rule does not admit tcp callers', ['sg-orders'], '10.0.2.4', [UDP_ONLY], ['sg-orders']],
    ['an all-protocols rule admits', ['sg-orders'], '10.0.2.4', [ALL], ['sg-orders', 'sg-all']],
  ])('%s', (_name, own, ip, groups, expected) => {
    expect(joinedGroups(groups, { securityGroupIds: own, privateIp: ip })).toEqual(expected);
  });

  it('puts a task without security groups of its own (bridge or host mode) in every group, as vpc.ts checks none', () => {
    expect(joinedGroups([ORDERS, INVENTORY], { securityGroupIds: null, privateIp: '10.0.2.4' })).toEqual([
      'sg-orders',
      'sg-inventory',
    ]);
  });
});

describe('undeclaredGroups', () => {
  it('lists the group ids tasks carry that the templates do not declare, once each', () => {
    expect(undeclaredGroups([ORDERS], ['sg-orders', 'sg-existing', 'sg-existing'])).toEqual(['sg-existing']);
  });
});
