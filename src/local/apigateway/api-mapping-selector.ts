/**
 * API mapping selection on a custom domain: which mapping (hence which API and stage) a request
 * path goes to, and the path the API's routes then see. Pure.
 *
 * Fidelity (aws-behavior-2.md §2.3): "API Gateway routes requests to the API mapping that has the
 * longest matching path", looking only at the mappings' keys, never at routes; a key matches
 * whole path segments (`orders/v1` matches `/orders/v1` and `/orders/v1/7`, not `/orders/v10`).
 * With no matching key the empty `(none)` mapping takes the request with its whole path. The
 * matched key is removed from the path the routes match on (`/orders/v1/items/7` with key
 * `orders/v1/items` → `/7`; exactly the key → `/`), and there is no stage segment: the mapping
 * names the stage. Keys compare case-sensitively [UNCONFIRMED, as route paths]. No match and no
 * `(none)` mapping: `undefined` (the caller answers 404 `{"message":"Not Found"}`
 * [UNCONFIRMED: §2.3 found no source; 404 is the HTTP API's answer for any path nothing serves]).
 */

/** The part of a mapping selection reads. */
export interface MappingKey {
  /** `ApiMappingKey`, `''` for the `(none)` mapping. */
  readonly key: string;
}

/** The mapping a path goes to, and the path its API's routes match. */
export interface MappingSelection<M extends MappingKey> {
  readonly mapping: M;
  /** The request path without the mapping key, starting with `/`. */
  readonly routePath: string;
}

/**
 * Picks the mapping for `path` (starting with `/`, no query).
 *
 * @example
 * const mappings = [{ key: '' }, { key: 'orders/v1/items' }, { key: 'orders/v2/items' }, { key: 'orders/v2/items/categories' }];
 * selectApiMapping(mappings, '/orders/v1/items/123'); // { mapping: { key: 'orders/v1/items' }, routePath: '/123' }
 * selectApiMapping(mappings, '/orders/v2/items/categories/5'); // key 'orders/v2/items/categories', routePath '/5'
 * selectApiMapping(mappings, '/customers'); // { mapping: { key: '' }, routePath: '/customers' }
 */
export function selectApiMapping<M extends MappingKey>(
  mappings: readonly M[],
  path: string,
): MappingSelection<M> | undefined {
  let best: MappingSelection<M> | undefined;
  let bestLength = -1;
  for (const mapping of mappings) {
    const key = mapping.key;
    if (key === '') {
      if (bestLength < 0) {
        best = { mapping, routePath: path };
        bestLength = 0;
      }
      continue;
    }
    if (key.length <= bestLength) continue;
    const prefix = `/${key}`;
    if (path === prefix) best = { mapping, routePath: '/' };
    else if (path.startsWith(`${prefix}/`)) best = { mapping, routePath: path.slice(prefix.length) };
    else continue;
    bestLength = key.length;
  }
  return best;
}
