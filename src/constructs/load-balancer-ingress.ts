import { type CfnResource, Fn, Lazy, Token } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupIngress } from 'aws-cdk-lib/aws-ec2';
import {
  CfnListener,
  CfnListenerRule,
  CfnLoadBalancer,
  CfnTargetGroup,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { CfnRecordSet } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { RECOMMENDED_SSL_POLICY } from '../aws/elb-security-policies.js';
import { PropsValidationError } from '../errors.js';
import {
  type DomainOptions,
  domainAliasRecord,
  domainCertificate,
  domainUrl,
  knownRegion,
  normalizeDomain,
} from './custom-domain.js';
import { acknowledgeNag } from './nag.js';
import { type PropsOwner, requireIntegerInRange, requireListLength, requireName } from './validate.js';

/** How the target group decides a task is healthy. Defaults are the seed's. */
export interface TargetHealthCheckOptions {
  /** HTTP path to request. @default '/' */
  readonly path?: string;
  /** Seconds between checks, 5-300. @default 6 */
  readonly intervalSeconds?: number;
  /** Seconds to wait for an answer, 2-120, less than the interval. @default 5 */
  readonly timeoutSeconds?: number;
  /** Consecutive successes to become healthy, 2-10. @default 2 */
  readonly healthyThresholdCount?: number;
  /** Consecutive failures to become unhealthy, 2-10. @default 10 */
  readonly unhealthyThresholdCount?: number;
  /** HTTP codes that count as healthy. @default '200' @example '200-399' */
  readonly healthyHttpCodes?: string;
}

/** The TLS policy of Wharf's HTTPS listeners: the one AWS recommends today (§3.2). */
export { RECOMMENDED_SSL_POLICY };

/** Options of the load balancer ingress that a pattern user may set. */
export interface LoadBalancerOptions {
  /**
   * Seconds a connection may sit idle before the ALB closes it, 1-4000.
   * @default 30
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * ACM certificate ARN for HTTPS on a name whose DNS you manage outside Route 53 (you point it
   * at the load balancer yourself): adds an HTTPS listener on 443 (TLS policy
   * {@link RECOMMENDED_SSL_POLICY}) and turns the port 80 listener into a redirect to it. For a
   * name in a Route 53 hosted zone use the pattern's `domain` instead (it also writes the alias
   * record and can create the certificate); not both.
   * @default - HTTP on port 80 only (HTTPS with `domain`)
   * @example 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234'
   */
  readonly certificateArn?: string;
  /** Target health check. @default the seed's: '/', every 6 s, timeout 5 s, 2 healthy, 10 unhealthy */
  readonly healthCheck?: TargetHealthCheckOptions;
  /**
   * Seconds the ALB keeps sending in-flight requests to a deregistering task, 0-3600.
   * @default 0
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * S3 bucket for ALB access logs (the bucket policy must allow the ELB log delivery).
   * @default - no access logs
   * @example 'my-alb-logs'
   */
  readonly accessLogsBucket?: string;
}

/** Props of {@link LoadBalancerIngress}. */
export interface LoadBalancerIngressProps extends LoadBalancerOptions {
  /** @example network.vpcId */
  readonly vpcId: string;
  /** Public subnets for the ALB, at least two in different AZs. @example network.publicSubnetIds */
  readonly subnetIds: string[];
  /**
   * The service's security group, opened to the ALB on the container port. With
   * `containerPort`: the seed's one service, the listener's default action.
   * @default - no service yet: add target groups with {@link LoadBalancerIngress.addTargetGroup},
   * rules with {@link LoadBalancerIngress.addRule} and the default with
   * {@link LoadBalancerIngress.setDefaultAction}
   */
  readonly serviceSecurityGroupId?: string;
  /** The container port (the target group's port). @default - with serviceSecurityGroupId only @example 80 */
  readonly containerPort?: number;
  /**
   * A domain of your own: HTTPS on 443 with its certificate (a new ACM `Certificate` validated
   * by DNS unless you give one), port 80 redirecting to it, and a Route 53 alias `AliasRecord`
   * to the load balancer; `LoadBalancerUri` becomes `https://<name>`. Not with `certificateArn`.
   * @default - no domain
   * @example { name: 'api.example.com', hostedZone: 'Z0123456789ABCDEFGHIJ' }
   */
  readonly domain?: DomainOptions;
}

/** {@link LoadBalancerOptions} with defaults applied. */
export interface NormalizedLoadBalancerOptions {
  readonly idleTimeoutSeconds: number;
  readonly certificateArn?: string;
  readonly healthCheck: Required<TargetHealthCheckOptions>;
  readonly deregistrationDelaySeconds: number;
  readonly accessLogsBucket?: string;
}

/** Applies the seed's defaults and the ELB API's limits; pure. */
export function normalizeLoadBalancerOptions(
  owner: PropsOwner,
  options: LoadBalancerOptions = {},
): NormalizedLoadBalancerOptions {
  const idleTimeoutSeconds = options.idleTimeoutSeconds ?? 30;
  requireIntegerInRange(owner, 'idleTimeoutSeconds', idleTimeoutSeconds, 1, 4000);
  const healthCheck = {
    path: options.healthCheck?.path ?? '/',
    intervalSeconds: options.healthCheck?.intervalSeconds ?? 6,
    timeoutSeconds: options.healthCheck?.timeoutSeconds ?? 5,
    healthyThresholdCount: options.healthCheck?.healthyThresholdCount ?? 2,
    unhealthyThresholdCount: options.healthCheck?.unhealthyThresholdCount ?? 10,
    healthyHttpCodes: options.healthCheck?.healthyHttpCodes ?? '200',
  };
  // Limits: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
  requireName(
    owner,
    'healthCheck.path',
    healthCheck.path,
    1024,
    /^\/[\x21-\x7e]*$/,
    "a path starting with '/', 1-1024 characters",
  );
  requireIntegerInRange(owner, 'healthCheck.intervalSeconds', healthCheck.intervalSeconds, 5, 300);
  requireIntegerInRange(owner, 'healthCheck.timeoutSeconds', healthCheck.timeoutSeconds, 2, 120);
  requireIntegerInRange(owner, 'healthCheck.healthyThresholdCount', healthCheck.healthyThresholdCount, 2, 10);
  requireIntegerInRange(
    owner,
    'healthCheck.unhealthyThresholdCount',
    healthCheck.unhealthyThresholdCount,
    2,
    10,
  );
  if (healthCheck.timeoutSeconds >= healthCheck.intervalSeconds) {
    throw new PropsValidationError(
      typeof owner === 'string' ? owner : owner.node.path,
      'healthCheck.timeoutSeconds',
      `${healthCheck.timeoutSeconds} must be less than healthCheck.intervalSeconds (${healthCheck.intervalSeconds}).`,
    );
  }
  const deregistrationDelaySeconds = options.deregistrationDelaySeconds ?? 0;
  requireIntegerInRange(owner, 'deregistrationDelaySeconds', deregistrationDelaySeconds, 0, 3600);
  if (options.certificateArn !== undefined && !Token.isUnresolved(options.certificateArn)) {
    requireName(
      owner,
      'certificateArn',
      options.certificateArn,
      2048,
      /^arn:aws[a-z-]*:acm:/,
      'an ACM certificate ARN (arn:aws:acm:...)',
    );
  }
  return {
    idleTimeoutSeconds,
    certificateArn: options.certificateArn,
    healthCheck,
    deregistrationDelaySeconds,
    accessLogsBucket: options.accessLogsBucket,
  };
}

/**
 * A public Application Load Balancer in front of a service: internet-facing ALB in the public
 * subnets, a listener on port 80 (and 443 with a certificate) forwarding to an `ip` target group.
 * As the load balancer half of the seed's `service.yml`, with two tightenings: the ALB's security
 * group opens only the listener ports (the seed opens every protocol and port), and the service
 * accepts traffic from the ALB on the container port only.
 *
 * Resources: `PublicLoadBalancerSG`, `PublicLoadBalancer`, `PublicLoadBalancerListener`,
 * (`PublicLoadBalancerHttpsListener`), `ServiceTargetGroup`, `ServiceIngressfromLoadBalancer` and,
 * with a domain, `AliasRecord` (and `Certificate` when none is given).
 * Connect the service with `service.addLoadBalancerTarget(ingress.target)`.
 *
 * **Cost** (us-east-1): $0.0225 per ALB-hour (~$16.43/month) plus $0.008 per LCU-hour, and each
 * ALB node's public IPv4 address at $0.005/hour (two AZs: ~$7.30/month).
 * See https://aws.amazon.com/elasticloadbalancing/pricing/.
 *
 * @example
 * const ingress = new LoadBalancerIngress(stack, 'Ingress', {
 *   vpcId: network.vpcId,
 *   subnetIds: network.publicSubnetIds,
 *   serviceSecurityGroupId: service.securityGroupId,
 *   containerPort: 80,
 * });
 * service.addLoadBalancerTarget(ingress.target);
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/introduction.html
 */
export class LoadBalancerIngress extends Construct {
  /**
   * The URL clients use: `http://<dns>`; with a certificate `https://<dns>`; with a domain
   * `https://<name>`.
   */
  readonly url: string;
  /** Escape hatches. */
  readonly loadBalancer: CfnLoadBalancer;
  /** The seed's one target group (absent when target groups are added with {@link addTargetGroup}). */
  readonly targetGroup?: CfnTargetGroup;
  readonly listener: CfnListener;
  /** The HTTPS listener on 443, with a certificate or a domain. */
  readonly httpsListener?: CfnListener;
  readonly securityGroup: CfnSecurityGroup;
  /** With a `domain`: its Route 53 alias record. */
  readonly aliasRecord?: CfnRecordSet;
  /**
   * What the ECS service registers in: pass to {@link Service.addLoadBalancerTarget}. With
   * target groups of your own, pass their ARN with these `dependsOn` (the listeners and rules).
   */
  readonly target: {
    readonly targetGroupArn: string;
    readonly dependsOn: CfnResource[];
    /** The seed target group's request count label (see {@link resourceLabelOf}). */
    readonly resourceLabel?: string;
  };
  /** Values to publish as stack outputs: `LoadBalancerUri` and, with a domain, `DomainName`. */
  readonly outputs: Readonly<Record<string, string>>;
  private readonly options: NormalizedLoadBalancerOptions;
  private readonly vpcId: string;
  /** The listener rules go on: the HTTPS one with a certificate, else the HTTP one. */
  private readonly rulesListener: CfnListener;
  private defaultAction?: CfnListener.ActionProperty;

  constructor(scope: Construct, id: string, props: LoadBalancerIngressProps) {
    super(scope, id);
    const o = normalizeLoadBalancerOptions(this, props);
    this.options = o;
    requireListLength(this, 'subnetIds', props.subnetIds, 2);
    if ((props.serviceSecurityGroupId === undefined) !== (props.containerPort === undefined)) {
      throw new PropsValidationError(
        this.node.path,
        'serviceSecurityGroupId',
        'serviceSecurityGroupId and containerPort go together (the one service of the default action); give both, or neither and add target groups and rules.',
      );
    }
    const single =
      props.containerPort !== undefined && props.serviceSecurityGroupId !== undefined
        ? { port: props.containerPort, groupId: props.serviceSecurityGroupId }
        : undefined;
    if (single) requireIntegerInRange(this, 'containerPort', single.port, 1, 65535);
    const domain =
      props.domain === undefined
        ? undefined
        : normalizeDomain(this, 'domain', props.domain, 'load-balancer', knownRegion(this));
    if (domain && o.certificateArn !== undefined) {
      throw new PropsValidationError(
        this.node.path,
        'certificateArn',
        'is given next to domain; give the certificate once, as domain.certificate (certificateArn is for a name whose DNS is outside Route 53).',
      );
    }
    const https = o.certificateArn !== undefined || domain !== undefined;
    const ports = https ? [80, 443] : [80];
    this.vpcId = props.vpcId;

    this.securityGroup = new CfnSecurityGroup(this, 'PublicLoadBalancerSG', {
      groupDescription: 'Public load balancer: open to the internet on its listener ports only',
      vpcId: props.vpcId,
      securityGroupIngress: ports.map((port) => ({
        cidrIp: '0.0.0.0/0',
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: `Internet to listener port ${port}`,
      })),
    });
    if (single) {
      this.targetGroup = this.addTargetGroup('ServiceTargetGroup', single.port);
      this.defaultAction = forwardTo(this.targetGroup);
    }
    const attributes = [{ key: 'idle_timeout.timeout_seconds', value: String(o.idleTimeoutSeconds) }];
    // Drop requests with header names an HTTP/1.1 parser would reject (AwsSolutions-ELB* hardening).
    attributes.push({ key: 'routing.http.drop_invalid_header_fields.enabled', value: 'true' });
    if (o.accessLogsBucket) {
      attributes.push(
        { key: 'access_logs.s3.enabled', value: 'true' },
        { key: 'access_logs.s3.bucket', value: o.accessLogsBucket },
      );
    }
    this.loadBalancer = new CfnLoadBalancer(this, 'PublicLoadBalancer', {
      scheme: 'internet-facing',
      type: 'application',
      subnets: props.subnetIds,
      securityGroups: [this.securityGroup.ref],
      loadBalancerAttributes: attributes,
    });
    acknowledgeNag(
      this.securityGroup,
      'AwsSolutions-EC23',
      'A public load balancer must accept clients from the whole internet; the group opens only the listener ports (80, and 443 with a certificate), nothing else.',
    );
    if (!o.accessLogsBucket) {
      acknowledgeNag(
        this.loadBalancer,
        'AwsSolutions-ELB2',
        'ALB access logs need an S3 bucket whose policy lets ELB deliver logs; they are opt-in through loadBalancer.accessLogsBucket, and the service writes its own request logs to CloudWatch.',
      );
    }
    const defaultActions = Lazy.any({ produce: () => [this.requireDefaultAction()] });
    this.listener = new CfnListener(this, 'PublicLoadBalancerListener', {
      loadBalancerArn: this.loadBalancer.ref,
      port: 80,
      protocol: 'HTTP',
      defaultActions: https ? [HTTPS_REDIRECT] : defaultActions,
    });
    const dependsOn: CfnResource[] = [this.listener];
    this.rulesListener = this.listener;
    if (https) {
      this.httpsListener = new CfnListener(this, 'PublicLoadBalancerHttpsListener', {
        loadBalancerArn: this.loadBalancer.ref,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: RECOMMENDED_SSL_POLICY,
        certificates: [
          { certificateArn: domain ? domainCertificate(this, domain) : (o.certificateArn as string) },
        ],
        defaultActions,
      });
      this.rulesListener = this.httpsListener;
      dependsOn.push(this.httpsListener);
    }
    if (single) {
      new CfnSecurityGroupIngress(this, 'ServiceIngressfromLoadBalancer', {
        description: `Public ALB to the service on port ${single.port}`,
        groupId: single.groupId,
        ipProtocol: 'tcp',
        fromPort: single.port,
        toPort: single.port,
        sourceSecurityGroupId: this.securityGroup.ref,
      });
    }
    this.target = {
      targetGroupArn: this.targetGroup?.ref ?? '',
      dependsOn,
      resourceLabel: this.targetGroup && this.resourceLabelOf(this.targetGroup),
    };
    const defaultUrl = `${https ? 'https' : 'http'}://${this.loadBalancer.attrDnsName}`;
    if (domain) {
      // §3.5: the alias names the load balancer's DNS name and canonical hosted zone.
      this.aliasRecord = domainAliasRecord(this, domain, {
        dnsName: this.loadBalancer.attrDnsName,
        hostedZoneId: this.loadBalancer.attrCanonicalHostedZoneId,
      });
      this.url = domainUrl(domain, this.aliasRecord, defaultUrl);
      this.outputs = { LoadBalancerUri: this.url, DomainName: domain.name };
    } else {
      this.url = defaultUrl;
      this.outputs = { LoadBalancerUri: this.url };
    }
  }

  /**
   * The `ResourceLabel` of an `ALBRequestCountPerTarget` policy on `group`:
   * `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>` (docs/reference/aws-behavior-2.md §1.2).
   */
  resourceLabelOf(group: CfnTargetGroup): string {
    return Fn.join('/', [this.loadBalancer.attrLoadBalancerFullName, group.attrTargetGroupFullName]);
  }

  /**
   * Adds an `ip` target group on `port` with the load balancer's health check (or `healthCheck`
   * for this group), named `id`. Forward to it with {@link addRule} or {@link setDefaultAction}.
   */
  addTargetGroup(id: string, port: number, healthCheck?: TargetHealthCheckOptions): CfnTargetGroup {
    requireIntegerInRange(this, 'containerPort', port, 1, 65535);
    const hc = healthCheck
      ? normalizeLoadBalancerOptions(this, { ...this.options, healthCheck }).healthCheck
      : this.options.healthCheck;
    return new CfnTargetGroup(this, id, {
      targetType: 'ip',
      protocol: 'HTTP',
      port,
      vpcId: this.vpcId,
      healthCheckProtocol: 'HTTP',
      healthCheckPath: hc.path,
      healthCheckIntervalSeconds: hc.intervalSeconds,
      healthCheckTimeoutSeconds: hc.timeoutSeconds,
      healthyThresholdCount: hc.healthyThresholdCount,
      unhealthyThresholdCount: hc.unhealthyThresholdCount,
      matcher: { httpCode: hc.healthyHttpCodes },
      targetGroupAttributes: [
        {
          key: 'deregistration_delay.timeout_seconds',
          value: String(this.options.deregistrationDelaySeconds),
        },
      ],
    });
  }

  /**
   * Adds a listener rule `ListenerRule<priority>` (on the HTTPS listener when there is one): its
   * logical id comes from its priority, which is unique per listener, so a changed rule is
   * updated in place and never collides with its own replacement.
   */
  addRule(
    priority: number,
    conditions: CfnListenerRule.RuleConditionProperty[],
    action: CfnListener.ActionProperty,
  ): CfnListenerRule {
    const rule = new CfnListenerRule(this, `ListenerRule${priority}`, {
      listenerArn: this.rulesListener.ref,
      priority,
      conditions,
      actions: [action as CfnListenerRule.ActionProperty],
    });
    this.target.dependsOn.push(rule);
    return rule;
  }

  /** Sets what the listener does with requests no rule matches (a forward or a fixed response). */
  setDefaultAction(action: CfnListener.ActionProperty): void {
    this.defaultAction = action;
  }

  private requireDefaultAction(): CfnListener.ActionProperty {
    if (!this.defaultAction) throw new Error(`internal: ${this.node.path} has no default action`);
    return this.defaultAction;
  }
}

/**
 * Port 80's answer once there is HTTPS: a permanent redirect to the same host, path and query on
 * HTTPS:443, as AWS's CloudFormation example writes it (docs/reference/aws-behavior-2.md §3.3).
 */
export const HTTPS_REDIRECT: CfnListener.ActionProperty = {
  type: 'redirect',
  redirectConfig: {
    protocol: 'HTTPS',
    port: '443',
    host: '#{host}',
    path: '/#{path}',
    query: '#{query}',
    statusCode: 'HTTP_301',
  },
};

/** A forward of every request to one target group (weight 100). */
export function forwardTo(targetGroup: CfnTargetGroup): CfnListener.ActionProperty {
  return {
    type: 'forward',
    forwardConfig: { targetGroups: [{ targetGroupArn: targetGroup.ref, weight: 100 }] },
  };
}
