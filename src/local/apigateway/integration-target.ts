/**
 * Integrations compiled once: where an `HTTP_PROXY` integration sends requests.
 *
 * Fidelity (aws-behavior.md §1.2, §1.6):
 * - `VPC_LINK` integrations whose URI is a Cloud Map service ARN, optionally with `?k=v` query
 *   parameters used as `DiscoverInstances` filters [DOC]; connections come from the VPC link's ENI
 *   (its security groups and a private IP), so security groups are evaluated against it;
 * - `INTERNET` integrations with an `http(s)://` URL (Host is the URL's host, §1.3). For routes
 *   other than `$default`, `{name}` / `{name+}` in the URL path are replaced by path parameters;
 *   for `$default` the request path is appended to the URL path [UNCONFIRMED];
 * - `TimeoutInMillis` 50 to 30,000 [DOC].
 * - `RequestParameters` `overwrite:path` (path-mapping.ts), for both kinds.
 * Not supported: private integrations to ALB/NLB listeners, TLS to the backend, the other
 * parameter mappings (§1.7; a warning each, model.ts); such templates are rejected here with a
 * message.
 */

import { WharfError } from '../../errors.js';
import type { ConnectionSource } from '../network/types.js';
import { describeOrigin } from '../origin.js';
import { compilePathMapping, type PathMapping } from './path-mapping.js';
import type { HttpApiConfig, IntegrationConfig } from './types.js';

/** Integration timeout bounds for HTTP APIs (§1.6). */
export const MIN_TIMEOUT_MS = 50;
/** The maximum, and default, integration timeout (§1.6). */
export const MAX_TIMEOUT_MS = 30_000;

/** The private IP a VPC link's connections come from when none is given. */
export const DEFAULT_VPC_LINK_SOURCE_IP = '10.0.0.5';

/** A private integration through a VPC link to a Cloud Map service. */
export interface CloudMapTarget {
  readonly kind: 'cloud-map';
  readonly config: IntegrationConfig;
  readonly serviceId: string;
  /** `DiscoverInstances` query parameters from the URI; `undefined` when there are none. */
  readonly queryParameters: Record<string, string> | undefined;
  /** The VPC link ENI the connection comes from. */
  readonly source: ConnectionSource;
  readonly timeoutMs: number;
  /** `overwrite:path`; `undefined` sends the client's path (stage segment included). */
  readonly pathMapping?: PathMapping;
}

/** A public HTTP(S) URL integration. */
export interface UrlTarget {
  readonly kind: 'url';
  readonly config: IntegrationConfig;
  /** `http://host:port`, the pool key. */
  readonly origin: string;
  /** The Host header sent (the URL's host). */
  readonly host: string;
  /** The URL path, possibly with `{name}` / `{name+}` placeholders. */
  readonly path: string;
  /** The URL's own query (`?…`) or empty. */
  readonly query: string;
  readonly timeoutMs: number;
  /** `overwrite:path`; replaces the path built from the URL. */
  readonly pathMapping?: PathMapping;
}

/** Where an integration sends requests. */
export type IntegrationTarget = CloudMapTarget | UrlTarget;

const CLOUD_MAP_ARN = /^arn:[a-z-]+:servicediscovery:[^:]*:(\d*):service\/([^?/]+)(?:\?(.*))?$/;

/** The service id, account and filters in a Cloud Map service ARN, or `undefined` when it is not one. */
export function parseCloudMapServiceArn(
  uri: string,
): { serviceId: string; accountId: string; queryParameters: Record<string, string> | undefined } | undefined {
  const found = CLOUD_MAP_ARN.exec(uri);
  if (!found) return undefined;
  let queryParameters: Record<string, string> | undefined;
  if (found[3]) {
    queryParameters = {};
    for (const [key, value] of new URLSearchParams(found[3])) queryParameters[key] = value;
  }
  return { serviceId: found[2] as string, accountId: found[1] as string, queryParameters };
}

/**
 * Compiles every integration of `api`. `vpcLinkSourceIps` gives each VPC link's private IP.
 * Throws `WHARF_APIGW_INTEGRATION_UNSUPPORTED` for shapes the emulator cannot run.
 */
