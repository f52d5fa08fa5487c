/**
 * Catches: a certificate ARN in another region than the resource that serves it:
 * - a regional `AWS::ApiGatewayV2::DomainName`'s `DomainNameConfigurations[].CertificateArn`
 *   (an `EDGE` configuration is left alone: its certificate lives in us-east-1);
 * - an ALB `HTTPS` (or NLB `TLS`) listener's `Certificates[].CertificateArn`, and those of an
 *   `AWS::ElasticLoadBalancingV2::ListenerCertificate`.
 *
 * Why: ACM certificates are regional. "You must provide a Region-specific ACM certificate. This
 * certificate must be in the same Region as your API", and a load balancer needs a certificate
 * requested or imported in its own region (docs/reference/aws-behavior-2.md §2.1, §3.1). The
 * stack fails at the domain name or listener with the certificate "not found".
 *
 * Compared with: the deploy region when it is known (`wharf check --region`, `AWS_REGION`,
 * `AWS_DEFAULT_REGION`); otherwise the one region the templates pin by literal values (ARNs of
 * other services, availability zone names: see `pinnedRegions`), and the finding says which value
 * pinned it. Templates that pin no region, or several, are not judged.
 *
 * Never trips on: an ARN built from `${AWS::Region}` (it is the deploy region by construction), a
 * `Ref` to an `AWS::CertificateManager::Certificate` (created in the stack's own region), an IAM
 * server certificate (global), a parameter without a value.
 */

import type { CfnValue, LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import { arnRegion, pinnedRegions, textOf } from './domains.js';
import type { TrapContext, TrapRule } from './rule.js';
import { type At, literalAt, trapFinding } from './support.js';

/** One place a certificate ARN is written, and what serves it. */
interface CertificateSite {
  readonly at: At;
  readonly propertyPath: string;
  readonly value: CfnValue | undefined;
  /** `the HTTP API custom domain api.example.com`, `the HTTPS listener`. */
  readonly servedBy: string;
}

function sites(app: LoadedApp): CertificateSite[] {
  const found: CertificateSite[] = [];
  for (const at of listResources(app, 'AWS::ApiGatewayV2::DomainName')) {
    const name = literalAt(at, 'Properties.DomainName');
    const configurations = getPath(at.resource, 'Properties.DomainNameConfigurations');
    if (!Array.isArray(configurations)) continue;
    configurations.forEach((_, i) => {
      const path = `Properties.DomainNameConfigurations.${i}`;
      if ((literalAt(at, `${path}.EndpointType`) ?? 'REGIONAL') !== 'REGIONAL') return;
      found.push({
        at,
        propertyPath: `${path}.CertificateArn`,
        value: getPath(at.resource, `${path}.CertificateArn`),
        servedBy: `the regional API Gateway custom domain${name === undefined ? '' : ` ${name}`}`,
      });
    });
  }
  const listenerCertificates = (at: At, servedBy: string) => {
    const certificates = getPath(at.resource, 'Properties.Certificates');
    if (!Array.isArray(certificates)) return;
    certificates.forEach((_, i) => {
      const propertyPath = `Properties.Certificates.${i}.CertificateArn`;
      found.push({ at, propertyPath, value: getPath(at.resource, propertyPath), servedBy });
    });
  };
  for (const at of listResources(app, 'AWS::ElasticLoadBalancingV2::Listener')) {
    const protocol = literalAt(at, 'Properties.Protocol');
    if (protocol === 'HTTPS' || protocol === 'TLS')
      listenerCertificates(at, `the ${protocol} listener ${at.logicalId}`);
  }
  for (const at of listResources(app, 'AWS::ElasticLoadBalancingV2::ListenerCertificate'))
    listenerCertificates(at, `the listener ${at.logicalId} adds it to`);
  return found;
}

function check(app: LoadedApp, context: TrapContext = {}): Finding[] {
  const all = sites(app);
  if (all.length === 0) return [];
  let expected: string | undefined = context.region;
  let basis = `the deploy region ${context.region}`;
  let how = 'deploy to the region of the certificate (--region)';
  if (expected === undefined) {
    const pinned = pinnedRegions(app);
    if (pinned.length !== 1) return [];
    const [pin] = pinned;
    expected = pin.region;
    basis = `${pin.region}, the region these templates pin (${pin.stack.name} ${pin.logicalId} ${pin.propertyPath}; pass --region to compare with the deploy region instead)`;
    how = `if the stack really deploys to the certificate's region, say so with --region and fix ${pin.logicalId} instead`;
  }
  const findings: Finding[] = [];
  for (const site of all) {
    const text = textOf(traceValue(site.at.stack, site.value));
    const region = text === undefined ? undefined : arnRegion(text);
    if (region === undefined || region === expected) continue;
    findings.push(
      trapFinding(certificateRegionMismatch, site.at, {
        propertyPath: site.propertyPath,
        message: `${site.at.logicalId} gives ${site.servedBy} a certificate in ${region} (${text}), but it is served from ${basis}: ACM certificates are regional, and the API or load balancer must use one from its own region, so the stack fails at ${site.at.logicalId}.`,
        fix: `Request or import the certificate in ${expected} and use its ARN, or let the stack create it (an AWS::CertificateManager::Certificate referenced with !Ref; Wharf's constructs: leave domain.certificate out); ${how}.`,
      }),
    );
  }
  return findings;
}

/** A certificate ARN names another region than the API or listener that serves it. */
export const certificateRegionMismatch: TrapRule = {
  id: 'certificate-region-mismatch',
  title: 'Certificate in another region than the HTTP API or load balancer',
  severity: 'error',
  description:
    'A regional API Gateway custom domain and a load balancer listener need an ACM certificate of their own region.',
  check,
};
