/**
 * Catches: two `AWS::ApiGatewayV2::Route`s of one HTTP API with the same `RouteKey`
 * (`GET /orders` twice, or two `$default` routes).
 *
 * Why: a route key identifies a route within its API (`docs/reference/aws-behavior-2.md` §5.1),
 * so the second `CreateRoute` fails with a `ConflictException` and the stack rolls back; each
 * route is valid alone, so template validation does not see it. It happens when several services
 * are given routes by hand and two claim the same path.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 * https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-routes.html
 *
 * Keys are compared as written (method and path are case-sensitive), after trimming. Routes whose
 * API or key does not trace to a resource or a literal are left alone.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { literalOf, resourceOf, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { type At, keyOf, literalAt, trapFinding } from './support.js';

/** The API a route belongs to: a key and a name for messages. */
function apiOf(route: At): { key: string; name: string } | undefined {
  const traced = traceValue(route.stack, getPath(route.resource, 'Properties.ApiId'));
  const api = resourceOf(traced, 'AWS::ApiGatewayV2::Api');
  if (api && api.attribute === undefined) return { key: keyOf(api), name: api.logicalId };
  const id = literalOf(traced);
  return typeof id === 'string' ? { key: `id:${id}`, name: id } : undefined;
}

/** The route's integration, for messages (`integrations/OrdersIntegration`). */
function targetOf(route: At): string {
  const target = traceValue(route.stack, getPath(route.resource, 'Properties.Target'));
  if (target.kind === 'literal') return String(target.value);
  if (target.kind === 'text') return target.text;
  return 'its target';
}

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  const first = new Map<string, At>();
  for (const route of listResources(app, 'AWS::ApiGatewayV2::Route')) {
    const api = apiOf(route);
    const routeKey = literalAt(route, 'Properties.RouteKey');
    if (!api || typeof routeKey !== 'string') continue;
    const key = `${api.key} ${routeKey.trim()}`;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, route);
      continue;
    }
    findings.push(
      trapFinding(httpApiRouteDuplicate, route, {
        propertyPath: 'Properties.RouteKey',
        message: `Route ${route.logicalId} (to ${targetOf(route)}) has RouteKey '${routeKey.trim()}', as route ${earlier.logicalId} (to ${targetOf(earlier)}) of the same HTTP API ${api.name}. A route key is unique per API: CreateRoute fails with ConflictException and the stack rolls back.`,
        fix: `Give ${route.logicalId} a route key no other route of ${api.name} has (another path or method), or delete one of the two routes; to send a path to two services, split it (e.g. 'GET /orders' and 'POST /orders').`,
      }),
    );
  }
  return findings;
}

/** Route keys must be unique per HTTP API. */
export const httpApiRouteDuplicate: TrapRule = {
  id: 'http-api-route-duplicate',
  title: 'Two routes of one HTTP API share a route key',
  severity: 'error',
  description:
    'An HTTP API route key (`GET /orders`, `$default`) is unique per API; a duplicate fails at deploy time (ConflictException).',
  check,
};
