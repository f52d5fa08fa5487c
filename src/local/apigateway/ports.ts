/**
 * What the HTTP API emulator needs from the rest of the local cloud, injected so each part can be
 * replaced in tests: Cloud Map (instances), the VPC (routing a private address to a real socket),
 * time, and where access-log lines go.
 *
 * Fidelity: these are seams, not behaviour. Cloud Map's health filtering (aws-behavior.md §1.2,
 * §4.4) lives behind {@link InstanceLookup}; security-group evaluation lives behind `NetworkPath`.
 */

import type { Clock } from '../clock.js';
import type { InstanceRecord } from '../cloudmap/types.js';
import type { RequestTap } from '../http/request-tap.js';
import type { NetworkPath } from '../network/types.js';

/**
 * Cloud Map as the gateway sees it: `DiscoverInstances` for one service. Implemented by the Cloud
 * Map registry (`CloudMapRegistry.instancesForService`).
 */
export interface InstanceLookup {
  /**
   * The instances API Gateway may send traffic to: HEALTHY ones, or every instance when the service
   * has no health check (§4.4). `queryParameters` are the integration URI's `?k=v` filters; all must
   * match an instance's attributes.
   */
  instancesForService(serviceId: string, queryParameters?: Record<string, string>): readonly InstanceRecord[];
}

/** Receives one rendered access-log line for a stage's log group (`AccessLogSettings`, §1.9). */
export type AccessLogSink = (logGroupName: string, line: string) => void;

/** Why the gateway could not reach a backend, for `wharf dev` to explain (the caller dedupes). */
export interface GatewayDiagnostic {
  /**
   * `blocked`: a security group drops the VPC link's connection; `no-such-address`: the instance's
   * address has nothing behind it (task gone); `no-instances`: Cloud Map returned none;
   * `bad-instance`: an instance lacks `AWS_INSTANCE_IPV4`/`AWS_INSTANCE_PORT` (A records instead of SRV).
   */
  readonly kind: 'blocked' | 'no-such-address' | 'no-instances' | 'bad-instance';
  readonly message: string;
  /** The integration concerned. */
  readonly integrationId: string;
}

/** The collaborators {@link startHttpApi} is given. */
export interface HttpApiDeps {
  readonly instances: InstanceLookup;
  readonly network: NetworkPath;
  /** Time for throttling, the discovery cache and `$context.requestTime`. @default SYSTEM_CLOCK */
  readonly clock?: Clock;
  /** Access-log destination; stages with `AccessLogSettings` log nothing when absent. */
  readonly accessLog?: AccessLogSink;
  /** Hands finished requests to a live view (the dashboard) while it listens. */
  readonly requestTap?: RequestTap;
  /** Called with the missing-rule message each time a security group blocks a request. */
  readonly onBlocked?: (message: string) => void;
  /** Called for every failure to reach a backend (blocked ones too). */
  readonly onDiagnostic?: (diagnostic: GatewayDiagnostic) => void;
}
