/**
 * Custom domains and scaling ranges for `wharf diagram`, read from the evaluated templates:
 * - an HTTP API's custom domain (`AWS::ApiGatewayV2::DomainName` with an `ApiMapping` to the API):
 *   its `https://` name, TLS policy, certificate and mapping, and whether the default
 *   `execute-api` endpoint is disabled;
 * - a load balancer's domain (a Route 53 alias record whose target is the load balancer's
 *   `DNSName`, else the domain of the certificate of its HTTPS listener): its name, the listener's
 *   certificate and TLS policy (`ELBSecurityPolicy-2016-08` when none is set, as CloudFormation
 *   does), and the HTTP listener that redirects to HTTPS;
 * - a scaled service's range and targets (`2–10 tasks · CPU 50 %`), from the same reading of the
 *   scalable targets `wharf dev` runs.
 * Facts: docs/reference/aws-behavior-2.md §1.2, §2.1–§2.4, §3.1–§3.5.
 */

import { aliasTargetName, canonicalDomainName } from '../aws/dns-names.js';
import { CLOUDFORMATION_DEFAULT_SSL_POLICY } from '../aws/elb-security-policies.js';
import type { HttpApiConfig } from '../local/apigateway/types.js';
import type { ScalableTargetConfig } from '../local/autoscaling/types.js';
import type { LoadBalancerConfig } from '../local/elb/types.js';
import { resourcesOfType } from '../local/network/resolve.js';
import { plainArray, plainRecord, plainText } from '../template/plain-values.js';
import type { PlainValue, ResolvedApp, ResolvedResource } from '../template/resolved.js';
import type { DiagramNode } from './model.js';

/** A custom domain in front of one ingress node. */
export interface IngressDomain {
  /** The node the domain serves: `api:<id>` or `alb:<name>`. */
  readonly ingressId: string;
  readonly node: DiagramNode;
  /** Label lines of the arrow from the internet to the domain. */
  readonly fromInternet: readonly string[];
  /** Label lines of the arrow from the domain to the ingress (the HTTP API only; an ALB keeps its own). */
  readonly toIngress?: readonly string[];
  /** The HTTP API's `DisableExecuteApiEndpoint`: the internet reaches the API only by the domain. */
  readonly defaultEndpointDisabled?: boolean;
}

/** `certificate Certificate (ACM, DNS-validated)` or `certificate ACM eu-west-1 …/1111…`. */
function certificateText(app: ResolvedApp, arn: string | undefined): string {
  if (arn === undefined) return 'no certificate';
  const created = resourcesOfType(app, 'AWS::CertificateManager::Certificate').find((c) => c.ref === arn);
  if (created) {
    const method = plainText(created.properties.ValidationMethod) ?? 'EMAIL';
    return `certificate ${created.logicalId} (ACM, ${method === 'DNS' ? 'DNS-validated' : `${method} validation`})`;
  }
  const [, , service, region, , resource] = arn.split(':');
  const id = resource?.split('/').pop() ?? '';
  return `certificate ${service === 'acm' ? `ACM ${region}` : (service ?? '?')} …${id.slice(-8)}`;
}

/** The alias (or CNAME) records whose target is `targets` (a DNS name), with the zone each is in. */
function recordsTo(app: ResolvedApp, targets: readonly string[]): { name: string; zone?: string }[] {
  const found: { name: string; zone?: string }[] = [];
  const wanted = new Set(targets.filter((t) => t !== '').map(aliasTargetName));
  const consider = (record: Record<string, PlainValue>, group: Record<string, PlainValue>) => {
    const alias = plainText(plainRecord(record.AliasTarget).DNSName);
    const values = plainArray(record.ResourceRecords).map(plainText);
    const pointsHere = [alias, ...values].some((v) => v !== undefined && wanted.has(aliasTargetName(v)));
    const name = plainText(record.Name);
    if (!pointsHere || name === undefined) return;
    const zone = plainText(record.HostedZoneName) ?? plainText(group.HostedZoneName);
    found.push({ name: canonicalDomainName(name), ...(zone ? { zone: canonicalDomainName(zone) } : {}) });
  };
  for (const r of resourcesOfType(app, 'AWS::Route53::RecordSet')) consider(r.properties, {});
  for (const g of resourcesOfType(app, 'AWS::Route53::RecordSetGroup'))
    for (const r of plainArray(g.properties.RecordSets)) consider(plainRecord(r), g.properties);
  return found;
}

function recordLine(records: readonly { name: string; zone?: string }[], name: string): string | undefined {
  const record = records.find((r) => r.name === canonicalDomainName(name)) ?? records[0];
  if (!record) return undefined;
  return `Route 53 alias${record.zone ? ` in ${record.zone}` : ''}${record.name === canonicalDomainName(name) ? '' : ` (${record.name})`}`;
}

