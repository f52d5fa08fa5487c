/**
 * Catches:
 * - an ALB `HTTPS` (or NLB `TLS`) listener with no `SslPolicy`: CloudFormation, the CLI and the CDK
 *   then use `ELBSecurityPolicy-2016-08`, which accepts TLS 1.0 and 1.1;
 * - a listener whose `SslPolicy` accepts TLS 1.0 or 1.1 (the policy table is
 *   `src/aws/elb-security-policies.ts`);
 * - an `AWS::ApiGatewayV2::DomainName` configuration with `SecurityPolicy: TLS_1_0`: an error when
 *   an HTTP API is mapped to the domain (HTTP APIs map only to TLS 1.2 domains, so the mapping
 *   fails), a warning otherwise.
 *
 * Why: TLS 1.0 and 1.1 are deprecated (RFC 8996); AWS recommends
 * {@link RECOMMENDED_SSL_POLICY} for new listeners and only defaults to it in the console
 * (docs/reference/aws-behavior-2.md §3.2, which lists the policies and their protocols with
 * sources; §2.1 for API Gateway).
 *
 * Does not catch: policy names it does not know (a policy released later is not judged), a
 * policy from a parameter without a value, an API Gateway domain without `SecurityPolicy`.
 */

import {
  CLOUDFORMATION_DEFAULT_SSL_POLICY,
  RECOMMENDED_SSL_POLICY,
  sslPolicyProtocols,
} from '../../aws/elb-security-policies.js';
import type { LoadedApp } from '../../template/model.js';
import { getPath, listResources, sameResource } from '../../template/query.js';
import { resourceOf, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { type At, literalAt, trapFinding } from './support.js';

/**
 * The oldest TLS version an ELB security policy accepts when it is older than 1.2, else
 * `undefined` (TLS 1.2+ policies, and names the policy table does not know).
 *
 * @example
 * oldestTls('ELBSecurityPolicy-2016-08')               // '1.0'
 * oldestTls('ELBSecurityPolicy-TLS13-1-1-2021-06')     // '1.1'
 * oldestTls('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09') // undefined
 */
export function oldestTls(policy: string): '1.0' | '1.1' | undefined {
  const oldest = sslPolicyProtocols(policy)?.oldest;
  return oldest === '1.0' || oldest === '1.1' ? oldest : undefined;
}

const LISTENER_FIX = `Set SslPolicy: ${RECOMMENDED_SSL_POLICY} (AWS's recommendation: TLS 1.3 and 1.2 only, hybrid post-quantum key exchange for the clients that offer it and classic key exchange for the others). Wharf's ALB pattern sets it for domain.`;

function listenerFindings(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const at of listResources(app, 'AWS::ElasticLoadBalancingV2::Listener')) {
    const protocol = literalAt(at, 'Properties.Protocol');
    if (protocol !== 'HTTPS' && protocol !== 'TLS') continue;
    if (getPath(at.resource, 'Properties.SslPolicy') === undefined) {
      findings.push(
        trapFinding(tlsPolicyOutdated, at, {
          propertyPath: 'Properties.SslPolicy',
          message: `${protocol} listener ${at.logicalId} sets no SslPolicy, so CloudFormation gives it ${CLOUDFORMATION_DEFAULT_SSL_POLICY}, which still accepts TLS 1.0 and 1.1 (the console would have chosen ${RECOMMENDED_SSL_POLICY}).`,
          fix: LISTENER_FIX,
        }),
      );
      continue;
    }
    const policy = literalAt(at, 'Properties.SslPolicy');
    const oldest = typeof policy === 'string' ? oldestTls(policy) : undefined;
    if (oldest === undefined) continue;
    findings.push(
      trapFinding(tlsPolicyOutdated, at, {
        propertyPath: 'Properties.SslPolicy',
        message: `${protocol} listener ${at.logicalId} uses SslPolicy ${policy}, which accepts ${oldest === '1.0' ? 'TLS 1.0 and 1.1, deprecated protocols' : 'TLS 1.1, a deprecated protocol'} (RFC 8996) that most compliance standards forbid; allowed: a TLS 1.2+ policy.`,
        fix: LISTENER_FIX,
      }),
    );
  }
  return findings;
}

function domainFindings(app: LoadedApp): Finding[] {
  const mappings = [...listResources(app, 'AWS::ApiGatewayV2::ApiMapping')];
  const findings: Finding[] = [];
  for (const at of listResources(app, 'AWS::ApiGatewayV2::DomainName')) {
    const configurations = getPath(at.resource, 'Properties.DomainNameConfigurations');
    if (!Array.isArray(configurations)) continue;
    const httpApi = mappedHttpApi(at, mappings);
    configurations.forEach((_, i) => {
      const propertyPath = `Properties.DomainNameConfigurations.${i}.SecurityPolicy`;
      if (literalAt(at, propertyPath) !== 'TLS_1_0') return;
      findings.push(
        trapFinding(tlsPolicyOutdated, at, {
          propertyPath,
          severity: httpApi ? 'error' : 'warning',
          message: httpApi
            ? `Custom domain ${at.logicalId} has SecurityPolicy TLS_1_0, and the HTTP API ${httpApi} is mapped to it: HTTP APIs can be mapped only to a regional domain with the TLS 1.2 policy, so the API mapping fails.`
            : `Custom domain ${at.logicalId} has SecurityPolicy TLS_1_0: it accepts TLS 1.0, a deprecated protocol (RFC 8996), and no HTTP API can be mapped to it.`,
          fix: "Set SecurityPolicy: TLS_1_2 (the only policy HTTP APIs support; Wharf's HTTP API pattern sets it for domain).",
        }),
      );
    });
  }
  return findings;
}

/** The logical id of an HTTP API an `ApiMapping` maps to `domain`, if any. */
function mappedHttpApi(domain: At, mappings: readonly At[]): string | undefined {
  for (const mapping of mappings) {
    const target = resourceOf(
      traceValue(mapping.stack, getPath(mapping.resource, 'Properties.DomainName')),
      'AWS::ApiGatewayV2::DomainName',
    );
    if (!target || !sameResource(target, domain)) continue;
    const api = resourceOf(
      traceValue(mapping.stack, getPath(mapping.resource, 'Properties.ApiId')),
      'AWS::ApiGatewayV2::Api',
    );
    if (api && literalAt(api, 'Properties.ProtocolType') === 'HTTP') return api.logicalId;
  }
  return undefined;
}

/** An HTTPS listener or API Gateway custom domain that still accepts TLS 1.0 or 1.1. */
export const tlsPolicyOutdated: TrapRule = {
  id: 'tls-policy-outdated',
  title: 'HTTPS listener or custom domain accepting TLS 1.0/1.1',
  severity: 'warning',
  description:
    "An HTTPS listener without SslPolicy (CloudFormation's default ELBSecurityPolicy-2016-08), with a policy accepting TLS 1.0/1.1, or an API Gateway domain with TLS_1_0.",
  check: (app) => [...listenerFindings(app), ...domainFindings(app)],
};
