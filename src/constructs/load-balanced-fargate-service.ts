import type { CfnListener, CfnListenerRule, CfnTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import type { Cluster } from './cluster.js';
import { normalizeContainerOptions } from './container-options.js';
import { type DomainOptions, knownRegion, normalizeDomain } from './custom-domain.js';
import {
  type FixedResponseOptions,
  fixedResponseAction,
  type ListenerActionRule,
  redirectAction,
} from './listener-action.js';
import { assignPriorities, type ListenerRuleConditions, ruleConditions } from './listener-rule.js';
import {
  forwardTo,
  LoadBalancerIngress,
  type LoadBalancerOptions,
  normalizeLoadBalancerOptions,
  type TargetHealthCheckOptions,
} from './load-balancer-ingress.js';
import type { Network } from './network.js';
import {
  type BuiltService,
  FargatePatternBase,
  type FargatePatternProps,
  type PatternVariant,
} from './pattern-base.js';
import type { Service } from './service.js';
import { rejectRequestScaling } from './service-scaling.js';
import { type PlannedService, planServices, type SeveralServicesEntry } from './several-services.js';
import { withPropPrefix } from './validate.js';

/** One service of a {@link LoadBalancedFargateService} with several. */
export interface LoadBalancerServiceOptions extends SeveralServicesEntry {
  /**
   * The listener rules that forward to this service's target group. A request matches a rule when
   * all its conditions match; rules are tried by priority, lowest first, then the default action.
   * Without rules (and not the `defaultService`) the service is private: reachable only by its
   * `callers`, at `http://<name>.internal:<containerPort>`.
   * @default - none
   * @example [{ pathPatterns: ['/orders', '/orders/*'] }, { hostHeaders: ['orders.example.com'], priority: 5 }]
   */
  readonly rules?: ListenerRuleConditions[];
  /**
   * This service's target-group health check.
   * @default - the load balancer's `healthCheck`
   * @example { path: '/health' }
   */
  readonly targetHealthCheck?: TargetHealthCheckOptions;
}

/** Props of {@link LoadBalancedFargateService}. */
export interface LoadBalancedFargateServiceProps extends FargatePatternProps {
  /**
   * The public Application Load Balancer.
   * @default - the seed's ALB: HTTP on 80, idle timeout 30 s, health check '/' every 6 s,
   * deregistration delay 0
   * @example { idleTimeoutSeconds: 60, healthCheck: { path: '/health' } }
   */
  readonly loadBalancer?: LoadBalancerOptions;
  /**
   * HTTPS on a domain of your own, next to the load balancer (`ServiceStack`, or
   * `LoadBalancerStack` with several services): an HTTPS listener on 443 with AWS's recommended
   * TLS policy (`ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`) that the listener rules attach to,
   * port 80 redirecting to it (301), a Route 53 alias record in the hosted zone, and a new ACM
   * certificate validated by DNS unless you give `certificate`. The parent's `LoadBalancerUri`
   * becomes `https://<name>`, and a `DomainName` output names the domain. It replaces
   * `loadBalancer.certificateArn`, which stays for a name whose DNS is outside Route 53; not both.
   * @default - HTTP on the load balancer's own name
   * @example { name: 'api.example.com', hostedZone: 'Z0123456789ABCDEFGHIJ' }
   * @example { name: 'www.example.com', hostedZone: 'example.com', certificate: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789' }
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html
   */
  readonly domain?: DomainOptions;
  /**
   * Several services behind the one load balancer, by name (instead of `service`). Each has its
   * own container, size, count, health check, environment and image, its own nested stack
   * (`<Name>ServiceStack`) and, when public, its own target group and listener rules. A service
   * with no rules that is not the `defaultService` is private (A records in the Cloud Map
   * namespace `internal`, created only then; a security group that admits only its `callers`).
   * @default - one service, `service`
   * @example
   * {
   *   orders: { image: 'my/orders:1.0', rules: [{ pathPatterns: ['/orders', '/orders/*'] }] },
   *   web: { image: 'my/web:2.3' },
   * }
   */
  readonly services?: Readonly<Record<string, LoadBalancerServiceOptions>>;
  /**
   * The service the listener's default action forwards to (requests no rule matches). With
   * `services` only.
   * @default - a fixed response, `defaultResponse`
   * @example 'web'
   */
  readonly defaultService?: string;
  /**
   * The listener's default action when there is no `defaultService`. With `services` only.
   * @default { statusCode: 404, contentType: 'application/json', messageBody: '{"message":"Not Found"}' }
   */
  readonly defaultResponse?: FixedResponseOptions;
  /**
   * Listener rules the load balancer answers itself: a `redirect` or a `fixedResponse` each.
   * They take derived priorities before the services' rules. With `services` only.
   * @default - none
   * @example [{ pathPatterns: ['/old/*'], redirect: { path: '/new/#{path}' } }, { pathPatterns: ['/admin/*'], fixedResponse: { statusCode: 403 } }]
   */
  readonly listenerRules?: ListenerActionRule[];
}

const LOAD_BALANCER_OUTPUTS = {
  LoadBalancerUri: 'The URL of the public load balancer',
  DomainName: 'The custom domain name of the load balancer',
};

/** The default answer of a listener with several services and no `defaultService`. */
export const DEFAULT_NOT_FOUND: FixedResponseOptions = {
  statusCode: 404,
  contentType: 'application/json',
  messageBody: '{"message":"Not Found"}',
};

/** One listener rule of a pattern with several services, checked, with its priority. */
export interface PlannedListenerRule {
  readonly priority: number;
  readonly conditions: CfnListenerRule.RuleConditionProperty[];
  /** The service it forwards to, or the action the load balancer performs itself. */
  readonly target: { readonly service: string } | { readonly action: CfnListener.ActionProperty };
}

/** The checked plan of a load balancer pattern with several services. */
export interface LoadBalancerServicesPlan {
  readonly services: PlannedService<LoadBalancerServiceOptions>[];
  readonly rules: PlannedListenerRule[];
  /** The default action: a service's name, or an action. */
  readonly defaultTarget: { readonly service: string } | { readonly action: CfnListener.ActionProperty };
}

/**
 * Seed pattern 2: a public Application Load Balancer → ECS service on Fargate whose tasks run in
 * private subnets with private IPs only, reaching the internet through NAT gateways.
 *
 * Laid out like the seed's `parent.yml`: nested stacks `VpcStack` (large VPC by default: public
 * and private subnets, a NAT gateway per AZ), `ClusterStack` and `ServiceStack` (service, task
 * definition, target group, ALB and listener; the service waits for the listener), passing
 * `VpcId`, `PublicSubnetIds`, `PrivateSubnetIds`, `ClusterName` and `ECSTaskExecutionRole`. The
 * parent stack outputs `LoadBalancerUri`.
 *
 * **Cost** (us-east-1, defaults): ALB ~$16.43/month plus LCUs, two NAT gateways ~$65.70/month plus
 * $0.045/GB, their two Elastic IPs and the ALB's two public IPv4 addresses ~$14.60/month, Fargate
 * ~$18/month. Use `network: { profile: 'large', natGateways: 1 }` to halve the NAT cost on
 * non-critical stacks; run `wharf cost` for your traffic.
 *
 * @example
 * new LoadBalancedFargateService(stack, 'Web', {
 *   service: { image: 'public.ecr.aws/docker/library/nginx:1.28.0' },
 *   loadBalancer: { idleTimeoutSeconds: 60 },
 * });
 *
 * With `services`, several services share the load balancer, which moves to its own nested
 * stack `LoadBalancerStack` with a target group per public service and the listener rules; each
 * service has its nested stack `<Name>ServiceStack`; a private one (no rules, not the default)
 * registers A records in a Cloud Map namespace created for it.
 *
 * @example
 * new LoadBalancedFargateService(stack, 'Web', {
 *   services: {
 *     orders: { image: 'my/orders:1.4.2', rules: [{ pathPatterns: ['/orders', '/orders/*'] }] },
 *     web: { image: 'my/web:3.0.1' },
 *   },
 *   defaultService: 'web',
 * });
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-load-balancing.html
 */
export class LoadBalancedFargateService extends FargatePatternBase {
  readonly network: Network;
  readonly cluster: Cluster;
  /** The one service, or with `services` the first one declared. */
  readonly service: Service;
  /** Every service by name (the one service under its `serviceName`). */
  readonly services: Readonly<Record<string, Service>>;
  readonly loadBalancer: LoadBalancerIngress;
  /**
   * The public URL of the load balancer (`LoadBalancerUri`), as the parent stack sees it:
   * `https://<name>` with a `domain`.
   */
  readonly loadBalancerUri: string;
  /** With a `domain`: its name (the `DomainName` output), as the parent stack sees it. */
  readonly domainName?: string;

  constructor(scope: Construct, id: string, props: LoadBalancedFargateServiceProps = {}) {
    super(scope, id);
    normalizeLoadBalancerOptions(`${this.node.path}/LoadBalancer`, props.loadBalancer);
    if (props.domain !== undefined) {
      normalizeDomain(this, 'domain', props.domain, 'load-balancer', knownRegion(this));
      if (props.loadBalancer?.certificateArn !== undefined) {
        throw new PropsValidationError(
          this.node.path,
          'loadBalancer.certificateArn',
          'is given next to domain; give the certificate once, as domain.certificate (loadBalancer.certificateArn is for a name whose DNS is outside Route 53).',
        );
      }
    }
    if (props.services !== undefined) {
      const built = this.buildSeveral(props, props.services);
      this.loadBalancer = built.loadBalancer;
      this.services = built.services;
      this.network = built.network;
      this.cluster = built.cluster;
      this.service = Object.values(built.services)[0] as Service;
      this.loadBalancerUri = built.uri;
      this.domainName = built.domainName;
      return;
    }
    for (const prop of ['defaultService', 'defaultResponse', 'listenerRules'] as const) {
      if (props[prop] !== undefined) {
        throw new PropsValidationError(
          this.node.path,
          prop,
          "applies to 'services' only; with one 'service' the listener forwards everything to it.",
        );
      }
    }
    let ingress: LoadBalancerIngress | undefined;
    const core = this.buildCore(props, {
      defaultNetwork: { profile: 'large' },
      tasksInPrivateSubnets: true,
      cloudMap: false,
      defaultHealthCheck: false,
      ingressInServicePart: (scope, service, subnets) => {
        ingress = new LoadBalancerIngress(scope, 'LoadBalancer', {
          ...props.loadBalancer,
          vpcId: subnets.vpcId,
          subnetIds: subnets.publicSubnetIds,
          serviceSecurityGroupId: service.securityGroupId,
          containerPort: service.settings.containerPort,
          domain: props.domain,
        });
        service.addLoadBalancerTarget(ingress.target);
      },
    });
    if (!ingress) throw new Error('internal: load balancer was not created');
    this.loadBalancer = ingress;
    core.plan.publish(core.servicePart, ingress.outputs, LOAD_BALANCER_OUTPUTS);
    this.network = core.network;
    this.cluster = core.cluster;
    this.service = core.service;
    this.services = { [core.service.settings.serviceName]: core.service };
    this.loadBalancerUri = core.plan.outputInParent(
      core.servicePart,
      'LoadBalancerUri',
      'The URL at which the Fargate service receives traffic',
    );
    if (props.domain !== undefined) {
      this.domainName = core.plan.outputInParent(
        core.servicePart,
        'DomainName',
        'The custom domain name clients use',
      );
    }
  }

  private buildSeveral(
    props: LoadBalancedFargateServiceProps,
    services: Readonly<Record<string, LoadBalancerServiceOptions>>,
  ): {
    loadBalancer: LoadBalancerIngress;
    services: Record<string, Service>;
    network: Network;
    cluster: Cluster;
    uri: string;
    domainName?: string;
  } {
    if (props.service !== undefined) {
      throw new PropsValidationError(
        this.node.path,
        'services',
        "give either 'service' (one service, the listener's default) or 'services' (several, each with its rules), not both.",
      );
    }
    const variant: PatternVariant = {
      defaultNetwork: { profile: 'large' },
      tasksInPrivateSubnets: true,
      cloudMap: false,
      defaultHealthCheck: false,
    };
    const planned = planLoadBalancerServices(this.node.path, props, services);
    const anyPrivate = planned.services.some((s) => !s.isPublic);
    const foundation = this.buildFoundation(props, variant, anyPrivate);
    const { plan, vpcPart } = foundation;
    const part = plan.part(
      'LoadBalancerStack',
      'Wharf ingress: the public Application Load Balancer, its listener rules and target groups',
    );
    const ingress = new LoadBalancerIngress(part, 'LoadBalancer', {
      ...props.loadBalancer,
      vpcId: plan.importValue(part, vpcPart, 'VpcId', 'The VPC of the load balancer'),
      subnetIds: plan.importList(part, vpcPart, 'PublicSubnetIds', 'Public subnets for the load balancer'),
      domain: props.domain,
    });
    const targetGroups = new Map<string, CfnTargetGroup>();
    const published: Record<string, string> = {
      ...ingress.outputs,
      LoadBalancerSecurityGroup: ingress.securityGroup.ref,
    };
    for (const service of planned.services.filter((s) => s.isPublic)) {
      const group = ingress.addTargetGroup(
        `${service.id}TargetGroup`,
        service.options.containerPort ?? 80,
        service.options.targetHealthCheck,
      );
      targetGroups.set(service.name, group);
      published[`${service.id}TargetGroupArn`] = group.ref;
      if (service.options.scaling?.requestsPerTarget !== undefined) {
        published[`${service.id}TargetGroupLabel`] = ingress.resourceLabelOf(group);
      }
    }
    const actionOf = (target: PlannedListenerRule['target']) =>
      'service' in target ? forwardTo(targetGroups.get(target.service) as CfnTargetGroup) : target.action;
    for (const rule of planned.rules) ingress.addRule(rule.priority, rule.conditions, actionOf(rule.target));
    ingress.setDefaultAction(actionOf(planned.defaultTarget));
    plan.publish(part, published, {
      ...LOAD_BALANCER_OUTPUTS,
      LoadBalancerSecurityGroup: "The load balancer's security group",
      ...Object.fromEntries(
        planned.services.map((s) => [`${s.id}TargetGroupArn`, `The target group of ${s.name}`]),
      ),
      ...Object.fromEntries(
        planned.services.map((s) => [
          `${s.id}TargetGroupLabel`,
          `The request count label (load balancer / target group) of ${s.name}`,
        ]),
      ),
    });

    const built = this.buildServices(foundation, planned.services, (s) => (s.isPublic ? undefined : 'A'));
    for (const service of planned.services.filter((s) => s.isPublic)) {
      const { part: servicePart, service: ecs } = built.get(service.name) as BuiltService;
      const targetGroupArn = plan.importValue(
        servicePart,
        part,
        `${service.id}TargetGroupArn`,
        `The target group of ${service.name}`,
        'TargetGroupArn',
      );
      const groupId = plan.importValue(
        servicePart,
        part,
        'LoadBalancerSecurityGroup',
        "The load balancer's security group",
      );
      // In the nested layout the service's stack waits for the load balancer's (its parameters
      // come from there), so the listener and rules exist before the ECS service; in the flat
      // layout the ECS service waits for them directly.
      const resourceLabel =
        service.options.scaling?.requestsPerTarget === undefined
          ? undefined
          : plan.importValue(
              servicePart,
              part,
              `${service.id}TargetGroupLabel`,
              `The request count label of ${service.name}'s target group`,
              'TargetGroupLabel',
            );
      ecs.addLoadBalancerTarget({
        targetGroupArn,
        dependsOn: servicePart === part ? ingress.target.dependsOn : [],
        resourceLabel,
      });
      ecs.admit('IngressFromLoadBalancer', groupId, 'Public ALB to the service');
    }
    const uri = plan.outputInParent(
      part,
      'LoadBalancerUri',
      'The URL at which the public services receive traffic',
    );
    const domainName =
      props.domain === undefined
        ? undefined
        : plan.outputInParent(part, 'DomainName', 'The custom domain name clients use');
    return {
      domainName,
      loadBalancer: ingress,
      services: Object.fromEntries(
        Object.keys(services).map((name) => [name, built.get(name)?.service as Service]),
      ),
      network: foundation.network,
      cluster: foundation.cluster,
      uri,
    };
  }
}

/**
 * Checks the services and rules of a load balancer pattern before anything is built: names,
 * callers, each container, the default, every rule's conditions and action, and the priorities
 * (explicit ones 1-50000 and unique; missing ones derived in declaration order: `listenerRules`
 * first, then each service's rules in the order the services are declared). Pure.
 */
export function planLoadBalancerServices(
  owner: string,
  props: Pick<LoadBalancedFargateServiceProps, 'defaultService' | 'defaultResponse' | 'listenerRules'>,
  services: Readonly<Record<string, LoadBalancerServiceOptions>>,
): LoadBalancerServicesPlan {
  if (props.defaultService !== undefined && !(props.defaultService in services)) {
    throw new PropsValidationError(
      owner,
      'defaultService',
      `names '${props.defaultService}', which is not a service of this app; allowed: ${Object.keys(services).join(', ')}.`,
    );
  }
  if (props.defaultService !== undefined && props.defaultResponse !== undefined) {
    throw new PropsValidationError(
      owner,
      'defaultResponse',
      'the listener has one default action: give defaultService or defaultResponse, not both.',
    );
  }
  const planned = planServices(
    owner,
    services,
    (name, o) => (o.rules?.length ?? 0) > 0 || name === props.defaultService,
  );
  const pending: {
    prop: string;
    priority?: number;
    conditions: CfnListenerRule.RuleConditionProperty[];
    target: PlannedListenerRule['target'];
  }[] = [];
  for (const [i, rule] of (props.listenerRules ?? []).entries()) {
    const prop = `listenerRules[${i}]`;
    const { redirect, fixedResponse, ...conditions } = rule;
    if ((redirect === undefined) === (fixedResponse === undefined)) {
      throw new PropsValidationError(
        owner,
        prop,
        'needs exactly one action: redirect or fixedResponse (rules that forward belong to a service, in services.<name>.rules).',
      );
    }
    const action = redirect
      ? redirectAction(owner, `${prop}.redirect`, redirect)
      : fixedResponseAction(owner, `${prop}.fixedResponse`, fixedResponse as FixedResponseOptions);
    pending.push({
      prop,
      priority: rule.priority,
      conditions: ruleConditions(owner, prop, conditions),
      target: { action },
    });
  }
  for (const name of Object.keys(services)) {
    const service = planned.find((s) => s.name === name) as PlannedService<LoadBalancerServiceOptions>;
    if (!service.isPublic) {
      rejectRequestScaling(
        owner,
        service.prop,
        service.options.scaling,
        `'${service.name}' is private (no rules, not the default service): the load balancer does not forward to it`,
      );
    }
    withPropPrefix(owner, service.prop, () =>
      normalizeContainerOptions(owner, { ...service.options, serviceName: service.name }, false),
    );
    if (service.options.targetHealthCheck !== undefined) {
      withPropPrefix(owner, `${service.prop}.targetHealthCheck`, () =>
        normalizeLoadBalancerOptions(owner, { healthCheck: service.options.targetHealthCheck }),
      );
    }
    for (const [i, rule] of (service.options.rules ?? []).entries()) {
      const prop = `${service.prop}.rules[${i}]`;
      pending.push({
        prop,
        priority: rule.priority,
        conditions: ruleConditions(owner, prop, rule),
        target: { service: name },
      });
    }
  }
  const priorities = assignPriorities(owner, pending);
  return {
    services: planned,
    rules: pending.map((rule, i) => ({
      priority: priorities[i] as number,
      conditions: rule.conditions,
      target: rule.target,
    })),
    defaultTarget:
      props.defaultService !== undefined
        ? { service: props.defaultService }
        : {
            action: fixedResponseAction(owner, 'defaultResponse', props.defaultResponse ?? DEFAULT_NOT_FOUND),
          },
  };
}
