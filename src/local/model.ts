/**
 * The local cloud's view of an application: every emulated resource as a typed config, built
 * from the evaluated templates by each emulator's `resolve.ts`, with cross-references checked
 * (an integration's Cloud Map service, a service's target group, …) and every resource type that
 * has no local effect listed once.
 */

import { TemplateError } from '../errors.js';
import type { ResolvedApp, ResolvedResource } from '../template/resolved.js';
import { resolveDomainNames } from './apigateway/domain-names.js';
import { parseCloudMapServiceArn } from './apigateway/integration-target.js';
import { resolveHttpApis } from './apigateway/resolve.js';
import type { DomainNameConfig, HttpApiConfig } from './apigateway/types.js';
import { resolveScalableTargets } from './autoscaling/resolve.js';
import type { ScalableTargetConfig } from './autoscaling/types.js';
import { resolveDiscoveryServices, resolveNamespaces } from './cloudmap/resolve.js';
import type { DiscoveryServiceConfig, NamespaceConfig } from './cloudmap/types.js';
import { refuseWhatCreateServiceRefuses } from './ecs/create-service.js';
import { notEmulatedPropertyWarnings } from './ecs/not-emulated-properties.js';
import { type ContainerOverrides, resolveEcsServices, resolveTaskDefinitions } from './ecs/resolve.js';
import type { EcsServiceConfig, TaskDefinitionConfig } from './ecs/types.js';
import { taskVolumeWarnings } from './ecs/volume-warnings.js';
import { refuseUnsupportedVolumes } from './ecs/volumes.js';
import { instanceTargetGroupWarnings, resolveLoadBalancing } from './elb/resolve.js';
import type { LoadBalancerConfig, TargetGroupConfig } from './elb/types.js';
import { resolveScheduledRules } from './events/resolve.js';
import type { ScheduledRuleConfig } from './events/types.js';
import { inventedValueWarnings } from './invented-values.js';
import { resolveSecurityGroups, resolveSubnets } from './network/resolve.js';
import type { SecurityGroupConfig, SubnetConfig } from './network/types.js';

/** Resource types the local cloud acts on (listed in the README by `npm run docs:emulation`). */
export const EMULATED_TYPES: ReadonlySet<string> = new Set([
  'AWS::EC2::Subnet',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::ServiceDiscovery::PrivateDnsNamespace',
  'AWS::ServiceDiscovery::PublicDnsNamespace',
  'AWS::ServiceDiscovery::HttpNamespace',
  'AWS::ServiceDiscovery::Service',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::VpcLink',
  // Custom domains: HTTPS on a loopback port of their own, API mappings by longest key.
  'AWS::ApiGatewayV2::DomainName',
  'AWS::ApiGatewayV2::ApiMapping',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  // HTTPS listeners serve TLS with certificates from Wharf's local CA (tls/).
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerCertificate',
  'AWS::CertificateManager::Certificate',
  // Evaluated per request before the listener's default action (elb/listener-rules.ts).
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::ECS::Cluster',
  'AWS::ECS::TaskDefinition',
  'AWS::ECS::Service',
  // Target tracking on a service's desired count (autoscaling/), alarms and cooldowns included.
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  // Task volumes (ecs/volumes.ts): a Docker volume per file system directory.
  'AWS::EFS::FileSystem',
  'AWS::EFS::AccessPoint',
  'AWS::Events::Rule',
  'AWS::Logs::LogGroup',
  'AWS::CloudFormation::Stack',
  'AWS::Serverless::Application',
]);

/** Types that change request handling on AWS but are not emulated: a warning each (and a README line). */
export const NOT_EMULATED: Readonly<Record<string, string>> = {
  'AWS::ApiGatewayV2::Authorizer': 'requests are not authorized locally',
  'AWS::WAFv2::WebACLAssociation': 'requests are not filtered by WAF locally',
  'AWS::Scheduler::Schedule':
    'EventBridge Scheduler is not emulated, its target never runs locally (AWS::Events::Rule schedules are)',
};

/** A limit of an emulated type: what differs locally, and which resources it concerns. */
export interface EmulationLimit {
  /** What differs locally (the warning's text and the README's). */
  readonly note: string;
  /** For the README, which resources: e.g. `with \`Protocol: HTTPS\``. @default - every resource */
  readonly when?: string;
  /** Whether a resource has the limit. @default - every resource of the type */
  readonly applies?: (resource: ResolvedResource) => boolean;
}

/**
 * Emulated types with a limit a client or a task observes: one warning per resource concerned
 * (and a README line); the resource still works locally. Each key is also in
 * {@link EMULATED_TYPES}.
 */
