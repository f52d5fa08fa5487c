/**
 * Application Load Balancer configuration as read from the templates
 * (`AWS::ElasticLoadBalancingV2::*`).
 */

import type { Origin } from '../origin.js';

/** One target group a `forward` action sends to, with its weight. */
export interface WeightedTargetGroup {
  readonly targetGroupArn: string;
  /** 0 to 999; default 1. */
  readonly weight: number;
}

/** `ForwardConfig.TargetGroupStickinessConfig`: keeps a client on the target group it first got. */
export interface TargetGroupStickiness {
  readonly enabled: boolean;
  /** 1 to 604,800 seconds (7 days). */
  readonly durationSeconds: number;
}

/** A listener action. Only what the two patterns use is emulated; others are rejected at resolve time. */
export type ListenerAction =
  | {
      readonly type: 'forward';
      readonly targetGroups: readonly WeightedTargetGroup[];
      /** Group-level stickiness of a weighted forward. @default - none */
      readonly stickiness?: TargetGroupStickiness;
    }
  | {
      readonly type: 'redirect';
      readonly protocol?: string;
      readonly port?: string;
      readonly host?: string;
      readonly path?: string;
      readonly query?: string;
      /** `HTTP_301` or `HTTP_302`. */
      readonly statusCode: string;
    }
  | {
      readonly type: 'fixed-response';
      readonly statusCode: number;
      readonly contentType?: string;
      readonly messageBody?: string;
    };

/** One `Values` entry of a `query-string` condition: `Key` is optional (then any key). */
export interface QueryStringMatch {
  readonly key?: string;
  readonly value: string;
}

/** A condition of a listener rule (`Conditions[]`), with its values from `*Config` or `Values`. */
export type RuleCondition =
  | { readonly field: 'host-header'; readonly values: readonly string[] }
  | { readonly field: 'path-pattern'; readonly values: readonly string[] }
  | { readonly field: 'http-request-method'; readonly values: readonly string[] }
  | { readonly field: 'source-ip'; readonly values: readonly string[] }
  | { readonly field: 'http-header'; readonly headerName: string; readonly values: readonly string[] }
  | { readonly field: 'query-string'; readonly values: readonly QueryStringMatch[] };

/** `AWS::ElasticLoadBalancingV2::ListenerRule`. */
export interface ListenerRuleConfig {
  readonly arn: string;
  /** 1 to 50,000, unique per listener; lower is evaluated first. */
  readonly priority: number;
  /** AND-ed; the values within one condition are OR-ed. */
  readonly conditions: readonly RuleCondition[];
  /** The terminal action (`forward`, `redirect` or `fixed-response`). */
  readonly action: ListenerAction;
  readonly origin?: Origin;
}

/** One certificate of an HTTPS listener, with the names a local certificate for it covers. */
export interface ListenerCertificateConfig {
  /** `CertificateArn` as the template gives it. */
  readonly arn: string;
  /**
   * The DNS names it covers locally: an ACM certificate's `DomainName` and
   * `SubjectAlternativeNames` when the templates declare it, else the Route 53 alias names
   * pointing at the load balancer, else its DNS name (`../tls/certificate-names.ts`).
   */
  readonly names: readonly string[];
}

/** The TLS side of an HTTPS listener. */
export interface ListenerTlsConfig {
  /** The default certificate first (`Certificates`), then the SNI list (`ListenerCertificate`s). */
  readonly certificates: readonly ListenerCertificateConfig[];
  /** `SslPolicy`. @default - ELBSecurityPolicy-2016-08, as CloudFormation sets it */
  readonly sslPolicy?: string;
}

/** `AWS::ElasticLoadBalancingV2::Listener`: its rules, then its default actions. */
export interface ListenerConfig {
  readonly arn: string;
  /** The port on AWS (80, 443); locally the listener gets a free loopback port. */
  readonly port: number;
  /** `HTTP` or `HTTPS` (served over TLS locally with certificates from Wharf's local CA). */
  readonly protocol: 'HTTP' | 'HTTPS';
  /** HTTPS listeners: certificates and policy. @default - none (HTTP) */
  readonly tls?: ListenerTlsConfig;
  readonly defaultActions: readonly ListenerAction[];
  /** The listener's rules, in priority order (lowest first). @default - none */
  readonly rules?: readonly ListenerRuleConfig[];
  readonly origin?: Origin;
}

/** `AWS::ElasticLoadBalancingV2::LoadBalancer` of type `application`. */
export interface LoadBalancerConfig {
  readonly arn: string;
  readonly name: string;
  /** What `DNSName` returns on AWS. */
  readonly dnsName: string;
  readonly scheme: 'internet-facing' | 'internal';
  /**
   * `IpAddressType`: `dualstack` load balancers also have IPv6 addresses on AWS; locally every
   * listener still serves on 127.0.0.1. @default 'ipv4'
   */
  readonly ipAddressType?: 'ipv4' | 'dualstack' | 'dualstack-without-public-ipv4';
  readonly securityGroupIds: readonly string[];
  readonly subnetIds: readonly string[];
  /** `idle_timeout.timeout_seconds`, default 60. */
  readonly idleTimeoutSeconds: number;
  /** `routing.http.drop_invalid_header_fields.enabled`, default false. */
  readonly dropInvalidHeaderFields: boolean;
  readonly listeners: readonly ListenerConfig[];
  readonly origin?: Origin;
}

/** Health check settings of a target group (defaults for `ip` targets per the ELB guide). */
export interface HealthCheckConfig {
  readonly enabled: boolean;
  /** `HTTP` or `HTTPS`. */
  readonly protocol: string;
  /** default `/` */
  readonly path: string;
  /** `traffic-port` or a port number. */
  readonly port: 'traffic-port' | number;
  /** default 30 */
  readonly intervalSeconds: number;
  /** default 5 */
  readonly timeoutSeconds: number;
  /** default 5 */
  readonly healthyThresholdCount: number;
  /** default 2 */
  readonly unhealthyThresholdCount: number;
  /** `Matcher.HttpCode`: `200`, `200-299`, `200,302`; default `200`. */
  readonly matcher: string;
}

/** `AWS::ElasticLoadBalancingV2::TargetGroup` with `TargetType: ip`. */
export interface TargetGroupConfig {
  readonly arn: string;
  readonly name: string;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly healthCheck: HealthCheckConfig;
  /** `deregistration_delay.timeout_seconds`, default 300. */
  readonly deregistrationDelaySeconds: number;
  /** `load_balancing.algorithm.type`, default `round_robin`. */
  readonly algorithm: 'round_robin' | 'least_outstanding_requests';
  /**
   * `TargetType`: `ip` (Fargate) or `instance` (EC2 services; tasks registered by IP locally).
   * @default 'instance' (as on AWS when the template omits it)
   */
  readonly targetType?: 'ip' | 'instance';
  readonly origin?: Origin;
}

/** Target health states as `DescribeTargetHealth` names them. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';
