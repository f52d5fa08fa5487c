/**
 * The gateway's request path before the backend is called: small steps run in order over one
 * {@link RequestContext}; the first that returns a {@link GatewayError} ends the request with it.
 *
 * Fidelity (aws-behavior.md §1.1, §1.2, §1.5, §1.6):
 * 0. the `Host` names the API on AWS (execute-api or a custom domain), so a request without one
 *    (HTTP/1.0, HTTP/0.9), with two, or with a value that is not `host[:port]` (RFC 9112 §3.2)
 *    never reaches a route: 400 `Bad Request` [UNCONFIRMED status]. The request-target was
 *    already made origin-form by the server (`../http/request-target.ts`), so routing below
 *    matches the path, never a whole URL;
 * 1. request line + headers over 10,240 bytes → 431 [limit DOC, status UNCONFIRMED]; counted as
 *    the request line plus every header name and value (AWS says "request line and header
 *    values"; names are counted too, which is the stricter reading);
 * 2. stage selection, then route matching → 404 `Not Found` [DOC]; a route with no target also
 *    gets 404 [UNCONFIRMED]; through a custom domain the API mapping already chose the stage and
 *    the path routes see (aws-behavior-2.md §2.3, custom-domain.ts);
 * 3. throttling → 429 (see throttle.ts);
 * 4. a declared `Content-Length` over 10 MB (10,485,760 bytes) → 413 at once [UNCONFIRMED status];
 *    chunked bodies are counted while streaming (proxy.ts);
 * 5. for Cloud Map integrations: the instances (discovery-cache.ts), one picked, its
 *    `AWS_INSTANCE_IPV4`/`AWS_INSTANCE_PORT` routed through the VPC from the VPC link's ENI; no
 *    instance, an instance without those attributes, a security group that drops the connection,
 *    or an address with nothing behind it → 503 `Service Unavailable` [UNCONFIRMED, §1.5 best
 *    guess]. The backend path is the client's path and query unchanged, stage segment included
 *    (private integrations keep it, §1.1; aws-behavior-2.md §5.2), unless the integration maps
 *    `overwrite:path` (path-mapping.ts; the query is kept), and the client's Host is kept (§1.3).
 */

import { isHostFieldName, isValidHost } from '../http/host.js';
import type { CompiledApi } from './compiled-api.js';
import { GATEWAY_ERRORS, type GatewayError } from './errors.js';
import { urlTargetPath } from './integration-target.js';
import type { PathMapping } from './path-mapping.js';
import type { RequestContext } from './request-context.js';

/** The HTTP API limit on request line + headers, bytes (§1.6). */
export const MAX_REQUEST_HEADER_BYTES = 10_240;
/** The HTTP API payload limit, 10 MB, bytes (§1.6). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** One step of the request path: `undefined` to go on, or the gateway response to send. */
export type RequestStep = (ctx: RequestContext, api: CompiledApi) => GatewayError | undefined;

/** Rejects a request without exactly one well-formed `Host` (RFC 9112 §3.2). */
export const checkHost: RequestStep = (ctx) => {
  const raw = ctx.req.rawHeaders;
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (!isHostFieldName(raw[i] as string)) continue;
    if (host !== undefined) return GATEWAY_ERRORS.BAD_REQUEST;
    host = raw[i + 1] as string;
  }
  return isValidHost(host) ? undefined : GATEWAY_ERRORS.BAD_REQUEST;
};

/** Rejects a request line + headers over {@link MAX_REQUEST_HEADER_BYTES}. */
export const checkHeaderSize: RequestStep = (ctx) => {
  const req = ctx.req;
  // "GET /path HTTP/1.1"
  let size = ctx.httpMethod.length + (req.url?.length ?? 0) + 10;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i++) size += (raw[i] as string).length;
  return size > MAX_REQUEST_HEADER_BYTES ? GATEWAY_ERRORS.REQUEST_HEADERS_TOO_LARGE : undefined;
};

/** Picks the stage; 404 when none matches. */
export const selectStage: RequestStep = (ctx, api) => {
  const selection = ctx.mapped ?? api.stages.select(ctx.path);
  if (!selection) return GATEWAY_ERRORS.NOT_FOUND;
  ctx.stage = selection.stage;
  ctx.routePath = selection.routePath;
  return undefined;
};

/** Matches the route; 404 when none matches or the route has no integration. */
export const matchRoute: RequestStep = (ctx, api) => {
  const match = api.routes.match(ctx.httpMethod, ctx.routePath);
  if (!match) return GATEWAY_ERRORS.NOT_FOUND;
  ctx.match = match;
  const integrationId = match.route.config.integrationId;
  if (integrationId === undefined) return GATEWAY_ERRORS.NOT_FOUND;
  ctx.target = api.targets.get(integrationId);
  return ctx.target ? undefined : GATEWAY_ERRORS.NOT_FOUND;
};

