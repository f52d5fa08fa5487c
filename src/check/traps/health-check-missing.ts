/**
 * Catches: an ECS service registered in Cloud Map (`ServiceRegistries`) whose task containers
 * have no `HealthCheck`, or whose Cloud Map service has no `HealthCheckCustomConfig`; and target
 * groups with `HealthCheckEnabled: false`.
 *
 * Why: without a container health check and a custom health config, ECS cannot tell Cloud Map
 * when a task is ready; instances show health UNKNOWN and API Gateway sends requests to tasks
 * that are still starting or already failing: intermittent 503s after every deploy (see
 * https://github.com/sst/sst/issues/5915). A target group without health checks keeps routing to
 * dead tasks.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_HealthCheckCustomConfig.html
 *
 * Does not catch: health checks that exist but probe the wrong path or port, or Cloud Map
 * services outside the app.
 */

import type { LoadedApp } from '../../template/model.js';
import { listResources } from '../../template/query.js';
import { resourceOf, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import { containerNamed, containersOf, ecsServices, taskDefinitionOf } from './ecs.js';
import type { TrapRule } from './rule.js';
import { keyOf, listAt, literalAt, stringOf, trapFinding } from './support.js';

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const once = (key: string) => !seen.has(key) && Boolean(seen.add(key));
  for (const service of ecsServices(app)) {
    for (const { value, index } of listAt(service, 'Properties.ServiceRegistries')) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const registry = resourceOf(
        traceValue(service.stack, value.RegistryArn),
        'AWS::ServiceDiscovery::Service',
      );
      if (
        registry &&
        registry.resource.Properties?.HealthCheckCustomConfig === undefined &&
        once(keyOf(registry))
      ) {
        findings.push(
          trapFinding(healthCheckMissing, registry, {
            propertyPath: 'Properties.HealthCheckCustomConfig',
            message: `Cloud Map service ${registry.logicalId} (used by ECS service ${service.logicalId}) has no HealthCheckCustomConfig, so ECS cannot report task health to Cloud Map: instances stay UNKNOWN and API Gateway routes to tasks that are still starting (intermittent 503s after deploys).`,
            fix: `Add HealthCheckCustomConfig: { FailureThreshold: 1 } to ${registry.logicalId}, and a HealthCheck to the container.`,
          }),
        );
      }
      const task = taskDefinitionOf(service);
      if (!task) continue;
      const name = stringOf(service.stack, value.ContainerName);
      const named = name === undefined ? undefined : containerNamed(task, name);
      const candidates = named ? [named] : containersOf(task);
      if (candidates.length === 0 || candidates.some((c) => c.definition.HealthCheck !== undefined)) continue;
      if (!once(`${keyOf(task)}#health`)) continue;
      findings.push(
        trapFinding(healthCheckMissing, task, {
          propertyPath: named
            ? `Properties.ContainerDefinitions.${named.index}.HealthCheck`
            : 'Properties.ContainerDefinitions',
          message: `No container of task definition ${task.logicalId} has a HealthCheck, and ECS service ${service.logicalId} registers it in Cloud Map (ServiceRegistries.${index}): Cloud Map cannot tell ready tasks from starting ones.`,
          fix: `Add a HealthCheck to the container, e.g. { Command: ['CMD-SHELL', 'curl -f http://localhost/health || exit 1'], Interval: 10, Retries: 3, StartPeriod: 10, Timeout: 5 }.`,
        }),
      );
    }
  }
  for (const group of listResources(app, 'AWS::ElasticLoadBalancingV2::TargetGroup')) {
    if (literalAt(group, 'Properties.TargetType') === 'lambda') continue;
    const enabled = literalAt(group, 'Properties.HealthCheckEnabled');
    if (enabled !== false && enabled !== 'false') continue;
    findings.push(
      trapFinding(healthCheckMissing, group, {
        propertyPath: 'Properties.HealthCheckEnabled',
        message: `Target group ${group.logicalId} has HealthCheckEnabled ${enabled}: the load balancer keeps sending requests to tasks that have crashed or are still starting.`,
        fix: `Remove HealthCheckEnabled: false from ${group.logicalId} and set HealthCheckPath to an endpoint the service answers with 200.`,
      }),
    );
  }
  return findings;
}

/** Cloud Map registrations and target groups need health checks. */
export const healthCheckMissing: TrapRule = {
  id: 'health-check-missing',
  title: 'Service registered without health checks',
  severity: 'warning',
  description:
    'Without container health checks and HealthCheckCustomConfig, Cloud Map reports UNKNOWN health and API Gateway routes to tasks that are not ready; target groups need health checks too.',
  check,
};
