/**
 * `wharf cost` on custom domains: a hosted zone the templates create is priced, a zone they only
 * name is noted as billed to its owner, alias records, ACM public certificates and API Gateway
 * custom domain names cost nothing, other records' queries are listed as not priced.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../src/cost/estimate.js';
import { parseTraffic } from '../../src/cost/traffic.js';
import { loadTemplateFile } from '../../src/template/load.js';
import { ROOT } from '../support/cli.js';

const fixture = (name: string) => join(ROOT, 'test/fixtures/domain', name);
const estimate = (name: string) => estimateCost(loadTemplateFile(fixture(name)), parseTraffic({}));

describe('cost of custom domains', () => {
  it('prices a hosted zone the templates create at $0.50 a month, once, and notes no zone of its own records', () => {
    const result = estimate('insight-domain-zone-passes.yml');
    const route53 = result.lines.filter((l) => l.service === 'Route 53');
    expect(route53.map((l) => [l.resource.logicalId, l.what, l.monthlyUsd])).toEqual([
      ['Zone', 'hosted zone example.com (queries to alias records free)', 0.5],
    ]);
    expect(result.notes).toEqual([]);
    expect(result.free).toContainEqual({ type: 'AWS::CertificateManager::Certificate', count: 2 });
  });

  it('lists records that are not aliases as not priced (their queries depend on resolver caching)', () => {
    const result = estimate('insight-domain-zone-passes.yml');
    expect(result.notPriced.map((n) => n.resource.logicalId)).toEqual(['StrayRecord', 'Records']);
    expect(result.notPriced[0].reason).toContain('$0.40 per million');
  });

  it('notes a zone named only by id as billed to its owner, outside the total, once', () => {
    const result = estimate('insight-tls-policy-passes.yml');
    expect(result.lines.some((l) => l.service === 'Route 53')).toBe(false);
    expect(result.notes.map((n) => [n.resource.logicalId, n.message])).toEqual([
      [
        'Certificate',
        'hosted zone Z0123456789ABCDEFGHIJ is not created by these templates: its $0.50/month (first 25 zones) is billed to its owner whether or not this app exists, and is not in the total',
      ],
    ]);
  });

  it('counts alias records, the ACM public certificate and the API Gateway custom domain name as free', () => {
    const result = estimate('insight-tls-policy-passes.yml');
    expect(result.free).toEqual(
      expect.arrayContaining([
        { type: 'AWS::ApiGatewayV2::DomainName', count: 1 },
        { type: 'AWS::CertificateManager::Certificate', count: 1 },
        { type: 'AWS::Route53::RecordSet', count: 1 },
      ]),
    );
    expect(result.notPriced).toEqual([]);
  });
});