/** Applies the route and account token buckets; 429 when empty. */
export const applyThrottle: RequestStep = (ctx, api) =>
  api.throttle.admit(ctx.stage, ctx.match?.route.routeKey) ? undefined : GATEWAY_ERRORS.THROTTLED;

/** Rejects a declared body over {@link MAX_PAYLOAD_BYTES} before reading it. */
export const checkDeclaredLength: RequestStep = (ctx) => {
  const declared = ctx.req.headers['content-length'];
  return declared !== undefined && Number(declared) > MAX_PAYLOAD_BYTES
    ? GATEWAY_ERRORS.REQUEST_TOO_LARGE
    : undefined;
};

/** The `overwrite:path` result, with the client's query string. */
function mappedPath(ctx: RequestContext, mapping: PathMapping): string {
  return mapping({ routePath: ctx.routePath, pathParameters: ctx.match?.pathParameters }) + ctx.query;
}

/** Chooses where the request goes: an instance through the VPC, or the integration URL. */
export const chooseUpstream: RequestStep = (ctx, api) => {
  const target = ctx.target;
  if (!target) return GATEWAY_ERRORS.NOT_FOUND;
  if (target.kind === 'url') {
    ctx.upstream = {
      origin: target.origin,
      path: target.pathMapping
        ? mappedPath(ctx, target.pathMapping)
        : urlTargetPath(
            target,
            ctx.match?.route.isDefault ?? false,
            ctx.path,
            ctx.query,
            ctx.match?.pathParameters,
          ),
      host: target.host,
      by: ctx.req.socket.localAddress ?? '127.0.0.1',
    };
    return undefined;
  }
  const integrationId = target.config.id;
  const instance = api.discovery.pick(target);
  if (!instance) {
    ctx.integrationErrorMessage = `Cloud Map service ${target.serviceId} returned no instances`;
    api.report({
      kind: 'no-instances',
      integrationId,
      message:
        `Integration ${integrationId}: Cloud Map service ${target.serviceId} has no instances to send to ` +
        `(none registered, or none HEALTHY${target.queryParameters ? ` matching ${JSON.stringify(target.queryParameters)}` : ''}); ` +
        'API Gateway answers 503.',
    });
    return GATEWAY_ERRORS.SERVICE_UNAVAILABLE;
  }
  const ip = instance.attributes.AWS_INSTANCE_IPV4;
  const port = Number(instance.attributes.AWS_INSTANCE_PORT);
  if (!ip || !Number.isInteger(port) || port <= 0) {
    ctx.integrationErrorMessage = `instance ${instance.instanceId} has no AWS_INSTANCE_IPV4/AWS_INSTANCE_PORT`;
    api.report({
      kind: 'bad-instance',
      integrationId,
      message:
        `Integration ${integrationId}: Cloud Map instance ${instance.instanceId} of ${target.serviceId} lacks ` +
        `AWS_INSTANCE_IPV4 and AWS_INSTANCE_PORT (got ${JSON.stringify(instance.attributes)}); ` +
        'register ECS tasks with SRV records (A records carry no port).',
    });
    return GATEWAY_ERRORS.SERVICE_UNAVAILABLE;
  }
  const route = api.network.route(target.source, ip, port);
  if (!route.ok) {
    ctx.integrationErrorMessage = route.message;
    api.report({ kind: route.reason, integrationId, message: route.message });
    return GATEWAY_ERRORS.SERVICE_UNAVAILABLE;
  }
  ctx.upstream = {
    origin: `http://${route.host.includes(':') ? `[${route.host}]` : route.host}:${route.port}`,
    path: target.pathMapping ? mappedPath(ctx, target.pathMapping) : (ctx.req.url ?? '/'),
    host: undefined,
    by: target.source.sourceIp,
  };
  return undefined;
};

/** The steps, in the order the gateway runs them. */
export const REQUEST_STEPS: readonly RequestStep[] = [
  checkHost,
  checkHeaderSize,
  selectStage,
  matchRoute,
  applyThrottle,
  checkDeclaredLength,
  chooseUpstream,
];

/** Runs {@link REQUEST_STEPS}; the first gateway error, or `undefined` when the request may be forwarded. */
export function runRequestSteps(ctx: RequestContext, api: CompiledApi): GatewayError | undefined {
  for (const step of REQUEST_STEPS) {
    const error = step(ctx, api);
    if (error) return error;
  }
  return undefined;
}
