/**
 * One HTTP API compiled for serving: routes ordered, stages indexed, integrations parsed, access
 * log formats split, buckets and caches created. Built once at start; bad configuration fails here,
 * not on a request.
 *
 * Fidelity: no behaviour of its own; see the files it assembles.
 */

import { WharfError } from '../../errors.js';
import { type Clock, SYSTEM_CLOCK } from '../clock.js';
import type { NetworkPath } from '../network/types.js';
import { describeOrigin } from '../origin.js';
import { AccessLogFormat } from './access-log.js';
import { DiscoveryCache } from './discovery-cache.js';
import {
  compileIntegrations,
  type IntegrationTarget,
  parseCloudMapServiceArn,
} from './integration-target.js';
import type { AccessLogSink, GatewayDiagnostic, HttpApiDeps } from './ports.js';
import type { ApiIdentity } from './request-context.js';
import { RouteMatcher } from './route-matcher.js';
import { StageSelector } from './stage-selector.js';
import { Throttle, type TokenBucket } from './throttle.js';
import type { HttpApiConfig, StageConfig } from './types.js';
import { UpstreamPools } from './upstream-pools.js';

/** Choices the caller makes about how the emulator behaves where AWS is undocumented or local. */
export interface CompileOptions {
  /** Private IP of each VPC link's ENI (by VPC link id). @default '10.0.0.5' for any link */
  readonly vpcLinkSourceIps?: Readonly<Record<string, string>>;
  /** How long a Cloud Map answer is reused, ms (§1.2). @default 0 (ask on every request) */
  readonly discoveryCacheMs?: number;
  /**
   * `proto=` in the `Forwarded` header. AWS always says `https` (execute-api is HTTPS only); the
   * local listener is plain HTTP, so backends building absolute URLs would point to a scheme that
   * does not answer. @default 'http'
   */
  readonly forwardedProto?: 'http' | 'https';
  /** `$context.accountId`. @default the account in the first Cloud Map integration ARN */
  readonly accountId?: string;
  /** A bucket shared by several APIs of one account. @default a new 10,000 rps / 5,000 burst bucket */
  readonly accountThrottle?: TokenBucket;
  /** Random source for instance choice (tests). @default Math.random */
  readonly random?: () => number;
}

/** Everything a request needs, built once. */
export interface CompiledApi {
  readonly config: HttpApiConfig;
  readonly identity: ApiIdentity;
  readonly clock: Clock;
  readonly stages: StageSelector;
  readonly routes: RouteMatcher;
  readonly targets: ReadonlyMap<string, IntegrationTarget>;
  readonly throttle: Throttle;
  readonly discovery: DiscoveryCache;
  readonly network: NetworkPath;
  readonly pools: UpstreamPools;
  /** Access log format and log group of each stage that has `AccessLogSettings` (and a sink). */
  readonly accessLogs: ReadonlyMap<StageConfig, { format: AccessLogFormat; logGroupName: string }>;
  readonly accessLogSink: AccessLogSink | undefined;
  readonly forwardedProto: 'http' | 'https';
  /** Reports why a backend could not be reached. */
  readonly report: (diagnostic: GatewayDiagnostic) => void;
}

/** Compiles `config`; throws a {@link WharfError} for configuration the emulator cannot serve. */
export function compileApi(
  config: HttpApiConfig,
  deps: HttpApiDeps,
  options: CompileOptions = {},
): CompiledApi {
  const clock = deps.clock ?? SYSTEM_CLOCK;
  const targets = compileIntegrations(config, options.vpcLinkSourceIps);
  for (const route of config.routes) {
    if (route.integrationId !== undefined && !targets.has(route.integrationId)) {
      const where = route.origin ? describeOrigin(route.origin, 'Target') : `route '${route.routeKey}'`;
      throw new WharfError(
        'WHARF_APIGW_INTEGRATION_UNKNOWN',
        `${where}: targets integration '${route.integrationId}', which this API does not have; ` +
          `known: ${[...targets.keys()].join(', ') || 'none'}.`,
      );
    }
  }
  const accessLogs = new Map<StageConfig, { format: AccessLogFormat; logGroupName: string }>();
  if (deps.accessLog) {
    for (const stage of config.stages) {
      if (stage.accessLog) {
        accessLogs.set(stage, {
          format: new AccessLogFormat(stage.accessLog.format),
          logGroupName: stage.accessLog.logGroupName,
        });
      }
    }
  }
  const { onBlocked, onDiagnostic } = deps;
  return {
    config,
    identity: { apiId: config.id, accountId: options.accountId ?? accountFromIntegrations(config) },
    clock,
    stages: new StageSelector(config.stages),
    routes: new RouteMatcher(config.routes),
    targets,
    throttle: new Throttle(clock, options.accountThrottle),
    discovery: new DiscoveryCache(deps.instances, clock, options.discoveryCacheMs ?? 0, options.random),
    network: deps.network,
    pools: new UpstreamPools(),
    accessLogs,
    accessLogSink: deps.accessLog,
    forwardedProto: options.forwardedProto ?? 'http',
    report: (diagnostic) => {
      if (diagnostic.kind === 'blocked') onBlocked?.(diagnostic.message);
      onDiagnostic?.(diagnostic);
    },
  };
}

function accountFromIntegrations(config: HttpApiConfig): string | undefined {
  for (const integration of config.integrations) {
    const account = parseCloudMapServiceArn(integration.uri)?.accountId;
    if (account) return account;
  }
  return undefined;
}
