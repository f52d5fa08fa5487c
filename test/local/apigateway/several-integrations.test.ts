/**
 * HTTP API routes with several integrations, each its own Cloud Map service, end to end
 * (aws-behavior-2.md §5): the APIs of test/fixtures/several-services/http-api-routes.yml served on
 * 127.0.0.1, an in-process Cloud Map registry holding one instance per service, and one real
 * HTTP server standing in for each service's task. Route selection (§5.1) and the exact path each
 * backend receives (§5.2) are read from what the backends saw.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHttpApi, startHttpApi } from '../../../src/local/apigateway/server.js';
import { CloudMapRegistry } from '../../../src/local/cloudmap/registry.js';
import { buildLocalModel } from '../../../src/local/model.js';
import type { RouteResult } from '../../../src/local/network/types.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { failure } from '../../support/thrown-error.js';
import { type Backend, startBackend, TableNetwork } from './backends.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/several-services/http-api-routes.yml');
const SERVICES = ['orders', 'reports', 'users', 'inventory', 'web'] as const;
const model = buildLocalModel(resolveApp(loadTemplateFile(FIXTURE)));

const backends = new Map<string, Backend>();
const apis = new Map<string, RunningHttpApi>();
let registry: CloudMapRegistry;
let client: Agent;

beforeAll(async () => {
  registry = new CloudMapRegistry({ namespaces: model.namespaces, services: model.discoveryServices });
  const table: Record<string, RouteResult> = {};
  let host = 10;
  for (const name of SERVICES) {
    const backend = await startBackend(name);
    backends.set(name, backend);
    const service = model.discoveryServices.find((s) => s.name === name);
    if (!service) throw new Error(`the fixture has no Cloud Map service ${name}`);
    const ip = `10.0.1.${host++}`;
    registry.registerInstance(service.id, `task-${name}`, {
      AWS_INSTANCE_IPV4: ip,
      AWS_INSTANCE_PORT: '8080',
    });
    table[`${ip}:8080`] = { ok: true, host: '127.0.0.1', port: backend.port };
  }
  const network = new TableNetwork(table);
  for (const config of model.httpApis) {
    apis.set(config.name, await startHttpApi(config, { instances: registry, network }));
  }
  client = new Agent({ keepAliveTimeout: 10_000 });
});

afterAll(async () => {
  await Promise.all([...apis.values()].map((api) => api.close()));
  await client?.close();
  await Promise.all([...backends.values()].map((backend) => backend.close()));
  registry?.close();
});

async function call(api: string, method: string, path: string) {
  const res = await request(`${apis.get(api)?.url}${path}`, { method: method as 'GET', dispatcher: client });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

/** Which backend answered and the path and query it received. */
async function landing(api: string, method: string, path: string): Promise<[string, string]> {
  const res = await call(api, method, path);
  expect(res.status, res.text).toBe(200);
  const echo = JSON.parse(res.text) as { backend: string; url: string };
  return [echo.backend, echo.url];
}

describe('route selection with several integrations (§5.1)', () => {
  it.each([
    ['GET', '/orders/7', 'orders', '/orders/7', 'the greedy route of its own integration'],
    ['GET', '/orders/report', 'reports', '/orders/report', 'a literal route before a greedy one'],
    ['POST', '/orders/report', 'orders', '/orders/report', 'ANY for a method the literal route lacks'],
    ['GET', '/orders/7/invoice', 'reports', '/orders/7/invoice', 'a {param} route before a greedy one'],
    ['DELETE', '/orders/7/invoice', 'orders', '/orders/7/invoice', 'the greedy ANY for another method'],
    ['GET', '/health', 'orders', '/health', 'a literal route to an integration shared with another route'],
  ])('%s %s → %s (%s)', async (method, path, backend, received) => {
    expect(await landing('shop', method, path)).toEqual([backend, received]);
  });

  it('sends whatever no route matches to the $default route, full path and query unchanged', async () => {
    expect(await landing('web', 'GET', '/status')).toEqual(['reports', '/status']);
    expect(await landing('web', 'POST', '/status')).toEqual(['web', '/status']);
    expect(await landing('web', 'GET', '/a/b?c=1')).toEqual(['web', '/a/b?c=1']);
  });

  it('answers 404 {"message":"Not Found"} when no route matches and the API has no $default route, reaching no backend', async () => {
    const before = [...backends.values()].map((b) => b.requests);
    for (const [method, path] of [
      ['POST', '/health'],
      ['GET', '/orders'], // {proxy+} needs at least one segment below /orders
      ['GET', '/Orders/7'], // route paths are case-sensitive
    ] as const) {
      const res = await call('shop', method, path);
      expect(res.status).toBe(404);
      expect(res.text).toBe('{"message":"Not Found"}');
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['apigw-requestid']).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    }
    expect([...backends.values()].map((b) => b.requests)).toEqual(before);
  });
});

describe('the path each backend receives (§5.2)', () => {
  it('keeps the client path on the $default stage', async () => {
    expect(await landing('shop', 'GET', '/users/7?x=1')).toEqual(['users', '/users/7?x=1']);
  });

  it('keeps the stage segment on a named stage (private integrations include it)', async () => {
    expect(await landing('shop', 'GET', '/prod/orders/7?x=1')).toEqual(['orders', '/prod/orders/7?x=1']);
  });

  it('drops the stage with overwrite:path $request.path, keeping the query', async () => {
    expect(await landing('shop', 'GET', '/prod/users/7?x=1')).toEqual(['users', '/users/7?x=1']);
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the mapping's own syntax
  it('strips the route prefix with overwrite:path /${request.path.proxy}, on either stage', async () => {
    expect(await landing('shop', 'GET', '/inventory/items/3?q=1')).toEqual(['inventory', '/items/3?q=1']);
    expect(await landing('shop', 'PUT', '/prod/inventory/a/b')).toEqual(['inventory', '/a/b']);
  });
});

describe('parameter mappings in the template', () => {
  const text = readFileSync(FIXTURE, 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'wharf-http-api-routes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const variant = (name: string, to: string) => {
    const from = 'overwrite:path: $request.path\n';
    expect(text.split(from)).toHaveLength(2);
    const file = join(dir, `${name}.yml`);
    writeFileSync(file, text.replace(from, to));
    return file;
  };

  it('refuses an overwrite:path from a source other than the request path, naming the property', () => {
    const file = variant('context', 'overwrite:path: /$context.stage/x\n');
    const error = failure(() => buildLocalModel(resolveApp(loadTemplateFile(file))));
    expect(error.message).toContain(
      `${file}: UsersIntegration.Properties.RequestParameters.overwrite:path: '/$context.stage/x' uses a source other than the request path`,
    );
  });

  it('warns once for an integration with header or query-string mappings, which are not applied locally', () => {
    const file = variant('header', 'overwrite:path: $request.path\n        append:header.x-shop: "1"\n');
    const warnings = buildLocalModel(resolveApp(loadTemplateFile(file))).warnings.filter((w) =>
      w.includes('Integration'),
    );
    expect(warnings).toEqual([
      `${file}: UsersIntegration: AWS::ApiGatewayV2::Integration with RequestParameters other than overwrite:path is partly emulated: header and query-string mappings are not applied locally (overwrite:path is)`,
    ]);
  });
});
