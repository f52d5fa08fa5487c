/**
 * Route selection of an HTTP API: which route a `(method, path)` goes to.
 *
 * Fidelity (aws-behavior.md §1.1): routes are compiled and ordered once, then the first match
 * wins, which reproduces the documented priority and its worked example (`GET /pets/dog/1` beats
 * `GET /pets/dog/{id}` beats `GET /pets/{proxy+}` beats `ANY /{proxy+}` beats `$default`):
 * 1. routes without a greedy variable before routes with one;
 * 2. then segment by segment, a literal segment before `{param}` before `{proxy+}` (so a longer
 *    literal prefix before a greedy variable wins);
 * 3. then a specific method before `ANY` ("ANY matches all methods that you haven't defined");
 * 4. `$default` last.
 * Path specificity is weighed before the method (so `ANY /pets/dog/1` beats `GET /pets/{id}`);
 * the doc's example does not separate the two orders. `{param}` matches one non-empty segment and
 * `{proxy+}` one or more segments (so `/{proxy+}` does not match `/`). Segments are compared as
 * sent (percent-encoded), case-sensitively; a trailing slash is a distinct (empty) segment.
 */

import { WharfError } from '../../errors.js';
import { describeOrigin } from '../origin.js';
import type { RouteConfig } from './types.js';

/** The methods a route key may name. */
export const ROUTE_METHODS: ReadonlySet<string> = new Set([
  'ANY',
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'OPTIONS',
]);

/** One segment of a route path. */
export type RouteSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

/** A route key taken apart: `$default`, or a method and path segments. */
export interface ParsedRouteKey {
  readonly routeKey: string;
  readonly isDefault: boolean;
  /** `ANY` or an upper-case method; `ANY` for `$default`. */
  readonly method: string;
  readonly segments: readonly RouteSegment[];
  /** True when the last segment is `{name+}`. */
  readonly greedy: boolean;
}

/** A compiled route and the configuration it came from. */
export interface CompiledRoute extends ParsedRouteKey {
  readonly config: RouteConfig;
}

/** The route a request goes to, and its path parameters (`{name}` → segment, `{proxy+}` → rest). */
export interface RouteMatch {
  readonly route: CompiledRoute;
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
}

const SEGMENT_RANK = { literal: 0, param: 1, greedy: 2 } as const;
const PARAM = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;

/**
 * Parses a route key (`$default` or `METHOD /path` with `{param}` and a final `{proxy+}`).
 * Throws a {@link WharfError} `WHARF_APIGW_ROUTE_KEY_INVALID` naming what is wrong.
 */
export function parseRouteKey(routeKey: string, where = 'route'): ParsedRouteKey {
  if (routeKey === '$default') {
    return { routeKey, isDefault: true, method: 'ANY', segments: [], greedy: false };
  }
  const fail = (why: string): never => {
    throw new WharfError(
      'WHARF_APIGW_ROUTE_KEY_INVALID',
      `${where}: route key '${routeKey}' is not valid: ${why}. Allowed: '$default' or 'METHOD /path' ` +
        `with METHOD one of ${[...ROUTE_METHODS].join(', ')}, '{name}' segments and a final '{proxy+}'.`,
    );
  };
  const space = routeKey.indexOf(' ');
  if (space < 0) return fail('expected a method, a space and a path');
  const method = routeKey.slice(0, space);
  const path = routeKey.slice(space + 1);
  if (!ROUTE_METHODS.has(method)) fail(`unknown method '${method}'`);
  if (!path.startsWith('/')) fail('the path must start with /');
  const raw = path.slice(1).split('/');
  const segments: RouteSegment[] = [];
  for (let i = 0; i < raw.length; i++) {
    const text = raw[i] as string;
    if (text.includes('{') || text.includes('}')) {
      const found = PARAM.exec(text);
      if (!found) return fail(`segment '${text}' must be a whole '{name}' or '{name+}'`);
      const name = found[1] as string;
      if (found[2]) {
        if (i !== raw.length - 1) fail('the greedy path variable must be at the end of the path');
        segments.push({ kind: 'greedy', name });
      } else {
        segments.push({ kind: 'param', name });
      }
    } else {
      if (text === '' && i !== raw.length - 1) fail('the path has an empty segment');
      segments.push({ kind: 'literal', value: text });
    }
  }
  const greedy = segments[segments.length - 1]?.kind === 'greedy';
  return { routeKey, isDefault: false, method, segments, greedy };
}

/** Orders routes by the priority described in this file's Fidelity note (most specific first). */
export function compareRoutes(a: ParsedRouteKey, b: ParsedRouteKey): number {
  if (a.isDefault !== b.isDefault) return a.isDefault ? 1 : -1;
  if (a.greedy !== b.greedy) return a.greedy ? 1 : -1;
  const shared = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < shared; i++) {
    const diff =
      SEGMENT_RANK[(a.segments[i] as RouteSegment).kind] - SEGMENT_RANK[(b.segments[i] as RouteSegment).kind];
    if (diff !== 0) return diff;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  if ((a.method === 'ANY') !== (b.method === 'ANY')) return a.method === 'ANY' ? 1 : -1;
  return 0;
}

/** Matches requests to the routes of one HTTP API. Compile once, match per request. */
export class RouteMatcher {
  /** The routes, most specific first. */
  readonly routes: readonly CompiledRoute[];

  constructor(routes: readonly RouteConfig[]) {
    const seen = new Map<string, RouteConfig>();
    const compiled: CompiledRoute[] = [];
    for (const config of routes) {
      const where = config.origin ? describeOrigin(config.origin, 'RouteKey') : 'route';
      const previous = seen.get(config.routeKey);
      if (previous) {
        throw new WharfError(
          'WHARF_APIGW_ROUTE_DUPLICATE',
          `${where}: route key '${config.routeKey}' is defined twice` +
            `${previous.origin ? ` (also at ${describeOrigin(previous.origin)})` : ''}; each route key must be unique.`,
        );
      }
      seen.set(config.routeKey, config);
      compiled.push({ ...parseRouteKey(config.routeKey, where), config });
    }
    this.routes = compiled.sort(compareRoutes);
  }

  /** The route for `method` (upper case) and `path` (no query, no stage prefix), or `undefined`. */
  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.charCodeAt(0) === 47 /* / */ ? path.slice(1).split('/') : path.split('/');
    for (const route of this.routes) {
      if (route.method !== 'ANY' && route.method !== method) continue;
      if (route.isDefault) return { route, pathParameters: undefined };
      const pathParameters = matchSegments(route, parts);
      if (pathParameters !== null) return { route, pathParameters };
    }
    return undefined;
  }
}

/** Path parameters when `parts` fit `route` (`undefined` when it has none), `null` when they do not. */
function matchSegments(
  route: CompiledRoute,
  parts: readonly string[],
): Record<string, string> | undefined | null {
  const segments = route.segments;
  if (route.greedy ? parts.length < segments.length : parts.length !== segments.length) return null;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as RouteSegment;
    const part = parts[i] as string;
    if (segment.kind === 'literal') {
      if (segment.value !== part) return null;
    } else if (segment.kind === 'param') {
      if (part === '') return null;
      params ??= {};
      params[segment.name] = part;
    } else {
      const rest = i === parts.length - 1 ? part : parts.slice(i).join('/');
      if (rest === '') return null;
      params ??= {};
      params[segment.name] = rest;
    }
  }
  return params;
}
