/**
 * API Gateway HTTP API configuration as read from the templates (`AWS::ApiGatewayV2::*`).
 */

import type { Origin } from '../origin.js';

/** Throttling of a stage or route (`ThrottlingRateLimit` requests/s, `ThrottlingBurstLimit` bucket size). */
export interface ThrottleConfig {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** `AccessLogSettings` of a stage. */
export interface AccessLogConfig {
  /** The log group ARN the template names. */
  readonly destinationArn: string;
  /** Log group name taken from the ARN; the local log folder is named after it. */
  readonly logGroupName: string;
  /** The `$context.*` template. */
  readonly format: string;
}

/** `AWS::ApiGatewayV2::Stage`. */
export interface StageConfig {
  /** `$default` or a name (then the URL path starts with `/<name>`). */
  readonly name: string;
  readonly autoDeploy: boolean;
  /** `DefaultRouteSettings` throttling; `undefined` = only the account limit (10,000 rps, burst 5,000). */
  readonly throttle?: ThrottleConfig;
  /** `RouteSettings` throttling per route key. */
  readonly routeThrottles: Readonly<Record<string, ThrottleConfig>>;
  readonly accessLog?: AccessLogConfig;
  readonly origin?: Origin;
}

/** `AWS::ApiGatewayV2::Route`. */
export interface RouteConfig {
  /** `$default`, or `METHOD /path` with `ANY`, `{param}` and a final `{proxy+}`. */
  readonly routeKey: string;
  /** Integration id the route targets (`integrations/<id>` already stripped); `undefined` = no target. */
  readonly integrationId?: string;
  readonly origin?: Origin;
}

/** `AWS::ApiGatewayV2::Integration` of type `HTTP_PROXY`. */
export interface IntegrationConfig {
  readonly id: string;
  readonly type: 'HTTP_PROXY';
  readonly connectionType: 'VPC_LINK' | 'INTERNET';
  /** Cloud Map service ARN (optionally `?k=v` DiscoverInstances filters), or an `http(s)://` URL. */
  readonly uri: string;
  /** `IntegrationMethod`; `ANY` forwards the client's method. */
  readonly method: string;
  /** `TimeoutInMillis`, 50 to 30,000, default 30,000. */
  readonly timeoutMs: number;
  /** Id of the VPC link (`ConnectionId`) when `connectionType` is `VPC_LINK`. */
  readonly vpcLinkId?: string;
  /**
   * The `overwrite:path` value of `RequestParameters` (path-mapping.ts), e.g. `$request.path`.
   * @default - the backend gets the client's path
   */
  readonly overwritePath?: string;
  readonly origin?: Origin;
}

/** `AWS::ApiGatewayV2::VpcLink`. */
export interface VpcLinkConfig {
  readonly id: string;
  readonly name: string;
  readonly securityGroupIds: readonly string[];
  readonly subnetIds: readonly string[];
  readonly origin?: Origin;
}

/** `AWS::ApiGatewayV2::Api` with `ProtocolType: HTTP`, with everything attached to it. */
export interface HttpApiConfig {
  readonly id: string;
  readonly name: string;
  /** What `ApiEndpoint` returns on AWS: `https://<id>.execute-api.<region>.amazonaws.com`. */
  readonly awsEndpoint: string;
  readonly stages: readonly StageConfig[];
  readonly routes: readonly RouteConfig[];
  readonly integrations: readonly IntegrationConfig[];
  readonly vpcLinks: readonly VpcLinkConfig[];
  /**
   * `DisableExecuteApiEndpoint`: the `execute-api` endpoint answers 404 and only custom domains
   * serve the API (aws-behavior-2.md §2.4). @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;
  readonly origin?: Origin;
}

/** `AWS::ApiGatewayV2::ApiMapping`: a path of a custom domain served by a stage of an API. */
export interface ApiMappingConfig {
  /** `ApiMappingKey`: `''` for the empty `(none)` mapping, else `orders` or `orders/v1/items`. */
  readonly key: string;
  readonly apiId: string;
  /** The stage's name (`$default` or a named stage of the API). */
  readonly stage: string;
  readonly origin?: Origin;
}

/** `AWS::ApiGatewayV2::DomainName` with the API mappings that name it. */
export interface DomainNameConfig {
  /** `DomainName`, lower case: `api.example.com` or `*.example.com`. */
  readonly name: string;
  /** `DomainNameConfigurations[0].CertificateArn`. @default - none given */
  readonly certificateArn?: string;
  /** `DomainNameConfigurations[0].SecurityPolicy`. @default 'TLS_1_2' */
  readonly securityPolicy: string;
  /** What `RegionalDomainName` returns on AWS (`d-<id>.execute-api.<region>.amazonaws.com`). */
  readonly regionalDomainName: string;
  readonly mappings: readonly ApiMappingConfig[];
  readonly origin?: Origin;
}