function apiDomains(app: ResolvedApp, apis: readonly HttpApiConfig[]): IngressDomain[] {
  const domains = resourcesOfType(app, 'AWS::ApiGatewayV2::DomainName');
  const mappings = resourcesOfType(app, 'AWS::ApiGatewayV2::ApiMapping');
  const found: IngressDomain[] = [];
  for (const api of apis) {
    const apiResource = resourcesOfType(app, 'AWS::ApiGatewayV2::Api').find((r) => r.ref === api.id);
    const disabled = apiResource?.properties.DisableExecuteApiEndpoint === true;
    for (const mapping of mappings.filter((m) => plainText(m.properties.ApiId) === api.id)) {
      const domain = domains.find((d) => d.ref === plainText(mapping.properties.DomainName));
      const name = plainText(domain?.properties.DomainName) ?? plainText(mapping.properties.DomainName);
      if (name === undefined) continue;
      const config = plainRecord(plainArray(domain?.properties.DomainNameConfigurations)[0]);
      const stage = api.stages.find((s) => s.name === plainText(mapping.properties.Stage))?.name;
      const key = plainText(mapping.properties.ApiMappingKey) ?? '';
      const records = domain ? recordsTo(app, [plainText(domain.attributes.RegionalDomainName) ?? '']) : [];
      const details = [
        `custom domain, ${plainText(config.EndpointType) ?? 'REGIONAL'} ${plainText(config.SecurityPolicy) ?? 'TLS_1_2'}`,
        certificateText(app, plainText(config.CertificateArn)),
        ...(recordLine(records, name)
          ? [recordLine(records, name) as string]
          : ['no DNS record in these templates']),
        ...(disabled ? ['execute-api endpoint disabled'] : []),
      ];
      found.push({
        ingressId: `api:${api.id}`,
        node: {
          id: `domain:${canonicalDomainName(name)}`,
          kind: 'domain',
          label: `https://${canonicalDomainName(name)}${key ? `/${key}` : ''}`,
          details,
        },
        fromInternet: ['HTTPS :443'],
        toIngress: [
          `API mapping ${key ? `/${key}` : '(none)'} → stage ${stage ?? plainText(mapping.properties.Stage) ?? '?'}`,
        ],
        defaultEndpointDisabled: disabled,
      });
    }
  }
  return found;
}

function loadBalancerDomains(
  app: ResolvedApp,
  loadBalancers: readonly LoadBalancerConfig[],
): IngressDomain[] {
  const listeners = resourcesOfType(app, 'AWS::ElasticLoadBalancingV2::Listener');
  const found: IngressDomain[] = [];
  for (const lb of loadBalancers) {
    const own = listeners.filter((l) => plainText(l.properties.LoadBalancerArn) === lb.arn);
    const https = own.find((l) => plainText(l.properties.Protocol) === 'HTTPS');
    if (!https) continue;
    const certificateArn = plainText(
      plainRecord(plainArray(https.properties.Certificates)[0]).CertificateArn,
    );
    const records = recordsTo(app, [lb.dnsName]);
    const certificate = resourcesOfType(app, 'AWS::CertificateManager::Certificate').find(
      (c: ResolvedResource) => c.ref === certificateArn,
    );
    const name = records[0]?.name ?? plainText(certificate?.properties.DomainName);
    const redirect = own.find(
      (l) =>
        plainText(l.properties.Protocol) === 'HTTP' &&
        plainArray(l.properties.DefaultActions).some(
          (a) =>
            plainText(plainRecord(a).Type) === 'redirect' &&
            plainText(plainRecord(plainRecord(a).RedirectConfig).Protocol) === 'HTTPS',
        ),
    );
    const policy = plainText(https.properties.SslPolicy);
    const details = [
      certificateText(app, certificateArn),
      `TLS policy ${policy ?? `${CLOUDFORMATION_DEFAULT_SSL_POLICY} (CloudFormation default)`}`,
      ...(name !== undefined && recordLine(records, name) ? [recordLine(records, name) as string] : []),
    ];
    found.push({
      ingressId: `alb:${lb.name}`,
      node: {
        id: `domain:${name === undefined ? lb.name : canonicalDomainName(name)}`,
        kind: 'domain',
        label: name === undefined ? 'HTTPS (no domain name)' : `https://${canonicalDomainName(name)}`,
        details,
      },
      fromInternet: [
        `HTTPS :${plainText(https.properties.Port) ?? '443'}`,
        ...(redirect ? [`HTTP :${plainText(redirect.properties.Port) ?? '80'} → 301 to HTTPS`] : []),
      ],
    });
  }
  return found;
}

/** The custom domains in front of the HTTP APIs and load balancers (see the module comment). */
export function ingressDomains(
  app: ResolvedApp,
  apis: readonly HttpApiConfig[],
  loadBalancers: readonly LoadBalancerConfig[],
): IngressDomain[] {
  return [...apiDomains(app, apis), ...loadBalancerDomains(app, loadBalancers)];
}

const METRIC_TEXT: Record<string, (target: number) => string> = {
  ECSServiceAverageCPUUtilization: (t) => `CPU ${t} %`,
  ECSServiceAverageMemoryUtilization: (t) => `memory ${t} %`,
  ALBRequestCountPerTarget: (t) => `${t} req/min per task`,
};

/**
 * A scaled service's line on its task boxes: `2–10 tasks · CPU 50 %` (every target tracking
 * target, in policy order; just the range without policies).
 *
 * @example
 * scalingLine({ minCapacity: 2, maxCapacity: 10, policies: [{ metric: 'ECSServiceAverageCPUUtilization', targetValue: 50, … }], … })
 * // '2–10 tasks · CPU 50 %'
 */
export function scalingLine(target: ScalableTargetConfig): string {
  const targets = target.policies.map(
    (p) => METRIC_TEXT[p.metric]?.(p.targetValue) ?? `${p.metric} ${p.targetValue}`,
  );
  return [`${target.minCapacity}–${target.maxCapacity} tasks`, ...targets].join(' · ');
}
