/**
 * One request through each ingress of a running local cloud (`wharf dev --once`, tests): did
 * the whole path answer?
 */

import { request } from 'undici';
import type { LocalCloud } from './cloud.js';

/** The answer of one ingress to `GET /`. */
export interface IngressProbe {
  readonly kind: 'api-gateway' | 'load-balancer';
  readonly name: string;
  readonly url: string;
  readonly status?: number;
  readonly bodyFirstLine?: string;
  readonly error?: string;
}

/** Sends `GET /` to every API Gateway and load balancer endpoint. */
export async function probeIngresses(cloud: LocalCloud, path = '/'): Promise<IngressProbe[]> {
  const ingresses = cloud.endpoints.filter(
    (e): e is typeof e & { kind: 'api-gateway' | 'load-balancer' } => e.kind !== 'cloud-map',
  );
  return Promise.all(
    ingresses.map(async ({ kind, name, url }) => {
      const target = `${url}${path}`;
      try {
        const response = await request(target, { headersTimeout: 35_000, bodyTimeout: 35_000 });
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
}
