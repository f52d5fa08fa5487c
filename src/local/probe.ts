/**
 * One request through each ingress of a running local cloud (`wharf dev --once`, tests): did
 * the whole path answer?
 */

import { readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import type { LocalCloud, LocalEndpoint } from './cloud.js';

/** The answer of one ingress to `GET /`. */
export interface IngressProbe {
  readonly kind: 'api-gateway' | 'load-balancer' | 'custom-domain';
  readonly name: string;
  readonly url: string;
  readonly status?: number;
  readonly bodyFirstLine?: string;
  readonly error?: string;
}

/** A name lookup that answers 127.0.0.1 for every name (`curl --resolve name:port:127.0.0.1`). */
export const LOOPBACK_LOOKUP: LookupFunction = (_hostname, options, callback) => {
  if (options.all)
    (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
      { address: '127.0.0.1', family: 4 },
    ]);
  else callback(null, '127.0.0.1', 4);
};

/**
 * An undici dispatcher for a local HTTPS endpoint: trusts the local CA and connects to 127.0.0.1
 * whatever name the URL has, so the name is still sent as SNI and `Host` and checked against the
 * certificate.
 */
export function localHttpsAgent(caPem: string): Agent {
  return new Agent({ connect: { ca: caPem, lookup: LOOPBACK_LOOKUP } });
}

/**
 * Sends `GET <path>` to every API Gateway, custom domain and load balancer endpoint (except those
 * that answer 404 by design), trusting the local CA for HTTPS ones.
 */
export async function probeIngresses(cloud: LocalCloud, path = '/'): Promise<IngressProbe[]> {
  const ingresses = cloud.endpoints.filter(
    (e): e is LocalEndpoint & { kind: IngressProbe['kind'] } => e.kind !== 'cloud-map' && e.probe !== false,
  );
  const agents = new Map<string, Agent>();
  const agentFor = (endpoint: LocalEndpoint) => {
    const caFile = endpoint.https?.caFile;
    if (!caFile) return undefined;
    let agent = agents.get(caFile);
    if (!agent) {
      agent = localHttpsAgent(readFileSync(caFile, 'utf8'));
      agents.set(caFile, agent);
    }
    return agent;
  };
  const probes = await Promise.all(
    ingresses.map(async (endpoint) => {
      const { kind, name, url } = endpoint;
      const target = `${url}${endpoint.probePath ?? path}`;
      try {
        const dispatcher = agentFor(endpoint);
        const response = await request(target, {
          headersTimeout: 35_000,
          bodyTimeout: 35_000,
          ...(dispatcher ? { dispatcher } : {}),
        });
        const body = await response.body.text();
        return {
          kind,
          name,
          url: target,
          status: response.statusCode,
          bodyFirstLine: body.split('\n')[0]?.slice(0, 200),
        };
      } catch (error) {
        return { kind, name, url: target, error: (error as Error).message };
      }
    }),
  );
  await Promise.all([...agents.values()].map((agent) => agent.close()));
  return probes;
}
