/**
 * Elastic Load Balancing v2 ids: load balancer, target group, listener and listener-rule ARNs
 * (`arn:…:loadbalancer/app/<name>/<16 hex>`, `…:targetgroup/<name>/<16 hex>`,
 * `…:listener/app/<lb name>/<lb hex>/<16 hex>`), DNS names `<name>-<digits>.<region>.elb.<suffix>`
 * (prefixed `internal-` for internal schemes), names generated within the 32-character limit, and
 * a target group's `LoadBalancerArns` found through the listeners and rules forwarding to it.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-loadbalancer.html
 */

import type { PlainValue } from './resolved.js';
import { arn, nameOf, own, type ResourceContext, type ResourceKind, text } from './resource-kind.js';

/** Route 53 zone of Application Load Balancers, per region (ELB endpoints table). */
const ALB_HOSTED_ZONES: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'us-west-1': 'Z368ELLRRE2KJ0',
  'us-west-2': 'Z1H1FL5HABSF5',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-west-2': 'ZHURV8PSTC4K8',
  'eu-central-1': 'Z215JYRZR1TBD5',
  'ap-northeast-1': 'Z14GRHDCWA56QT',
  'ap-southeast-1': 'Z1LMS91P8CMLE5',
  'ap-southeast-2': 'Z1GM3OXH4ZPM65',
};

/** `arn:…:loadbalancer/app/<name>/<hex>` → `app/<name>/<hex>`; a generated one for other values. */
function loadBalancerPath(ctx: ResourceContext, lbArn: PlainValue | undefined): string {
  const match =
    typeof lbArn === 'string' ? /:loadbalancer\/((?:app|net|gwy)\/[^/]+\/[0-9a-f]+)$/.exec(lbArn) : null;
  return match ? match[1] : `app/unknown/${ctx.ids.hex(16, 'lb')}`;
}

function loadBalancerType(ctx: ResourceContext): string {
  const type = text(ctx, 'Type');
  return type === 'network' ? 'net' : type === 'gateway' ? 'gwy' : 'app';
}

const LOAD_BALANCER: ResourceKind = {
  ref: (ctx) =>
    arn(
      ctx,
      'elasticloadbalancing',
      `loadbalancer/${loadBalancerType(ctx)}/${nameOf(ctx, 'Name', 32)}/${ctx.ids.hex(16, 'arn')}`,
    ),
  attributes: {
    LoadBalancerArn: own,
    LoadBalancerName: (ctx) => nameOf(ctx, 'Name', 32),
    LoadBalancerFullName: (ctx) => ctx.ref().split(':loadbalancer/')[1],
    DNSName: (ctx) => {
      const internal = text(ctx, 'Scheme') === 'internal' ? 'internal-' : '';
      const host = `${internal}${nameOf(ctx, 'Name', 32)}-${ctx.ids.digits(10, 'dns')}`;
      return `${host}.${ctx.environment.region}.elb.${ctx.environment.urlSuffix}`;
    },
    CanonicalHostedZoneID: (ctx) =>
      ALB_HOSTED_ZONES[ctx.environment.region] ?? `Z${ctx.ids.upper(13, 'zone')}`,
    SecurityGroups: (ctx) => ctx.property('SecurityGroups') ?? [`sg-${ctx.ids.hex(17, 'default-sg')}`],
  },
};

/** Target groups: the load balancers whose listeners or rules forward to them. */
function loadBalancersOf(ctx: ResourceContext): string[] {
  const targetGroup = ctx.ref();
  const mentions = (value: PlainValue | undefined) =>
    JSON.stringify(value ?? null).includes(`"${targetGroup}"`);
  const found = new Set<string>();
  const listeners = ctx.siblings('AWS::ElasticLoadBalancingV2::Listener');
  for (const listener of listeners) {
    const lb = listener.property('LoadBalancerArn');
    if (mentions(listener.property('DefaultActions')) && typeof lb === 'string') found.add(lb);
  }
  for (const rule of ctx.siblings('AWS::ElasticLoadBalancingV2::ListenerRule')) {
    if (!mentions(rule.property('Actions'))) continue;
    const listener = listeners.find((l) => l.ref() === rule.property('ListenerArn'));
    const lb = listener?.property('LoadBalancerArn');
    if (typeof lb === 'string') found.add(lb);
  }
  return [...found];
}

const TARGET_GROUP: ResourceKind = {
  ref: (ctx) =>
    arn(ctx, 'elasticloadbalancing', `targetgroup/${nameOf(ctx, 'Name', 32)}/${ctx.ids.hex(16, 'arn')}`),
  attributes: {
    TargetGroupArn: own,
    TargetGroupName: (ctx) => nameOf(ctx, 'Name', 32),
    TargetGroupFullName: (ctx) => `targetgroup/${ctx.ref().split(':targetgroup/')[1]}`,
    LoadBalancerArns: loadBalancersOf,
  },
};

const LISTENER: ResourceKind = {
  ref: (ctx) =>
    arn(
      ctx,
      'elasticloadbalancing',
      `listener/${loadBalancerPath(ctx, ctx.property('LoadBalancerArn'))}/${ctx.ids.hex(16, 'arn')}`,
    ),
  attributes: { ListenerArn: own },
};

const LISTENER_RULE: ResourceKind = {
  ref: (ctx) => {
    const listener = text(ctx, 'ListenerArn') ?? '';
    const path =
      /:listener\/(.+)$/.exec(listener)?.[1] ??
      `app/unknown/${ctx.ids.hex(16, 'lb')}/${ctx.ids.hex(16, 'listener')}`;
    return arn(ctx, 'elasticloadbalancing', `listener-rule/${path}/${ctx.ids.hex(16, 'arn')}`);
  },
  attributes: { RuleArn: own, IsDefault: () => false },
};

/** The ELBv2 types, by CloudFormation type name. */
export const LOAD_BALANCING_KINDS: Readonly<Record<string, ResourceKind>> = {
  'AWS::ElasticLoadBalancingV2::LoadBalancer': LOAD_BALANCER,
  'AWS::ElasticLoadBalancingV2::TargetGroup': TARGET_GROUP,
  'AWS::ElasticLoadBalancingV2::Listener': LISTENER,
  'AWS::ElasticLoadBalancingV2::ListenerRule': LISTENER_RULE,
};
