/**
 * CertificateNames: which names a load balancer's certificate covers locally when its ARN is not
 * a certificate of the templates — the alias records pointing at the load balancer, whether a
 * RecordSet or an entry of a RecordSetGroup, with or without the `dualstack.` prefix (§3.5).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CertificateNames } from '../../../src/local/tls/certificate-names.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';

const TEMPLATE = `
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [subnet-1, subnet-2]
  ShopAlias:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: shop.example.com.
      Type: A
      AliasTarget:
        DNSName: !GetAtt LoadBalancer.DNSName
        HostedZoneId: !GetAtt LoadBalancer.CanonicalHostedZoneID
  Aliases:
    Type: AWS::Route53::RecordSetGroup
    Properties:
      HostedZoneName: example.com.
      RecordSets:
        - Name: api.example.com
          Type: A
          AliasTarget:
            DNSName: !Sub 'dualstack.\${LoadBalancer.DNSName}'
            HostedZoneId: !GetAtt LoadBalancer.CanonicalHostedZoneID
`;

describe('CertificateNames.forLoadBalancer', () => {
  it('names every alias record pointing at the load balancer, RecordSetGroup entries and dualstack targets included', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wharf-certificate-names-')), 'template.yml');
    writeFileSync(file, TEMPLATE);
    const app = resolveApp(loadTemplateFile(file));
    const lb = app.stacks[0]?.resources.get('LoadBalancer');
    const dnsName = String(lb?.attributes.DNSName);
    const names = new CertificateNames(app).forLoadBalancer(
      'arn:aws:acm:us-east-1:123456789012:certificate/imported',
      dnsName,
    );
    expect(names.sort()).toEqual(['api.example.com', 'shop.example.com']);
  });
});
