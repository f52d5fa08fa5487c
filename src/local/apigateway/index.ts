/** API Gateway HTTP API emulator: public surface. */

export { AccessLogFormat, type AccessLogRecord, clfTime } from './access-log.js';
export type { CompileOptions } from './compiled-api.js';
export { DiscoveryCache } from './discovery-cache.js';
export { GATEWAY_ERRORS, type GatewayError, type GatewayErrorKind } from './errors.js';
export { parseCloudMapServiceArn } from './integration-target.js';
export type { AccessLogSink, GatewayDiagnostic, HttpApiDeps, InstanceLookup } from './ports.js';
export { newRequestId } from './request-id.js';
export { MAX_PAYLOAD_BYTES, MAX_REQUEST_HEADER_BYTES } from './request-steps.js';
export { parseRouteKey, RouteMatcher } from './route-matcher.js';
export {
  HttpApiEmulator,
  type HttpApiOptions,
  type HttpApiStats,
  type RunningHttpApi,
  startHttpApi,
} from './server.js';
export { StageSelector } from './stage-selector.js';
export { ACCOUNT_THROTTLE, Throttle, TokenBucket } from './throttle.js';
