/**
 * The `overwrite:path` parameter mapping of an HTTP API integration: the path the backend gets
 * instead of the client's.
 *
 * Fidelity (aws-behavior-2.md §5.2): the value is static text with `$request.path` (the request
 * path without the stage segment), `$request.path.<name>` (a path parameter: `{name}` or the greedy
 * `{proxy+}`), or the same in the bracket form `${request.path}` / `${request.path.<name>}`, which
 * can sit inside text (`/${request.path.proxy}`). With `$request.path` on a named stage the
 * backend gets the path without the stage (the documented way to drop it); `/${request.path.proxy}`
 * on `ANY /svc/{proxy+}` strips the route prefix [UNCONFIRMED syntax]. The client's query string is
 * kept [UNCONFIRMED]. A parameter the route does not have maps to the empty string
 * [UNCONFIRMED]. Other sources (`$context.*`, `$stageVariables.*`, headers, query strings, the
 * body) are not emulated: {@link compilePathMapping} refuses them.
 */

/** What a path mapping reads from a request. */
export interface PathMappingInput {
  /** The request path without the stage segment. */
  readonly routePath: string;
  /** The matched route's path parameters. */
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
}

/** A compiled `overwrite:path` value. */
export type PathMapping = (input: PathMappingInput) => string;

type Part = { readonly text: string } | { readonly parameter: string | null };

// `$request.path` / `$request.path.name` (bare), or `${request.path}` / `${request.path.name}`.
const VARIABLE = /\$\{request\.path(?:\.([A-Za-z0-9._-]+))?\}|\$request\.path(?:\.([A-Za-z0-9_-]+))?/g;

/**
 * Compiles an `overwrite:path` value. Throws an `Error` whose message says what is not supported
 * (the caller names the template property).
 */
export function compilePathMapping(value: string): PathMapping {
  const parts: Part[] = [];
  let last = 0;
  for (const found of value.matchAll(VARIABLE)) {
    const at = found.index ?? 0;
    if (at > last) parts.push({ text: value.slice(last, at) });
    parts.push({ parameter: found[1] ?? found[2] ?? null });
    last = at + found[0].length;
  }
  if (last < value.length) parts.push({ text: value.slice(last) });
  for (const part of parts) {
    if ('text' in part && part.text.includes('$')) {
      throw new Error(
        `'${value.slice(0, 80)}' uses a source other than the request path; locally overwrite:path supports static text, $request.path, $request.path.<name> and \${request.path.<name>}`,
      );
    }
  }
  return (input) => {
    let path = '';
    for (const part of parts) {
      if ('text' in part) path += part.text;
      else if (part.parameter === null) path += input.routePath;
      else path += input.pathParameters?.[part.parameter] ?? '';
    }
    return path.startsWith('/') ? path : `/${path}`;
  };
}
