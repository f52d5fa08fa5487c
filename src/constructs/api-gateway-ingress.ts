import { CfnApi, CfnIntegration, CfnRoute, CfnStage, CfnVpcLink } from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnSecurityGroup, CfnSecurityGroupIngress } from 'aws-cdk-lib/aws-ec2';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeNag } from './nag.js';
import {
  LOG_RETENTION_DAYS,
  type LogRetentionDays,
  type PropsOwner,
  requireIntegerInRange,
  requireListLength,
  requireName,
  requireOneOf,
} from './validate.js';

/**
 * The access-log line the seeds write: one JSON object per request.
 * Variables: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
export const SEED_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
});

/** Stage-wide request throttling (token bucket). */
export interface ThrottlingOptions {
  /** Steady-state requests per second. @example 100 */
  readonly rateLimit: number;
  /** Bucket size: requests allowed in a burst. @example 200 */
  readonly burstLimit: number;
}

/** Options of the API Gateway ingress that a pattern user may set. */
export interface ApiGatewayOptions {
  /**
   * Name of the HTTP API (not unique in AWS; shown in the console).
   * @default 'fargate-api-gateway'
   * @example 'orders-api'
   */
  readonly apiName?: string;
  /**
   * Name of the VPC link.
   * @default 'fargate-vpc-link'
   */
  readonly vpcLinkName?: string;
  /**
   * Per-route CloudWatch metrics on the `$default` stage (billed as custom metrics).
   * @default true
   */
  readonly detailedMetrics?: boolean;
  /**
   * Access-log line format (`$context` variables), at most 3 KB.
   * @default SEED_ACCESS_LOG_FORMAT
   */
  readonly accessLogFormat?: string;
  /**
   * Days to keep access logs.
   * @default 30
   */
  readonly accessLogRetentionDays?: LogRetentionDays;
  /**
   * Stage throttling. Account-level limits (10,000 rps, burst 5,000) always apply.
   * @default - account limits only
   */
  readonly throttling?: ThrottlingOptions;
  /**
   * Integration timeout in milliseconds, 50-30000.
   * @default 30000
   */
  readonly integrationTimeoutMillis?: number;
}

/** Props of {@link ApiGatewayIngress}. */
export interface ApiGatewayIngressProps extends ApiGatewayOptions {
  /** VPC of the VPC link's security group. @example network.vpcId */
  readonly vpcId: string;
  /**
   * Subnets for the VPC link's network interfaces: at least two, in different AZs.
   * @example network.publicSubnetIds
   */
  readonly subnetIds: string[];
  /** The service's security group, opened to the VPC link on the container port. */
  readonly serviceSecurityGroupId: string;
  /** The container port the service listens on. @example 80 */
  readonly containerPort: number;
  /** ARN of the service's Cloud Map service (with SRV records). @example service.cloudMapServiceArn */
  readonly cloudMapServiceArn: string;
}

/** {@link ApiGatewayOptions} with defaults applied. */
export interface NormalizedApiGatewayOptions {
  readonly apiName: string;
  readonly vpcLinkName: string;
  readonly detailedMetrics: boolean;
  readonly accessLogFormat: string;
  readonly accessLogRetentionDays: LogRetentionDays;
  readonly throttling?: ThrottlingOptions;
  readonly integrationTimeoutMillis: number;
}

/** Applies defaults and checks limits from the HTTP API quotas page; pure. */
export function normalizeApiGatewayOptions(
  owner: PropsOwner,
  options: ApiGatewayOptions = {},
): NormalizedApiGatewayOptions {
  const apiName = options.apiName ?? 'fargate-api-gateway';
  requireName(owner, 'apiName', apiName, 128, /^[\x20-\x7e]+$/, '1-128 printable ASCII characters');
  const vpcLinkName = options.vpcLinkName ?? 'fargate-vpc-link';
  requireName(owner, 'vpcLinkName', vpcLinkName, 128, /^[\x20-\x7e]+$/, '1-128 printable ASCII characters');
  const accessLogFormat = options.accessLogFormat ?? SEED_ACCESS_LOG_FORMAT;
  // "Access log template size: 3 KB" (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)
  requireName(
    owner,
    'accessLogFormat',
    accessLogFormat,
    3072,
    /\$context\.requestId/,
    'at most 3 KB, containing $context.requestId',
  );
  const accessLogRetentionDays = options.accessLogRetentionDays ?? 30;
  requireOneOf<number>(owner, 'accessLogRetentionDays', accessLogRetentionDays, LOG_RETENTION_DAYS);
  const integrationTimeoutMillis = options.integrationTimeoutMillis ?? 30000;
  requireIntegerInRange(owner, 'integrationTimeoutMillis', integrationTimeoutMillis, 50, 30000);
  if (options.throttling) {
    requireIntegerInRange(owner, 'throttling.rateLimit', options.throttling.rateLimit, 0, 10000);
    requireIntegerInRange(owner, 'throttling.burstLimit', options.throttling.burstLimit, 0, 5000);
  }
  return {
    apiName,
    vpcLinkName,
    detailedMetrics: options.detailedMetrics ?? true,
    accessLogFormat,
    accessLogRetentionDays: accessLogRetentionDays as LogRetentionDays,
    throttling: options.throttling,
    integrationTimeoutMillis,
  };
}

