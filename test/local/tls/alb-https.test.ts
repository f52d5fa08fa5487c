/**
 * The local ALB's HTTPS listener over real TLS (aws-behavior-2.md §3): the listener and redirect
 * of test/fixtures/domain/local-https-alb.yml (the ALB pattern's `domain` shape) served on
 * 127.0.0.1 with certificates from a local CA made in a temp folder, an echo server standing in
 * for the task. A node:https client that trusts only that CA checks the chain, the names, the TLS
 * versions of ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, SNI, and the HTTP listener's 301.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/local/clock.js';
import { type RunningLoadBalancer, startLoadBalancer } from '../../../src/local/elb/load-balancer.js';
import { TargetGroup } from '../../../src/local/elb/target-group.js';
import { buildLocalModel } from '../../../src/local/model.js';
import { LocalCertificateAuthority } from '../../../src/local/tls/certificate-authority.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { type Backend, send, startBackend, TestNetwork } from '../elb/support.js';
import { getOverTls } from './support.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/domain/local-https-alb.yml');
const model = buildLocalModel(resolveApp(loadTemplateFile(FIXTURE)));

let caDir: string;
let ca: LocalCertificateAuthority;
let backend: Backend;
let lb: RunningLoadBalancer;
let httpsPort: number;
let httpPort: number;
const logLines: string[] = [];

beforeAll(async () => {
  caDir = join(mkdtempSync(join(tmpdir(), 'wharf-ca-')), 'ca');
  ca = LocalCertificateAuthority.openOrCreate(caDir);
  backend = await startBackend('web');
  const network = new TestNetwork();
  network.add('10.0.1.10', 80, backend.port);
  const clock = new ManualClock();
  const [config] = model.loadBalancers;
  const [groupConfig] = model.targetGroups;
  if (!config || !groupConfig) throw new Error('the fixture has no load balancer or target group');
  const group = new TargetGroup(groupConfig, { clock });
  group.registerTarget({ id: '10.0.1.10', port: 80 });
  lb = await startLoadBalancer(
    config,
    new Map([[group.arn, group]]),
    {
      network,
      clock,
      issueCertificate: (names) => ca.issue(names),
      accessLog: (line) => logLines.push(line),
    },
    {},
  );
  httpsPort = lb.listeners.find((l) => l.awsPort === 443)?.port as number;
  httpPort = lb.listeners.find((l) => l.awsPort === 80)?.port as number;
  // Health checks run on the manual clock: mark the target healthy.
  for (let i = 0; i < 5; i++) await clock.advance(6_000);
});

afterAll(async () => {
  await lb?.close();
  await backend?.close();
  if (caDir) rmSync(join(caDir, '..'), { recursive: true, force: true });
});

describe('local ALB HTTPS listener (aws-behavior-2.md §3)', () => {
  it('serves the ACM certificate names over TLS with a leaf that chains to the local CA, and forwards to the target', async () => {
    const response = await getOverTls(`https://shop.example.com:${httpsPort}/cart?x=1`, ca.certificatePem);
    expect(response.authorized).toBe(true);
    expect(response.certificate.subjectaltname).toBe('DNS:shop.example.com, DNS:www.shop.example.com');
    expect(response.certificate.issuer.CN).toBe(
      (await getOverTls(`https://www.shop.example.com:${httpsPort}/`, ca.certificatePem)).certificate.issuer
        .CN,
    );
    expect(response.certificate.issuer.O).toBe('Wharf local development');
    expect(response.status).toBe(200);
    const seen = JSON.parse(response.body);
    expect([seen.url, seen.headers['x-forwarded-proto'], seen.headers['x-forwarded-port']]).toEqual([
      '/cart?x=1',
      'https',
      '443',
    ]);
  });

  it('offers TLS 1.3 and 1.2 and refuses TLS 1.1, as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 does (§3.2)', async () => {
    const url = `https://shop.example.com:${httpsPort}/`;
    expect((await getOverTls(url, ca.certificatePem)).protocol).toBe('TLSv1.3');
    expect((await getOverTls(url, ca.certificatePem, { maxVersion: 'TLSv1.2' })).protocol).toBe('TLSv1.2');
    await expect(getOverTls(url, ca.certificatePem, { maxVersion: 'TLSv1.1' })).rejects.toThrow();
  });

  it('serves the SNI-list certificate for its alias name, and the default certificate for a name none covers (§3.1)', async () => {
    const legacy = await getOverTls(`https://legacy.example.com:${httpsPort}/`, ca.certificatePem);
    expect(legacy.authorized).toBe(true);
    expect(legacy.certificate.subjectaltname).toBe('DNS:legacy.example.com');
    await expect(getOverTls(`https://unknown.example.org:${httpsPort}/`, ca.certificatePem)).rejects.toThrow(
      /altnames/,
    );
  });

  it('logs the negotiated cipher and protocol in the access log line', async () => {
    await getOverTls(`https://shop.example.com:${httpsPort}/logged`, ca.certificatePem);
    expect(logLines.find((line) => line.includes('/logged'))).toMatch(
      /^https .* "GET https:\/\/shop\.example\.com:443\/logged HTTP\/1\.1" "-" TLS_\w+ TLSv1\.3 /,
    );
  });

  it('redirects HTTP to HTTPS with 301 and a Location on the local HTTPS port, which a client trusting the CA can follow (§3.3)', async () => {
    const redirect = await send(`http://127.0.0.1:${httpPort}`, {
      path: '/shop/cart?id=7',
      headers: { Host: `shop.example.com:${httpPort}` },
    });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`https://shop.example.com:${httpsPort}/shop/cart?id=7`);
    const followed = await getOverTls(redirect.headers.location as string, ca.certificatePem);
    expect([followed.status, followed.authorized, JSON.parse(followed.body).url]).toEqual([
      200,
      true,
      '/shop/cart?id=7',
    ]);
  });

  it('names the HTTPS listener by its default certificate in its local URL', () => {
    expect(lb.listeners.map((l) => [l.protocol, l.url])).toEqual([
      ['HTTPS', `https://shop.example.com:${httpsPort}`],
      ['HTTP', `http://127.0.0.1:${httpPort}`],
    ]);
  });
});
