/**
 * A local HTTP API custom domain over real TLS (aws-behavior-2.md §2): the two APIs and two
 * domains of test/fixtures/domain/local-https-http-api.yml (the HTTP API pattern's `domain` shape)
 * served on 127.0.0.1, each domain on its own port with a certificate from a local CA made in a
 * temp folder; an echo server registered in Cloud Map stands in for the task. A node:https client
 * that trusts only that CA checks the chain, the name, TLS 1.2 only, mapping selection by the
 * longest key, and the disabled execute-api endpoint; the outputs show the local URLs.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCustomDomain } from '../../../src/local/apigateway/custom-domain.js';
import {
  type HttpApiEmulator,
  type RunningHttpApi,
  startHttpApi,
} from '../../../src/local/apigateway/server.js';
import type { LocalEndpoint } from '../../../src/local/cloud.js';
import { CloudMapRegistry } from '../../../src/local/cloudmap/registry.js';
import { startCustomDomains } from '../../../src/local/https-wiring.js';
import { localOutputs } from '../../../src/local/local-outputs.js';
import { buildLocalModel } from '../../../src/local/model.js';
import { LocalCertificateAuthority } from '../../../src/local/tls/certificate-authority.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { type Backend, startBackend, TableNetwork } from '../apigateway/backends.js';
import { getOverTls } from './support.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/domain/local-https-http-api.yml');
const model = buildLocalModel(resolveApp(loadTemplateFile(FIXTURE)));

let caDir: string;
let ca: LocalCertificateAuthority;
let backend: Backend;
let registry: CloudMapRegistry;
const apis = new Map<string, RunningHttpApi>();
const domains: RunningCustomDomain[] = [];
const endpoints: LocalEndpoint[] = [];

beforeAll(async () => {
  caDir = join(mkdtempSync(join(tmpdir(), 'wharf-ca-')), 'ca');
  ca = LocalCertificateAuthority.openOrCreate(caDir);
  backend = await startBackend('app');
  registry = new CloudMapRegistry({ namespaces: model.namespaces, services: model.discoveryServices });
  const service = model.discoveryServices.find((s) => s.name === 'app');
  if (!service) throw new Error('the fixture has no Cloud Map service app');
  registry.registerInstance(service.id, 'task-app', {
    AWS_INSTANCE_IPV4: '10.0.1.10',
    AWS_INSTANCE_PORT: '8080',
  });
  const network = new TableNetwork({ '10.0.1.10:8080': { ok: true, host: '127.0.0.1', port: backend.port } });
  const emulators = new Map<string, HttpApiEmulator>();
  for (const config of model.httpApis) {
    const running = await startHttpApi(config, { instances: registry, network });
    apis.set(config.name, running);
    emulators.set(config.id, running.emulator);
    endpoints.push({
      kind: 'api-gateway',
      name: config.name,
      url: running.url,
      awsValue: config.awsEndpoint,
    });
  }
  await startCustomDomains(
    model,
    emulators,
    ca,
    () => 0,
    endpoints,
    (domain) => domains.push(domain),
  );
});

afterAll(async () => {
  await Promise.all(domains.map((domain) => domain.close()));
  await Promise.all([...apis.values()].map((api) => api.close()));
  await backend?.close();
  registry?.close();
  if (caDir) rmSync(join(caDir, '..'), { recursive: true, force: true });
});

const domainUrl = (name: string) => domains.find((d) => d.name === name)?.url as string;
const echo = (body: string) => JSON.parse(body) as { url: string };

describe('local HTTP API custom domain (aws-behavior-2.md §2)', () => {
  it('serves api.example.com over TLS 1.2 only, with a leaf for the domain that chains to the local CA (§2.1)', async () => {
    const url = `${domainUrl('api.example.com')}/`;
    expect(url).toMatch(/^https:\/\/api\.example\.com:\d+\/$/);
    const response = await getOverTls(url, ca.certificatePem);
    expect(response.authorized).toBe(true);
    expect(response.certificate.subjectaltname).toBe('DNS:api.example.com');
    // The client offers TLS 1.3; the domain answers with 1.2, the only version HTTP APIs speak.
    expect(response.protocol).toBe('TLSv1.2');
    expect(response.status).toBe(200);
  });

  it('sends a path under the longest matching key to its API and stage, routes matched without the key (§2.3)', async () => {
    const response = await getOverTls(
      `${domainUrl('api.example.com')}/orders/v1/items/7?x=1`,
      ca.certificatePem,
    );
    expect(response.status).toBe(200);
    // The orders API's route GET /items/{id} matched, and overwrite:path=$request.path shows the
    // path its routes saw: no key, no stage segment.
    expect(echo(response.body).url).toBe('/items/7?x=1');
  });

  it('sends other paths to the empty mapping with the whole path, keys matching whole segments only (§2.3)', async () => {
    const shop = await getOverTls(`${domainUrl('api.example.com')}/orders/v10/items/7`, ca.certificatePem);
    expect([shop.status, echo(shop.body).url]).toEqual([200, '/orders/v10/items/7']);
    const customers = await getOverTls(`${domainUrl('api.example.com')}/customers`, ca.certificatePem);
    expect([customers.status, echo(customers.body).url]).toEqual([200, '/customers']);
  });

  it('answers 404 from the mapped API when its routes do not match the path without the key', async () => {
    const response = await getOverTls(`${domainUrl('api.example.com')}/orders/v1`, ca.certificatePem);
    expect([response.status, response.body]).toEqual([404, '{"message":"Not Found"}']);
  });

  it('answers 404 {"message":"Not Found"} on a domain where no key matches and there is no empty mapping [UNCONFIRMED]', async () => {
    const internal = domainUrl('internal.example.com');
    const miss = await getOverTls(`${internal}/other`, ca.certificatePem);
    expect([miss.status, miss.body]).toEqual([404, '{"message":"Not Found"}']);
    const hit = await getOverTls(`${internal}/shop/cart`, ca.certificatePem);
    expect([hit.status, echo(hit.body).url, hit.certificate.subjectaltname]).toEqual([
      200,
      '/shop/cart',
      'DNS:internal.example.com',
    ]);
  });

  it('answers 404 {"message":"Not Found"} on the execute-api endpoint of an API with DisableExecuteApiEndpoint (§2.4)', async () => {
    const orders = await request(`${apis.get('orders')?.url}/prod/items/7`);
    expect([orders.statusCode, await orders.body.text()]).toEqual([404, '{"message":"Not Found"}']);
    const shop = await request(`${apis.get('shop')?.url}/anything`);
    expect(shop.statusCode).toBe(200);
    await shop.body.dump();
  });

  it('turns the https://api.example.com outputs into the local https://api.example.com:PORT, with a curl line to reach it', () => {
    const port = new URL(domainUrl('api.example.com')).port;
    const outputs = localOutputs(model, endpoints);
    expect(outputs.ApiUrl).toBe(`https://api.example.com:${port}`);
    expect(outputs.OrdersUrl).toBe(`https://api.example.com:${port}/orders/v1`);
    // Ref of a record named with a trailing dot keeps it; the URL is the same name.
    expect(outputs.AliasUrl).toBe(`https://api.example.com:${port}/health`);
    expect(outputs.ExecuteApiUrl).toBe(apis.get('shop')?.url);
    const endpoint = endpoints.find((e) => e.kind === 'custom-domain' && e.name === 'api.example.com');
    expect(endpoint?.https?.curl).toBe(
      `curl --cacert ${ca.certificateFile} --resolve api.example.com:${port}:127.0.0.1 https://api.example.com:${port}/`,
    );
  });
});
