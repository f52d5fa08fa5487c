/**
 * Catches: an API Gateway HTTP API (`AWS::ApiGatewayV2::Api`, `ProtocolType: HTTP`) whose stage
 * sets no throttle (neither `DefaultRouteSettings.ThrottlingRateLimit` nor
 * `ThrottlingBurstLimit`), or a quick-create API (`Target` set) with no stage declared: the
 * `$default` stage AWS creates for it has no throttle.
 *
 * Why: HTTP APIs are public (there is no private endpoint type), and a stage without limits is
 * held back only by the account's 10,000 requests/s, burst 5,000, shared by every API of the
 * account in the Region (`docs/reference/aws-behavior-2.md` §2.5). One runaway or hostile client
 * can then run up the per-request bill ($1.00 per million) and starve the account's other APIs.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
 *
 * An API with no stage and no `Target` is not flagged: without a deployed stage it has no invoke
 * URL and serves nothing (its stage may live in a template `wharf check` was not given).
 *
 * Does not catch: a stage whose every route has `RouteSettings` limits but no default (it warns,
 * since a route added later is unlimited); APIs whose stages reference them by a literal id.
 * A warning, not an error: an unlimited stage is a choice (`throttle: false`), not a failure.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { resourceOf, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { type At, keyOf, literalAt, trapFinding } from './support.js';

const FIX =
  "Set the stage's DefaultRouteSettings ThrottlingRateLimit and ThrottlingBurstLimit (Wharf's API Gateway pattern: apiGateway.throttle, by default 100 requests/s with a burst of 200), sized for the traffic you expect; RouteSettings can raise or lower single routes.";

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  const stagesOf = new Map<string, At[]>();
  for (const stage of listResources(app, 'AWS::ApiGatewayV2::Stage')) {
    const api = resourceOf(
      traceValue(stage.stack, getPath(stage.resource, 'Properties.ApiId')),
      'AWS::ApiGatewayV2::Api',
    );
    if (!api || api.attribute !== undefined) continue;
    const key = keyOf(api);
    stagesOf.set(key, [...(stagesOf.get(key) ?? []), stage]);
  }
  for (const api of listResources(app, 'AWS::ApiGatewayV2::Api')) {
    if (literalAt(api, 'Properties.ProtocolType') !== 'HTTP') continue;
    const stages = stagesOf.get(keyOf(api)) ?? [];
    if (stages.length === 0) {
      if (getPath(api.resource, 'Properties.Target') === undefined) continue;
      findings.push(
        trapFinding(httpApiUnthrottled, api, {
          propertyPath: 'Properties.Target',
          message: `HTTP API ${api.logicalId} is a quick-create API (Target) with no stage declared: the $default stage AWS creates for it has no throttle, so every route is limited only by the account's 10,000 requests/s, shared with every other API in the Region.`,
          fix: `Declare the $default AWS::ApiGatewayV2::Stage of ${api.logicalId} yourself (drop Target, add the route and integration) with DefaultRouteSettings throttling. ${FIX}`,
        }),
      );
      continue;
    }
    for (const stage of stages) {
      const settings = 'Properties.DefaultRouteSettings';
      const rate = getPath(stage.resource, `${settings}.ThrottlingRateLimit`);
      const burst = getPath(stage.resource, `${settings}.ThrottlingBurstLimit`);
      if (rate !== undefined || burst !== undefined) continue;
      findings.push(
        trapFinding(httpApiUnthrottled, stage, {
          propertyPath: settings,
          message: `Stage ${stage.logicalId} of the public HTTP API ${api.logicalId} sets no throttle: its routes are limited only by the account's 10,000 requests/s (burst 5,000), shared with every other API in the Region, so one client can run up the request bill and starve the others.`,
          fix: FIX,
        }),
      );
    }
  }
  return findings;
}

/** A public HTTP API stage should carry a throttle. */
export const httpApiUnthrottled: TrapRule = {
  id: 'http-api-unthrottled',
  title: 'Public HTTP API without a stage throttle',
  severity: 'warning',
  description:
    'An HTTP API stage without DefaultRouteSettings throttling is limited only by the account-wide 10,000 requests/s: a cost and availability risk.',
  check,
};
