import { Token } from 'aws-cdk-lib';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { PropsValidationError } from '../errors.js';
import { type PropsOwner, requireIntegerInRange } from './validate.js';

/**
 * HTTP API stage throttling: the `$default` stage's `DefaultRouteSettings` limits (applied to each
 * route) and per-route `RouteSettings` keyed by route key. API Gateway throttles with a token
 * bucket: `rateLimit` requests per second refill a bucket of `burstLimit` requests; a request
 * over the limit gets `429 Too Many Requests` (docs/reference/aws-behavior-2.md §2.5).
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
 */

/** One token bucket: a steady rate and a burst. */
export interface ThrottleLimits {
  /**
   * Steady-state requests per second (`ThrottlingRateLimit`, a Double).
   * @default 100 (on a route: the stage's rate)
   */
  readonly rateLimit?: number;
  /**
   * Bucket size: requests allowed at once (`ThrottlingBurstLimit`, an integer up to the account
   * burst of 5,000, which AWS does not raise).
   * @default 200 (on a route: the stage's burst)
   */
  readonly burstLimit?: number;
}

/**
 * Throttling of the HTTP API's stage: defaults for every route, and limits for single routes.
 *
 * @example { rateLimit: 500, burstLimit: 1000, routes: { 'POST /orders': { rateLimit: 10, burstLimit: 20 } } }
 */
export interface StageThrottleOptions extends ThrottleLimits {
  /**
   * Limits for single routes, by route key (a route the API has: `$default` for the one-service
   * pattern, a key of some `services.<name>.routes` with several); a route's own limits replace
   * the stage defaults for it.
   * @default - every route gets the stage defaults
   * @example { 'POST /orders': { rateLimit: 10, burstLimit: 20 } }
   */
  readonly routes?: Readonly<Record<string, ThrottleLimits>>;
}

/** Limits with defaults applied. */
export interface ResolvedLimits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The default stage throttle: 100 requests/s, burst 200, per route. The account's limit,
 * 10,000 requests/s with a burst of 5,000, is shared by every API in the Region (§2.5): at 1 % of
 * it, one new API cannot starve the others, and a runaway client's bill is bounded at about
 * 100 × 2,592,000 s ≈ 259 million requests ≈ $259 a month per route (at $1.00 per million).
 * Raise it for the traffic you expect.
 */
export const DEFAULT_STAGE_THROTTLE: ResolvedLimits = { rateLimit: 100, burstLimit: 200 };

/** {@link StageThrottleOptions} with defaults applied; `undefined` default = unlimited (`false`). */
export interface NormalizedStageThrottle {
  readonly defaults?: ResolvedLimits;
  readonly routes: Readonly<Record<string, ResolvedLimits>>;
}

function pathOf(owner: PropsOwner): string {
  return typeof owner === 'string' ? owner : owner.node.path;
}

function resolveLimits(
  owner: PropsOwner,
  prop: string,
  limits: ThrottleLimits,
  fallback: ResolvedLimits,
): ResolvedLimits {
  const rateLimit = limits.rateLimit ?? fallback.rateLimit;
  const burstLimit = limits.burstLimit ?? fallback.burstLimit;
  if (
    !Token.isUnresolved(rateLimit) &&
    !(typeof rateLimit === 'number' && Number.isFinite(rateLimit) && rateLimit >= 0)
  ) {
    throw new PropsValidationError(
      pathOf(owner),
      `${prop}.rateLimit`,
      `got ${JSON.stringify(rateLimit)}; allowed: a number of requests per second, 0 or more.`,
    );
  }
  requireIntegerInRange(owner, `${prop}.burstLimit`, burstLimit, 0, 5000);
  return { rateLimit, burstLimit };
}

/**
 * Applies the defaults and checks the limits; pure. `false` turns throttling off (only the
 * account limit applies); route keys are checked against the API's routes by
 * {@link requireThrottledRoutesExist}.
 *
 * @example normalizeStageThrottle('Api', 'throttle', undefined) // → { defaults: { rateLimit: 100, burstLimit: 200 }, routes: {} }
 * @example normalizeStageThrottle('Api', 'throttle', false) // → { routes: {} }
 * @throws PropsValidationError for a negative or non-numeric rate, or a burst that is not an integer from 0 to 5000
 */
export function normalizeStageThrottle(
  owner: PropsOwner,
  prop: string,
  throttle: StageThrottleOptions | false | undefined,
): NormalizedStageThrottle {
  if (throttle === false) return { routes: {} };
  const options = throttle ?? {};
  if (typeof options !== 'object' || options === null) {
    throw new PropsValidationError(
      pathOf(owner),
      prop,
      `got ${JSON.stringify(throttle)}; allowed: { rateLimit?, burstLimit?, routes? } or false (no stage throttle).`,
    );
  }
  const defaults = resolveLimits(owner, prop, options, DEFAULT_STAGE_THROTTLE);
  const routes: Record<string, ResolvedLimits> = {};
  for (const [key, limits] of Object.entries(options.routes ?? {})) {
    routes[key] = resolveLimits(owner, `${prop}.routes['${key}']`, limits ?? {}, defaults);
  }
  return { defaults, routes };
}

/**
 * Throws unless every route key given limits is a route of the API; pure.
 *
 * @example requireThrottledRoutesExist('Api', 'throttle', normalized, ['$default'])
 */
export function requireThrottledRoutesExist(
  owner: PropsOwner,
  prop: string,
  throttle: NormalizedStageThrottle,
  routeKeys: readonly string[],
): void {
  for (const key of Object.keys(throttle.routes)) {
    if (routeKeys.includes(key)) continue;
    throw new PropsValidationError(
      pathOf(owner),
      `${prop}.routes['${key}']`,
      `names no route of the API; allowed: one of its route keys (${routeKeys.map((k) => `'${k}'`).join(', ') || 'none'}).`,
    );
  }
}

/**
 * The stage's `DefaultRouteSettings` throttle fields, and its `RouteSettings` as written in the
 * template (CDK types that property `any`, so its keys are CloudFormation's PascalCase). A route's
 * entry replaces the default settings for that route, its unset fields taking AWS's defaults
 * rather than the stage's (aws-behavior-2.md §2.5), so each entry repeats `detailedMetrics`.
 */
export function stageThrottleSettings(
  throttle: NormalizedStageThrottle,
  detailedMetrics: boolean,
): {
  defaults: Pick<CfnStage.RouteSettingsProperty, 'throttlingRateLimit' | 'throttlingBurstLimit'>;
  routeSettings?: Record<
    string,
    { DetailedMetricsEnabled: boolean; ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
  >;
} {
  const keys = Object.keys(throttle.routes);
  return {
    defaults: {
      throttlingRateLimit: throttle.defaults?.rateLimit,
      throttlingBurstLimit: throttle.defaults?.burstLimit,
    },
    routeSettings:
      keys.length === 0
        ? undefined
        : Object.fromEntries(
            keys.map((key) => [
              key,
              {
                DetailedMetricsEnabled: detailedMetrics,
                ThrottlingRateLimit: throttle.routes[key]?.rateLimit as number,
                ThrottlingBurstLimit: throttle.routes[key]?.burstLimit as number,
              },
            ]),
          ),
  };
}
