/**
 * Stage throttling read from a template (aws-behavior-2.md §2.5): the API of
 * test/fixtures/apigateway/throttled-api.yml served on 127.0.0.1, with a real HTTP server standing
 * in for the task. `DefaultRouteSettings` gives each route its own bucket; `RouteSettings` replace
 * it for their route key (keys with dots included); over the limit a request gets 429 and never
 * reaches the backend. Rates are 0.001/s, so no token refills during the test.
 */

import { resolve } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHttpApi, startHttpApi } from '../../../src/local/apigateway/server.js';
import { CloudMapRegistry } from '../../../src/local/cloudmap/registry.js';
import { buildLocalModel } from '../../../src/local/model.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { type Backend, startBackend, TableNetwork } from './backends.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/apigateway/throttled-api.yml');
const model = buildLocalModel(resolveApp(loadTemplateFile(FIXTURE)));

let backend: Backend;
let registry: CloudMapRegistry;
let api: RunningHttpApi;
let client: Agent;

beforeAll(async () => {
  backend = await startBackend('orders');
  registry = new CloudMapRegistry({ namespaces: model.namespaces, services: model.discoveryServices });
  const service = model.discoveryServices.find((s) => s.name === 'orders');
  if (!service) throw new Error('the fixture has no Cloud Map service orders');
  registry.registerInstance(service.id, 'task-orders', {
    AWS_INSTANCE_IPV4: '10.0.1.10',
    AWS_INSTANCE_PORT: '8080',
  });
  const network = new TableNetwork({ '10.0.1.10:8080': { ok: true, host: '127.0.0.1', port: backend.port } });
  const [config] = model.httpApis;
  if (!config) throw new Error('the fixture has no HTTP API');
  api = await startHttpApi(config, { instances: registry, network });
  client = new Agent({ keepAliveTimeout: 10_000 });
});

afterAll(async () => {
  await api?.close();
  await client?.close();
  await backend?.close();
  registry?.close();
});

/** The statuses of `count` GET requests to `path`, one after another. */
async function statuses(path: string, count: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await request(`${api.url}${path}`, { dispatcher: client });
    const text = await res.body.text();
    if (res.statusCode === 429) expect(text).toBe('{"message":"Too Many Requests"}');
    result.push(res.statusCode);
  }
  return result;
}

describe('stage throttling from a template (§2.5)', () => {
  it('reads DefaultRouteSettings and RouteSettings, route keys with dots included', () => {
    const stage = model.httpApis[0]?.stages[0];
    expect(stage?.throttle).toEqual({ rateLimit: 0.001, burstLimit: 3 });
    expect(stage?.routeThrottles).toEqual({
      'GET /hot': { rateLimit: 0.001, burstLimit: 2 },
      'GET /v1.0/report': { rateLimit: 0.001, burstLimit: 1 },
    });
  });

  it('answers 429 past each route own burst, route by route, without reaching the backend', async () => {
    const before = backend.requests;
    expect(await statuses('/hot', 3)).toEqual([200, 200, 429]);
    expect(await statuses('/v1.0/report', 2)).toEqual([200, 429]);
    // the $default route has the stage's default bucket (burst 3), untouched by the two above
    expect(await statuses('/anything', 4)).toEqual([200, 200, 200, 429]);
    expect(backend.requests - before).toBe(2 + 1 + 3);
  });
});