/**
 * A serverless public ingress: an API Gateway HTTP API whose `$default` route proxies every
 * request through a VPC link to the tasks of a Cloud Map service. As the seeds' `api-gateway.yml`,
 * with one tightening: the service accepts traffic from the VPC link on the container port only
 * (the seed opens all protocols and ports).
 *
 * Resources: `ApiGateway` (HTTP), `ApiGatewayVpcLink` with `ApiGatewaySecurityGroup`,
 * `ApiGatewayVpcLinkIntegration` (HTTP_PROXY over VPC_LINK to the Cloud Map service, payload
 * format 1.0, method ANY), `ApiGatewayRoute` (`$default`), `ApiGatewayStage` (`$default`,
 * auto-deploy, detailed metrics, access logs), `LogGroup`, `ServiceIngressFromApiGateway`.
 *
 * **Cost** (us-east-1): no hourly charge; $1.00 per million requests for the first 300 million a
 * month (each 512 KB of a request counts as one), $0.90 after. VPC links for HTTP APIs carry no
 * extra charge. See https://aws.amazon.com/api-gateway/pricing/.
 *
 * @example
 * new ApiGatewayIngress(stack, 'Ingress', {
 *   vpcId: network.vpcId,
 *   subnetIds: network.publicSubnetIds,
 *   serviceSecurityGroupId: service.securityGroupId,
 *   containerPort: 80,
 *   cloudMapServiceArn: service.cloudMapServiceArn!,
 * });
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html
 */
export class ApiGatewayIngress extends Construct {
  /** The API's public endpoint, `https://<api-id>.execute-api.<region>.amazonaws.com`. */
  readonly apiEndpoint: string;
  /** The VPC link's security group id. */
  readonly securityGroupId: string;
  /** Escape hatches. */
  readonly api: CfnApi;
  readonly vpcLink: CfnVpcLink;
  readonly integration: CfnIntegration;
  readonly stage: CfnStage;
  readonly route: CfnRoute;
  readonly logGroup: CfnLogGroup;
  /** Values to publish as stack outputs, named as in the seeds: `ApiGatewayUri`. */
  readonly outputs: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ApiGatewayIngressProps) {
    super(scope, id);
    const o = normalizeApiGatewayOptions(this, props);
    requireListLength(this, 'subnetIds', props.subnetIds, 2);
    requireIntegerInRange(this, 'containerPort', props.containerPort, 1, 65535);

    this.api = new CfnApi(this, 'ApiGateway', { name: o.apiName, protocolType: 'HTTP' });
    const securityGroup = new CfnSecurityGroup(this, 'ApiGatewaySecurityGroup', {
      groupDescription: 'VPC link of the API Gateway: the only way in to the service',
      vpcId: props.vpcId,
    });
    this.securityGroupId = securityGroup.ref;
    this.vpcLink = new CfnVpcLink(this, 'ApiGatewayVpcLink', {
      name: o.vpcLinkName,
      securityGroupIds: [securityGroup.ref],
      subnetIds: props.subnetIds,
    });
    this.integration = new CfnIntegration(this, 'ApiGatewayVpcLinkIntegration', {
      apiId: this.api.ref,
      connectionId: this.vpcLink.ref,
      connectionType: 'VPC_LINK',
      integrationType: 'HTTP_PROXY',
      integrationUri: props.cloudMapServiceArn,
      payloadFormatVersion: '1.0',
      integrationMethod: 'ANY',
      timeoutInMillis: o.integrationTimeoutMillis,
    });
    this.logGroup = new CfnLogGroup(this, 'LogGroup', { retentionInDays: o.accessLogRetentionDays });
    this.stage = new CfnStage(this, 'ApiGatewayStage', {
      apiId: this.api.ref,
      stageName: '$default',
      autoDeploy: true,
      defaultRouteSettings: {
        detailedMetricsEnabled: o.detailedMetrics,
        throttlingRateLimit: o.throttling?.rateLimit,
        throttlingBurstLimit: o.throttling?.burstLimit,
      },
      accessLogSettings: { destinationArn: this.logGroup.attrArn, format: o.accessLogFormat },
    });
    const route = new CfnRoute(this, 'ApiGatewayRoute', {
      apiId: this.api.ref,
      routeKey: '$default',
      target: `integrations/${this.integration.ref}`,
    });
    acknowledgeNag(
      route,
      'AwsSolutions-APIG4',
      'A public API by design, as in the seed: the $default route forwards every request and the service authenticates its own callers. Attach a JWT or IAM authorizer to ApiGatewayRoute (ingress.route) when the gateway must authenticate.',
    );
    this.route = route;
    new CfnSecurityGroupIngress(this, 'ServiceIngressFromApiGateway', {
      description: `API Gateway VPC link to the service on port ${props.containerPort}`,
      groupId: props.serviceSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      sourceSecurityGroupId: securityGroup.ref,
    });
    this.apiEndpoint = this.api.attrApiEndpoint;
    this.outputs = { ApiGatewayUri: this.apiEndpoint };
  }
}
