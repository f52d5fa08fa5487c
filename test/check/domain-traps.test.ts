/**
 * The custom-domain traps beyond their trips/passes fixtures: the deploy region given to `check`
 * (instead of the region the templates pin), templates that pin no single region, a zone known
 * only by its id, and the pure pieces (TLS policy table, domain nesting, ARN regions).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWithinZone } from '../../src/aws/dns-names.js';
import { arnRegion } from '../../src/check/traps/domains.js';
import { runTrapRules } from '../../src/check/traps/index.js';
import { oldestTls } from '../../src/check/traps/tls-policy-outdated.js';
import { loadTemplateFile } from '../../src/template/load.js';
import { ROOT } from '../support/cli.js';

const DOMAIN = join(ROOT, 'test/fixtures/domain');
const fixture = (name: string) => join(DOMAIN, name);

/** `ruleId logicalId propertyPath` of the findings of rule `id`. */
function findingsOf(id: string, file: string, region?: string): string[] {
  return runTrapRules(loadTemplateFile(file), undefined, region === undefined ? {} : { region })
    .filter((f) => f.ruleId === id)
    .map((f) => `${f.logicalId} ${f.propertyPath}`);
}

/** A copy of `name` (with the nested templates beside it) with each `[from, to]` replaced. */
function edited(name: string, ...edits: [string, string][]): string {
  let text = readFileSync(fixture(name), 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`${name} has no ${from}`);
    text = text.replace(from, to);
  }
  const dir = mkdtempSync(join(tmpdir(), 'wharf-domain-traps-'));
  for (const nested of [
    'insight-certificate-region-api.yml',
    'insight-domain-zone-certificates.yml',
    'insight-custom-domain-no-alias-domains.yml',
  ])
    writeFileSync(join(dir, nested), readFileSync(fixture(nested)));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('certificate-region-mismatch', () => {
  it('compares with the deploy region when check is given one, not with the region the templates pin', () => {
    const trips = fixture('insight-certificate-region-trips.yml');
    expect(findingsOf('certificate-region-mismatch', trips, 'eu-west-1')).toEqual([]);
    expect(
      findingsOf(
        'certificate-region-mismatch',
        fixture('insight-certificate-region-passes.yml'),
        'eu-west-1',
      ),
    ).toEqual([
      'ApiDomain Properties.DomainNameConfigurations.0.CertificateArn',
      'ExtraCertificate Properties.Certificates.0.CertificateArn',
    ]);
  });

  it('never flags an ARN built from AWS::Region (Fn::Sub) or a Ref to a certificate of the stack, whatever the region', () => {
    expect(
      findingsOf('certificate-region-mismatch', fixture('insight-tls-policy-passes.yml'), 'ap-south-1'),
    ).toEqual([]);
    const passes = findingsOf(
      'certificate-region-mismatch',
      fixture('insight-certificate-region-passes.yml'),
      'ap-south-1',
    );
    expect(passes).not.toContain('HttpsListener Properties.Certificates.0.CertificateArn');
  });

  it('says nothing without a region when the templates pin two regions', () => {
    const file = edited('insight-certificate-region-trips.yml', [
      'AvailabilityZone: us-east-1b',
      'AvailabilityZone: eu-west-1b',
    ]);
    expect(findingsOf('certificate-region-mismatch', file)).toEqual([]);
    expect(findingsOf('certificate-region-mismatch', file, 'us-east-1')).toHaveLength(2);
  });

  it('names the region and what pinned it in the message', () => {
    const [finding] = runTrapRules(loadTemplateFile(fixture('insight-certificate-region-trips.yml'))).filter(
      (f) => f.logicalId === 'HttpsListener',
    );
    expect(finding.message).toContain('a certificate in eu-west-1');
    expect(finding.message).toContain(
      'us-east-1, the region these templates pin (insight-certificate-region-trips.yml SubnetA Properties.AvailabilityZone',
    );
  });
});

describe('domain-outside-hosted-zone', () => {
  it('says nothing about a record whose zone is only a literal id (its name is not knowable offline)', () => {
    const file = edited('insight-domain-zone-trips.yml', [
      'HostedZoneId: !Ref Zone',
      'HostedZoneId: Z0123456789ABCDEFGHIJ',
    ]);
    expect(findingsOf('domain-outside-hosted-zone', file)).not.toContain('StrayRecord Properties.Name');
    expect(findingsOf('domain-outside-hosted-zone', file)).toContain('Records Properties.RecordSets.1.Name');
  });
});

describe('custom-domain-no-alias', () => {
  it('accepts a record of the domain name even when it does not point at the regional name (DNS managed elsewhere)', () => {
    const file = edited('insight-custom-domain-no-alias-trips.yml', [
      'Name: www.example.com',
      'Name: admin.example.com',
    ]);
    expect(findingsOf('custom-domain-no-alias', file)).toEqual(['AliasRecord Properties.Name']);
  });
});

describe('TLS policies', () => {
  it.each([
    ['ELBSecurityPolicy-2016-08', '1.0'],
    ['ELBSecurityPolicy-2015-05', '1.0'],
    ['ELBSecurityPolicy-TLS-1-0-2015-04', '1.0'],
    ['ELBSecurityPolicy-FS-2018-06', '1.0'],
    ['ELBSecurityPolicy-TLS13-1-0-2021-06', '1.0'],
    ['ELBSecurityPolicy-TLS-1-1-2017-01', '1.1'],
    ['ELBSecurityPolicy-FS-1-1-2019-08', '1.1'],
    ['ELBSecurityPolicy-TLS13-1-1-2021-06', '1.1'],
    ['ELBSecurityPolicy-TLS-1-2-2017-01', undefined],
    ['ELBSecurityPolicy-FS-1-2-Res-2020-10', undefined],
    ['ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', undefined],
    ['ELBSecurityPolicy-TLS13-1-3-2021-06', undefined],
    ['SomeFuturePolicy-2030-01', undefined],
  ])('%s accepts TLS %s at the oldest', (policy, oldest) => {
    expect(oldestTls(policy)).toBe(oldest);
  });
});

describe('domain names and ARNs', () => {
  it.each([
    ['api.example.com', 'example.com', true],
    ['API.Example.com.', 'example.com.', true],
    ['example.com', 'example.com', true],
    ['*.example.com', 'example.com', true],
    ['badexample.com', 'example.com', false],
    ['api.example.org', 'example.com', false],
  ])('%s is in zone %s: %s', (name, zone, within) => {
    expect(isWithinZone(name, zone)).toBe(within);
  });

  it.each([
    ['arn:aws:acm:eu-west-1:123456789012:certificate/abc', 'eu-west-1'],
    ['arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc', 'us-gov-west-1'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Fn::Sub placeholder, as a trace renders it.
    ['arn:aws:acm:${AWS::Region}:123456789012:certificate/abc', undefined],
    ['arn:aws:iam::123456789012:server-certificate/site', undefined],
    ['not-an-arn', undefined],
  ])('the region of %s is %s', (arn, region) => {
    expect(arnRegion(arn)).toBe(region);
  });
});