export const EMULATED_WITH_LIMITS: Readonly<Record<string, EmulationLimit>> = {
  'AWS::ServiceDiscovery::PrivateDnsNamespace': {
    note: "its names resolve only inside Docker tasks (the local Cloud Map DNS server; process tasks cannot resolve them); the Cloud Map API and API Gateway's discovery work on both runtimes",
  },
  'AWS::ApiGatewayV2::Integration': {
    when: 'with `RequestParameters` other than `overwrite:path`',
    note: 'header and query-string mappings are not applied locally (overwrite:path is)',
    applies: (resource) => {
      const mappings = resource.properties.RequestParameters;
      return (
        mappings !== null &&
        typeof mappings === 'object' &&
        !Array.isArray(mappings) &&
        Object.keys(mappings).some((key) => key !== 'overwrite:path')
      );
    },
  },
  // Its names are what the local CA signs for; ownership is not validated, and only clients that
  // trust the local CA accept the certificate.
  'AWS::CertificateManager::Certificate': {
    note: "its names get a certificate from Wharf's local certificate authority instead (no DNS validation; clients must trust that CA, as wharf dev prints)",
  },
};

/** A resource type with no local effect, and how many resources of it the templates have. */
export interface NoLocalEffect {
  readonly type: string;
  readonly count: number;
}

/** Everything the local cloud runs. */
export interface LocalModel {
  readonly app: ResolvedApp;
  readonly subnets: readonly SubnetConfig[];
  readonly securityGroups: readonly SecurityGroupConfig[];
  readonly namespaces: readonly NamespaceConfig[];
  readonly discoveryServices: readonly DiscoveryServiceConfig[];
  readonly httpApis: readonly HttpApiConfig[];
  /** HTTP API custom domains with their API mappings. */
  readonly domainNames: readonly DomainNameConfig[];
  readonly loadBalancers: readonly LoadBalancerConfig[];
  readonly targetGroups: readonly TargetGroupConfig[];
  readonly services: readonly EcsServiceConfig[];
  /** Every task definition of the templates, used by a service or not (`wharf dev --run-task`). */
  readonly taskDefinitions: readonly TaskDefinitionConfig[];
  /** Scalable targets on services' desired counts, with their target tracking policies. */
  readonly scalableTargets: readonly ScalableTargetConfig[];
  /** EventBridge rules that run ECS tasks on a schedule. */
  readonly scheduledRules: readonly ScheduledRuleConfig[];
  /** Accepted resource types that do nothing locally (IAM, routes, NAT, …), each listed once. */
  readonly noLocalEffect: readonly NoLocalEffect[];
  /** Things that work differently locally, each naming its file and resource. */
  readonly warnings: readonly string[];
}

/** Builds the local model; throws a TemplateError for shapes the local cloud cannot run. */
export function buildLocalModel(app: ResolvedApp, overrides: ContainerOverrides = {}): LocalModel {
  const counts = new Map<string, number>();
  const warnings: string[] = [];
  for (const stack of app.stacks) {
    for (const resource of stack.resources.values()) {
      const why = NOT_EMULATED[resource.type];
      const limit = EMULATED_WITH_LIMITS[resource.type];
      const limited = limit && (limit.applies?.(resource) ?? true);
      if (why)
        warnings.push(
          `${stack.loaded.file}: ${resource.logicalId}: ${resource.type} is not emulated: ${why}`,
        );
      else if (limited)
        warnings.push(
          `${stack.loaded.file}: ${resource.logicalId}: ${resource.type}${limit.when ? ` ${limit.when.replaceAll('`', '')}` : ''} is partly emulated: ${limit.note}`,
        );
      else if (!EMULATED_TYPES.has(resource.type))
        counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    }
  }
  const loadBalancing = resolveLoadBalancing(app);
  const taskDefinitions = resolveTaskDefinitions(app, overrides);
  refuseUnsupportedVolumes([...taskDefinitions.values()]);
  const services = resolveEcsServices(app, overrides, taskDefinitions);
  const scheduled = resolveScheduledRules(app, taskDefinitions);
  const scaling = resolveScalableTargets(app, services, loadBalancing.targetGroups);
  const httpApis = resolveHttpApis(app);
  const domains = resolveDomainNames(app, httpApis);
  if (scheduled.inertRuleCount > 0) counts.set('AWS::Events::Rule', scheduled.inertRuleCount);
  const model: LocalModel = {
    app,
    subnets: resolveSubnets(app),
    securityGroups: resolveSecurityGroups(app),
    namespaces: resolveNamespaces(app),
    discoveryServices: resolveDiscoveryServices(app),
    httpApis,
    domainNames: domains.domainNames,
    loadBalancers: loadBalancing.loadBalancers,
    targetGroups: loadBalancing.targetGroups,
    services,
    taskDefinitions: [...taskDefinitions.values()],
    scheduledRules: scheduled.rules,
    scalableTargets: scaling.targets,
    noLocalEffect: [...counts]
      .map(([type, count]) => ({ type, count }))
      .sort((a, b) => a.type.localeCompare(b.type)),
    warnings: [
      ...warnings,
      ...loadBalancing.warnings,
      ...domains.warnings,
      ...instanceTargetGroupWarnings(services, loadBalancing.targetGroups),
      ...scheduled.warnings,
      ...scaling.warnings,
      ...notEmulatedPropertyWarnings(app),
      ...taskVolumeWarnings(services),
      ...inventedValueWarnings(app),
    ],
  };
  checkReferences(model);
  refuseWhatCreateServiceRefuses(model.services, app.root.loaded.file);
  return model;
}

