/**
 * The HTTPS side of the local cloud: opens the user's local certificate authority when the
 * templates need it (an HTTPS listener or a custom domain), says once where it is and how to trust
 * it, and serves each HTTP API custom domain on a loopback port of its own.
 */

import type { IoHost } from '../io/io-host.js';
import { type RunningCustomDomain, startCustomDomain } from './apigateway/custom-domain.js';
import type { HttpApiEmulator } from './apigateway/server.js';
import type { LocalEndpoint } from './cloud-types.js';
import type { LocalModel } from './model.js';
import { caDirectory, curlCommand, trustInstructions } from './tls/ca-location.js';
import { LocalCertificateAuthority } from './tls/certificate-authority.js';

/** Whether anything in the model is served over HTTPS locally. */
export function servesHttps(model: LocalModel): boolean {
  return (
    model.domainNames.some((domain) => domain.mappings.length > 0) ||
    model.loadBalancers.some((lb) => lb.listeners.some((listener) => listener.protocol === 'HTTPS'))
  );
}

/**
 * The local CA, opened (or made, the first time) only when the model serves HTTPS; its location
 * and the commands to trust it are notified once (`WHARF_DEV_LOCAL_CA`).
 */
export function openLocalCa(
  model: LocalModel,
  io: IoHost,
  dir: string = caDirectory(),
): LocalCertificateAuthority | undefined {
  if (!servesHttps(model)) return undefined;
  const ca = LocalCertificateAuthority.openOrCreate(dir);
  io.notify({
    level: 'info',
    code: 'WHARF_DEV_LOCAL_CA',
    message: trustInstructions(ca.certificateFile, ca.created).join('\n'),
    data: { caFile: ca.certificateFile, created: ca.created },
  });
  return ca;
}

/** How to reach an HTTPS endpoint: the CA to trust, the name to ask for, and a curl line. */
export function httpsAccess(ca: LocalCertificateAuthority, url: string): NonNullable<LocalEndpoint['https']> {
  const { hostname, port } = new URL(url);
  return {
    caFile: ca.certificateFile,
    serverName: hostname,
    curl: curlCommand(ca.certificateFile, hostname, Number(port)),
  };
}

/**
 * Serves every custom domain that has API mappings, each on the next port; returns the running
 * domains (their `close` is the caller's to call) and adds their endpoints.
 */
export async function startCustomDomains(
  model: LocalModel,
  emulators: ReadonlyMap<string, HttpApiEmulator>,
  ca: LocalCertificateAuthority | undefined,
  takePort: () => number,
  endpoints: LocalEndpoint[],
  started: (domain: RunningCustomDomain) => void,
): Promise<void> {
  for (const config of model.domainNames) {
    if (config.mappings.length === 0 || !ca) continue;
    const running = await startCustomDomain(config, emulators, ca.issue([config.name]), { port: takePort() });
    started(running);
    const root = config.mappings.find((mapping) => mapping.key === '') ?? config.mappings[0];
    endpoints.push({
      kind: 'custom-domain',
      name: config.name,
      url: running.url,
      awsValue: `https://${config.name}`,
      https: httpsAccess(ca, running.url),
      ...(root && root.key !== '' ? { probePath: `/${root.key}` } : {}),
    });
  }
}
