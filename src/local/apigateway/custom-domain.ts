/**
 * A custom domain of HTTP APIs, served over HTTPS on its own loopback port: each request goes to
 * the API and stage of its API mapping, then down the API's usual request path.
 *
 * Fidelity (aws-behavior-2.md §2.1–§2.4): TLS 1.2 only ("For HTTP APIs, TLS 1.2 is the only
 * supported TLS version"), with a certificate from Wharf's local CA for the domain name (on AWS the
 * ACM certificate `CertificateArn` names); HTTP/1.1 only (AWS also speaks HTTP/2). The mapping
 * with the longest key matching the path wins (api-mapping-selector.ts); the routes see the path
 * without the key and with no stage segment, while a private integration's backend receives the
 * client's path unchanged unless `overwrite:path` maps it (§5.2: key kept, `$request.path`
 * without it). No matching mapping and no `(none)` mapping: 404 `{"message":"Not Found"}`
 * [UNCONFIRMED]. An API whose `execute-api` endpoint is disabled is still served here (§2.4). The
 * domain answers whatever `Host` the client sends, as the port already names the domain locally.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WharfError } from '../../errors.js';
import { applyOriginForm, classifyRequestTarget } from '../http/request-target.js';
import type { ServerCertificate } from '../tls/certificate-authority.js';
import { urlHost } from '../tls/server-names.js';
import { HTTP_API_DOMAIN_VERSIONS } from '../tls/tls-policy.js';
import { selectApiMapping } from './api-mapping-selector.js';
import { GATEWAY_ERRORS, sendGatewayError } from './errors.js';
import { newRequestId } from './request-id.js';
import { type HttpApiEmulator, NODE_MAX_HEADER_BYTES, onClientError } from './server.js';
import type { DomainNameConfig } from './types.js';

/** Where to serve a custom domain. */
export interface CustomDomainOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
}

/** A running custom domain. */
export interface RunningCustomDomain {
  readonly name: string;
  /** `https://<domain>:<port>` (the domain resolves to the loopback only when the client is told so). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `config` over HTTPS with `certificate`, handing each request to the emulator of its
 * mapping's API (every mapped API must be in `emulators`).
 *
 * @throws WharfError `WHARF_APIGW_LISTEN_FAILED` when the port cannot be opened.
 */
export async function startCustomDomain(
  config: DomainNameConfig,
  emulators: ReadonlyMap<string, HttpApiEmulator>,
  certificate: ServerCertificate,
  options: CustomDomainOptions = {},
): Promise<RunningCustomDomain> {
  const mappings = config.mappings.map((mapping) => {
    const emulator = emulators.get(mapping.apiId);
    const stage = emulator?.api.config.stages.find((s) => s.name === mapping.stage);
    if (!emulator || !stage) {
      throw new WharfError(
        'WHARF_APIGW_MAPPING_UNKNOWN',
        `Custom domain ${config.name}: the mapping '${mapping.key}' names API ${mapping.apiId} stage ${mapping.stage}, which is not running.`,
        { source: 'internal' },
      );
    }
    return { key: mapping.key, emulator, stage };
  });
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const target = classifyRequestTarget(req.url);
    if (target.form === 'absolute') applyOriginForm(req, target);
    if (target.form === 'invalid') {
      sendGatewayError(res, GATEWAY_ERRORS.BAD_REQUEST, newRequestId());
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const selected = selectApiMapping(mappings, q < 0 ? url : url.slice(0, q));
    if (!selected) {
      sendGatewayError(res, GATEWAY_ERRORS.NOT_FOUND, newRequestId());
      return;
    }
    const { emulator, stage } = selected.mapping;
    emulator.handleMapped(req, res, { stage, routePath: selected.routePath });
  };
  const server: Server = createServer(
    {
      ...HTTP_API_DOMAIN_VERSIONS,
      cert: certificate.cert,
      key: certificate.key,
      ALPNProtocols: ['http/1.1'],
      maxHeaderSize: NODE_MAX_HEADER_BYTES,
      keepAlive: true,
      requireHostHeader: false,
    },
    handle,
  );
  server.on('clientError', onClientError);
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new WharfError(
          'WHARF_APIGW_LISTEN_FAILED',
          `Custom domain ${config.name}: cannot open the local port ${options.port ?? 0} on ${host}: ${error.message}. Choose another port, or 0 for a free one.`,
          { cause: error },
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve((server.address() as AddressInfo).port));
  });
  let closing: Promise<void> | undefined;
  return {
    name: config.name,
    url: `https://${urlHost([config.name])}:${port}`,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