/**
 * Task definitions that no service and no scheduled rule runs: on AWS something else starts them
 * (`RunTask`, a pipeline, Step Functions); locally `wharf dev --run-task` runs one once.
 */
export function unusedTaskDefinitions(model: LocalModel): TaskDefinitionConfig[] {
  const used = new Set([
    ...model.services.map((s) => s.taskDefinition.arn),
    ...model.scheduledRules.flatMap((r) => r.targets.map((t) => t.taskDefinition.arn)),
  ]);
  return model.taskDefinitions.filter((definition) => !used.has(definition.arn));
}

function checkReferences(model: LocalModel): void {
  const discovery = new Map(model.discoveryServices.map((s) => [s.id, s]));
  const targetGroups = new Set(model.targetGroups.map((tg) => tg.arn));
  for (const api of model.httpApis) {
    for (const integration of api.integrations) {
      const where = integration.origin ?? {
        file: model.app.root.loaded.file,
        stackName: '',
        logicalId: integration.id,
      };
      if (integration.connectionType !== 'VPC_LINK') continue;
      if (!api.vpcLinks.some((link) => link.id === integration.vpcLinkId)) {
        throw new TemplateError(
          { file: where.file, logicalId: where.logicalId, propertyPath: 'Properties.ConnectionId' },
          `VPC link '${integration.vpcLinkId}' is not declared in these templates`,
          { code: 'WHARF_LOCAL_REFERENCE' },
        );
      }
      // The same parser the API Gateway emulator serves the integration with.
      const cloudMapService = parseCloudMapServiceArn(integration.uri);
      if (!cloudMapService) {
        throw new TemplateError(
          { file: where.file, logicalId: where.logicalId, propertyPath: 'Properties.IntegrationUri' },
          `got '${integration.uri}'; locally a VPC link integration must target a Cloud Map service ARN ` +
            '(ALB/NLB listener targets through a VPC link are not emulated)',
          { code: 'WHARF_LOCAL_UNSUPPORTED' },
        );
      }
      if (!discovery.has(cloudMapService.serviceId)) {
        throw new TemplateError(
          { file: where.file, logicalId: where.logicalId, propertyPath: 'Properties.IntegrationUri' },
          `Cloud Map service '${integration.uri}' is not declared in these templates`,
          { code: 'WHARF_LOCAL_REFERENCE' },
        );
      }
    }
  }
  for (const service of model.services) {
    const where = service.origin ?? {
      file: model.app.root.loaded.file,
      stackName: '',
      logicalId: service.name,
    };
    service.loadBalancers.forEach((lb, index) => {
      if (!targetGroups.has(lb.targetGroupArn)) {
        throw new TemplateError(
          {
            file: where.file,
            logicalId: where.logicalId,
            propertyPath: `Properties.LoadBalancers.${index}.TargetGroupArn`,
          },
          `target group '${lb.targetGroupArn}' is not declared in these templates`,
          { code: 'WHARF_LOCAL_REFERENCE' },
        );
      }
    });
    service.serviceRegistries.forEach((registry, index) => {
      if (!discovery.has(registry.discoveryServiceId)) {
        throw new TemplateError(
          {
            file: where.file,
            logicalId: where.logicalId,
            propertyPath: `Properties.ServiceRegistries.${index}.RegistryArn`,
          },
          `Cloud Map service '${registry.discoveryServiceId}' is not declared in these templates`,
          { code: 'WHARF_LOCAL_REFERENCE' },
        );
      }
    });
  }
}
