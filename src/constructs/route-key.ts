import { PropsValidationError } from '../errors.js';

/**
 * HTTP API route keys, as the patterns accept them in `services.<name>.routes`: checked before
 * anything is created, so a bad key names its prop instead of failing a deployment.
 *
 * A route key is `$default` or `<METHOD> <resource-path>`: `GET /pets`, `GET /pets/{id}`,
 * `ANY /orders/{proxy+}` (docs/reference/aws-behavior-2.md §5.1). A `{name}` segment matches one
 * path segment, a greedy `{name+}` every child and only at the end; a path does not end in `/`
 * unless it is `/` itself.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */

/** The methods a route key may name; `ANY` matches every method no other route of the path has. */
export const ROUTE_METHODS = ['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** A method a route key may name. */
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** A parsed route key. */
export type RouteKey =
  | { readonly kind: 'default' }
  | { readonly kind: 'route'; readonly method: RouteMethod; readonly path: string };

/** A literal segment: letters, digits and the URL characters API Gateway keeps in a path. */
const LITERAL_SEGMENT = /^[A-Za-z0-9._~\-:@!$&'()*+,;=]+$/;
const PARAMETER_SEGMENT = /^\{[A-Za-z0-9._-]+\}$/;
const GREEDY_SEGMENT = /^\{[A-Za-z0-9._-]+\+\}$/;

/**
 * Parses and checks one route key; pure.
 *
 * @example parseRouteKey('Api', 'services.orders.routes[0]', 'ANY /orders/{proxy+}')
 *   // → { kind: 'route', method: 'ANY', path: '/orders/{proxy+}' }
 * @example parseRouteKey('Api', 'services.orders.routes[1]', '$default') // → { kind: 'default' }
 * @throws PropsValidationError naming `prop` for anything else (`get /a`, `GET /a/`, `GET /{a+}/b`)
 */
export function parseRouteKey(owner: string, prop: string, key: string): RouteKey {
  if (key === '$default') return { kind: 'default' };
  const fail = (why: string): never => {
    throw new PropsValidationError(
      owner,
      prop,
      `route key ${JSON.stringify(key)} ${why}; allowed: '$default' or '<METHOD> <path>' with METHOD one of ${ROUTE_METHODS.join(', ')} and a path of '/'-separated segments (literal, {name}, or a last {name+}), e.g. 'ANY /orders/{proxy+}'.`,
    );
  };
  if (typeof key !== 'string') return fail('is not a string');
  const match = /^(\S+) (\/\S*)$/.exec(key);
  if (!match) return fail('is not of the form <METHOD> <path>');
  const [, method = '', resource = ''] = match;
  if (!(ROUTE_METHODS as readonly string[]).includes(method)) {
    return fail(`has method '${method}' (methods are upper case)`);
  }
  if (resource.length > 1 && resource.endsWith('/')) {
    return fail("ends in '/' (API Gateway rejects it as an invalid route name)");
  }
  if (resource !== '/') {
    const segments = resource.slice(1).split('/');
    segments.forEach((segment, index) => {
      if (segment === '') fail('has an empty path segment');
      if (GREEDY_SEGMENT.test(segment)) {
        if (index !== segments.length - 1) fail(`has the greedy segment ${segment} before the end`);
        return;
      }
      if (!LITERAL_SEGMENT.test(segment) && !PARAMETER_SEGMENT.test(segment)) {
        fail(`has the segment '${segment}'`);
      }
    });
  }
  return { kind: 'route', method: method as RouteMethod, path: resource };
}

/**
 * A stable CloudFormation logical id for a route, made from its key alone, so that a route keeps
 * its resource when routes are added or reordered (a replaced route would be created before the
 * old one is deleted, and API Gateway refuses two routes with one key).
 *
 * @example routeLogicalId('ANY /orders/{proxy+}') // 'RouteAnyOrdersProxy'
 * @example routeLogicalId('$default') // 'RouteDefault'
 */
export function routeLogicalId(key: string): string {
  if (key === '$default') return 'RouteDefault';
  const words = key.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  return `Route${words.map(pascalWord).join('')}`;
}

/** `orders-api` → `OrdersApi`: the letters and digits of a name, each word capitalized. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map(pascalWord)
    .join('');
}

function pascalWord(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}