export function compileIntegrations(
  api: HttpApiConfig,
  vpcLinkSourceIps: Readonly<Record<string, string>> = {},
): Map<string, IntegrationTarget> {
  const targets = new Map<string, IntegrationTarget>();
  for (const integration of api.integrations) {
    targets.set(integration.id, compileIntegration(api, integration, vpcLinkSourceIps));
  }
  return targets;
}

function compileIntegration(
  api: HttpApiConfig,
  integration: IntegrationConfig,
  vpcLinkSourceIps: Readonly<Record<string, string>>,
): IntegrationTarget {
  const where = integration.origin ? describeOrigin(integration.origin) : `integration ${integration.id}`;
  const unsupported = (why: string): never => {
    throw new WharfError('WHARF_APIGW_INTEGRATION_UNSUPPORTED', `${where}: ${why}`);
  };
  if (integration.type !== 'HTTP_PROXY') {
    unsupported(`IntegrationType '${integration.type}' is not supported; only HTTP_PROXY is.`);
  }
  const timeoutMs = integration.timeoutMs;
  if (!(timeoutMs >= MIN_TIMEOUT_MS && timeoutMs <= MAX_TIMEOUT_MS)) {
    unsupported(
      `TimeoutInMillis ${timeoutMs} is out of range; HTTP APIs allow ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}.`,
    );
  }
  let pathMapping: PathMapping | undefined;
  if (integration.overwritePath !== undefined) {
    try {
      pathMapping = compilePathMapping(integration.overwritePath);
    } catch (error) {
      unsupported(`RequestParameters overwrite:path ${(error as Error).message}`);
    }
  }
  if (integration.connectionType === 'VPC_LINK') {
    const arn = parseCloudMapServiceArn(integration.uri);
    if (!arn) {
      return unsupported(
        `IntegrationUri '${integration.uri}' is not a Cloud Map service ARN ` +
          `(arn:aws:servicediscovery:<region>:<account>:service/srv-…); private integrations to ` +
          'load balancer listeners are not supported locally.',
      );
    }
    const link = api.vpcLinks.find((candidate) => candidate.id === integration.vpcLinkId);
    if (!link) {
      return unsupported(
        `ConnectionId '${integration.vpcLinkId ?? ''}' names no VPC link of this API; ` +
          `known: ${api.vpcLinks.map((l) => l.id).join(', ') || 'none'}.`,
      );
    }
    return {
      kind: 'cloud-map',
      config: integration,
      serviceId: arn.serviceId,
      queryParameters: arn.queryParameters,
      source: {
        securityGroupIds: link.securityGroupIds,
        sourceIp: vpcLinkSourceIps[link.id] ?? DEFAULT_VPC_LINK_SOURCE_IP,
        label: `VPC link ${link.name} (${link.id})`,
      },
      timeoutMs,
      pathMapping,
    };
  }
  let url: URL;
  try {
    url = new URL(integration.uri);
  } catch {
    return unsupported(
      `IntegrationUri '${integration.uri}' is not a URL; INTERNET integrations need http(s)://.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    unsupported(`IntegrationUri '${integration.uri}' must be an http:// or https:// URL.`);
  }
  return {
    kind: 'url',
    config: integration,
    origin: url.origin,
    host: url.host,
    // URL percent-encodes braces; the placeholders are wanted literally.
    path: url.pathname.replace(/%7B/gi, '{').replace(/%7D/gi, '}'),
    query: url.search,
    timeoutMs,
    pathMapping,
  };
}

/** The path (with query) a URL integration sends for a request. */
export function urlTargetPath(
  target: UrlTarget,
  isDefaultRoute: boolean,
  requestPath: string,
  requestQuery: string,
  pathParameters: Readonly<Record<string, string>> | undefined,
): string {
  let path: string;
  if (isDefaultRoute) {
    path = (target.path.endsWith('/') ? target.path.slice(0, -1) : target.path) + requestPath;
  } else {
    path = target.path.replace(/\{([^}+]+)\+?\}/g, (_all, name: string) => pathParameters?.[name] ?? '');
  }
  let query = target.query;
  if (requestQuery) query = query ? `${query}&${requestQuery.slice(1)}` : requestQuery;
  return path + query;
}
