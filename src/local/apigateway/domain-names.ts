/**
 * Template → HTTP API custom domains: each `AWS::ApiGatewayV2::DomainName` with the
 * `AWS::ApiGatewayV2::ApiMapping`s that name it, checked the way API Gateway checks them when
 * CloudFormation creates them.
 *
 * Fidelity (aws-behavior-2.md §2.1, §2.3): a mapping's `DomainName` is the domain's `Ref` (its
 * name), `ApiId` an HTTP API of the templates and `Stage` one of its stages; `ApiMappingKey` is
 * empty (the `(none)` mapping) or letters, digits and `$-_.+!*'()/` in segments (no leading,
 * trailing or doubled `/`), at most 300 characters, unique per domain. An HTTP API maps only to a
 * domain with the `TLS_1_2` security policy ("You can only map HTTP APIs to a regional custom
 * domain name with the TLS 1.2 security policy"), and only to a `REGIONAL` one. Each refusal is a
 * TemplateError naming the resource and property, as the failed resource would be on AWS. A
 * mapping to a domain the templates do not declare is served by nothing locally (a warning).
 * `MutualTlsAuthentication` and `RoutingMode` routing rules are not emulated (a warning each).
 */

import type { ResolvedApp } from '../../template/resolved.js';
import { resourcesOfType } from '../network/resolve.js';
import { originOf, PropertyReader } from '../props.js';
import { requireCertificateName } from '../tls/certificate-names.js';
import type { ApiMappingConfig, DomainNameConfig, HttpApiConfig } from './types.js';

/** `ApiMappingKey`'s length limit (§2.3). */
const MAX_KEY_LENGTH = 300;
const KEY_SEGMENT = /^[A-Za-z0-9$\-_.+!*'()]+$/;

/** The custom domains, and what about them is not served locally. */
export interface ResolvedDomainNames {
  readonly domainNames: DomainNameConfig[];
  readonly warnings: string[];
}

/** The custom domains the templates declare, with their mappings to the given HTTP APIs. */
export function resolveDomainNames(app: ResolvedApp, apis: readonly HttpApiConfig[]): ResolvedDomainNames {
  const warnings: string[] = [];
  const byId = new Map(apis.map((api) => [api.id, api]));
  const domains = resourcesOfType(app, 'AWS::ApiGatewayV2::DomainName').map((resource) => {
    const props: PropertyReader = new PropertyReader(resource);
    const name = props.string('DomainName');
    requireCertificateName(resource, 'DomainName', name);
    if (name !== name.toLowerCase())
      props.fail(
        'DomainName',
        `got '${name}'; API Gateway does not accept uppercase letters in a domain name`,
      );
    const where = `${resource.stack.loaded.file}: ${resource.logicalId}`;
    if (props.raw('MutualTlsAuthentication') !== undefined)
      warnings.push(
        `${where}: MutualTlsAuthentication is not emulated: the local domain asks for no client certificate`,
      );
    const routingMode = props.optionalString('RoutingMode');
    if (routingMode !== undefined && routingMode !== 'API_MAPPING_ONLY')
      warnings.push(
        `${where}: RoutingMode ${routingMode} is not emulated: the local domain uses its API mappings only`,
      );
    return {
      resource,
      props,
      config: {
        name,
        certificateArn: props.optionalString('DomainNameConfigurations.0.CertificateArn'),
        securityPolicy: props.optionalString('DomainNameConfigurations.0.SecurityPolicy') ?? 'TLS_1_2',
        endpointType: props.optionalString('DomainNameConfigurations.0.EndpointType') ?? 'REGIONAL',
        regionalDomainName: String(resource.attributes.RegionalDomainName),
        mappings: [] as ApiMappingConfig[],
        origin: originOf(resource),
      },
    };
  });
  const byName = new Map(domains.map((domain) => [domain.resource.ref, domain]));
  for (const resource of resourcesOfType(app, 'AWS::ApiGatewayV2::ApiMapping')) {
    const props: PropertyReader = new PropertyReader(resource);
    const domainName = props.string('DomainName');
    const domain = byName.get(domainName);
    if (!domain) {
      warnings.push(
        `${resource.stack.loaded.file}: ${resource.logicalId}: maps to the custom domain '${domainName}', which these templates do not declare (AWS::ApiGatewayV2::DomainName): nothing serves it locally`,
      );
      continue;
    }
    const apiId = props.string('ApiId');
    const api = byId.get(apiId);
    if (!api)
      props.fail('ApiId', `'${apiId}' is not an HTTP API of these templates (AWS::ApiGatewayV2::Api)`);
    const stage = props.string('Stage');
    if (!api.stages.some((s) => s.name === stage))
      props.fail(
        'Stage',
        `API ${api.name} has no stage '${stage}'; its stages: ${api.stages.map((s) => s.name).join(', ') || 'none'}`,
      );
    const { config } = domain;
    if (config.securityPolicy !== 'TLS_1_2')
      props.fail(
        'DomainName',
        `domain ${config.name} has SecurityPolicy ${config.securityPolicy}; an HTTP API maps only to a domain with SecurityPolicy TLS_1_2`,
      );
    if (config.endpointType !== 'REGIONAL')
      props.fail(
        'DomainName',
        `domain ${config.name} has EndpointType ${config.endpointType}; an HTTP API maps only to a REGIONAL domain`,
      );
    const key = props.optionalString('ApiMappingKey') ?? '';
    const problem = keyProblem(key);
    if (problem) props.fail('ApiMappingKey', `got '${key}'; ${problem}`);
    if (config.mappings.some((m) => m.key === key))
      props.fail('ApiMappingKey', `domain ${config.name} already has a mapping with the key '${key}'`);
    config.mappings.push({ key, apiId, stage, origin: originOf(resource) });
  }
  return {
    domainNames: domains.map(({ config: { endpointType: _, ...config } }) => config),
    warnings,
  };
}

/** Why an `ApiMappingKey` is refused, or `undefined` when it is allowed. */
export function keyProblem(key: string): string | undefined {
  if (key === '') return undefined;
  if (key.length > MAX_KEY_LENGTH) return `a key has at most ${MAX_KEY_LENGTH} characters`;
  const segments = key.split('/');
  if (segments.some((segment) => !KEY_SEGMENT.test(segment)))
    return "allowed: letters, digits and $-_.+!*'() in segments separated by single '/' (no leading or trailing '/'; an empty key maps the root)";
  return undefined;
}
