/**
 * Template → EventBridge model: every `AWS::Events::Rule` with a `ScheduleExpression` and ECS
 * task targets (`Targets[].EcsParameters`) becomes a {@link ScheduledRuleConfig}. A schedule AWS
 * would refuse, a task definition the templates do not declare, a bad `TaskCount` or `Input` is a
 * TemplateError naming the file, the rule and the property. What runs differently locally is a
 * warning naming the rule: targets that are not ECS tasks, rules matching an event pattern (no
 * events are emitted locally), the EC2 launch type or capacity providers (tasks run as Fargate
 * tasks), a target without subnets (it never starts a task: on AWS every invocation fails for an
 * awsvpc task, and a bridge or host task runs on EC2 container instances, not emulated).
 *
 * Fidelity (aws-behavior-2.md §11): `TaskCount` defaults to 1; the task's `group` defaults to
 * `family:<family>`; `Input` on an ECS target carries RunTask overrides, of which each
 * container's `command` and `environment` are applied here (others are warned about).
 */

import type { ResolvedApp, ResolvedResource } from '../../template/resolved.js';
import { findTaskDefinition } from '../ecs/resolve.js';
import type { TaskDefinitionConfig } from '../ecs/types.js';
import { resourcesOfType } from '../network/resolve.js';
import { lastArnSegment, originOf, PropertyReader } from '../props.js';
import {
  parseScheduleExpression,
  type ScheduleExpression,
  ScheduleSyntaxError,
} from './schedule-expression.js';
import type { EcsTaskTargetConfig, ScheduledRuleConfig } from './types.js';

/** What {@link resolveScheduledRules} found. */
export interface ResolvedScheduledRules {
  readonly rules: ScheduledRuleConfig[];
  /** Each naming its file and rule. */
  readonly warnings: string[];
  /** Rules with no local effect at all (an event pattern and no ECS target). */
  readonly inertRuleCount: number;
}

/** EventBridge's pattern for a rule `Name` and a target `Id` (PutRule, PutTargets). */
const NAME_PATTERN = /^[.\-_A-Za-z0-9]{1,64}$/;

function where(resource: ResolvedResource): string {
  return `${resource.stack.loaded.file}: ${resource.logicalId}`;
}

/** Container overrides from an ECS target's `Input` (`{"containerOverrides": [...]}`). */
function applyInput(
  props: PropertyReader,
  path: string,
  definition: TaskDefinitionConfig,
  warnings: string[],
): TaskDefinitionConfig {
  const input = props.optionalString(`${path}.Input`);
  if (input === undefined) return definition;
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    props.fail(`${path}.Input`, 'is not valid JSON (EventBridge refuses it)');
  }
  const allowed =
    'allowed: {"containerOverrides": [{"name": "<container>", "command": [...], "environment": [{"name", "value"}]}]}';
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    props.fail(`${path}.Input`, `is not a JSON object; ${allowed}`);
  const { containerOverrides, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    warnings.push(
      `${where(props.resource)}: Properties.${path}.Input: only containerOverrides (command, environment) are applied locally`,
    );
  }
  if (containerOverrides === undefined) return definition;
  if (!Array.isArray(containerOverrides))
    props.fail(`${path}.Input`, `containerOverrides is not a list; ${allowed}`);
  let containers = definition.containers;
  for (const [index, override] of containerOverrides.entries()) {
    const { name, command, environment, ...others } = (override ?? {}) as Record<string, unknown>;
    const container = containers.find((c) => c.name === name);
    if (!container) {
      props.fail(
        `${path}.Input`,
        `containerOverrides[${index}] names no container of task definition ${definition.family}; ${allowed}`,
      );
    }
    if (Object.keys(others).length > 0) {
      warnings.push(
        `${where(props.resource)}: Properties.${path}.Input: containerOverrides[${index}]: only command and environment are applied locally`,
      );
    }
    if (command !== undefined && !(Array.isArray(command) && command.every((c) => typeof c === 'string')))
      props.fail(`${path}.Input`, `containerOverrides[${index}].command is not a list of strings`);
    const variables: Record<string, string> = {};
    if (environment !== undefined) {
      if (!Array.isArray(environment))
        props.fail(`${path}.Input`, `containerOverrides[${index}].environment is not a list`);
      for (const entry of environment as unknown[]) {
        const { name: key, value } = (entry ?? {}) as Record<string, unknown>;
        if (typeof key !== 'string' || typeof value !== 'string')
          props.fail(
            `${path}.Input`,
            `containerOverrides[${index}].environment holds {"name", "value"} strings`,
          );
        variables[key] = value;
      }
    }
    containers = containers.map((c) =>
      c === container
        ? {
            ...c,
            ...(command ? { command: command as string[] } : {}),
            environment: { ...c.environment, ...variables },
          }
        : c,
    );
  }
  return { ...definition, containers };
}

/**
 * What a target without subnets does on AWS, and so locally. RunTask needs a network configuration
 * for an awsvpc task (Fargate's only mode): without it every invocation fails. A task of another
 * mode (bridge when `NetworkMode` is not set) on EC2 (the launch type, or when no launch type is
 * given the cluster's default capacity provider strategy, else EC2) runs on the cluster's
 * container instances, which are not emulated.
 */
export function withoutSubnets(launchType: string | undefined, definition: TaskDefinitionConfig): string {
  const mode = definition.networkMode ?? 'awsvpc';
  if (launchType === 'FARGATE' || mode === 'awsvpc') {
    const why = launchType === 'FARGATE' ? 'Fargate tasks need awsvpc subnets' : 'awsvpc tasks need subnets';
    return (
      `has no EcsParameters.NetworkConfiguration subnets: on AWS every invocation fails (${why}), ` +
      'so locally it starts no task'
    );
  }
  const on = launchType ?? "the cluster's default capacity provider strategy, else EC2";
  return (
    `runs ${mode} network mode tasks on EC2 container instances on AWS (launch type: ${on}), which are not ` +
    'emulated: locally it starts no task (wharf dev --run-task runs its task definition once, with awsvpc networking)'
  );
}

function readTarget(
  props: PropertyReader,
  path: string,
  definitions: ReadonlyMap<string, TaskDefinitionConfig>,
  warnings: string[],
): EcsTaskTargetConfig | undefined {
  const ecs = `${path}.EcsParameters`;
  const reference = props.string(`${ecs}.TaskDefinitionArn`);
  const found = findTaskDefinition(definitions, reference);
  if (!found) {
    props.fail(
      `${ecs}.TaskDefinitionArn`,
      'is not a task definition declared in these templates (locally a rule runs only task definitions it can read)',
    );
  }
  const taskCount = props.number(`${ecs}.TaskCount`, 1);
  if (!Number.isInteger(taskCount) || taskCount < 1)
    props.fail(`${ecs}.TaskCount`, `got ${taskCount}; allowed: a whole number from 1 (default 1)`);
  const id = props.string(`${path}.Id`);
  if (!NAME_PATTERN.test(id)) props.fail(`${path}.Id`, 'allowed: 1 to 64 letters, digits, ".", "-" or "_"');
  const launchType = props.optionalString(`${ecs}.LaunchType`);
  if (
    (launchType !== undefined && launchType !== 'FARGATE') ||
    props.raw(`${ecs}.CapacityProviderStrategy`)
  ) {
    warnings.push(
      `${where(props.resource)}: target ${id}: ${launchType && launchType !== 'FARGATE' ? `the ${launchType} launch type` : 'a capacity provider strategy'} is not emulated: its tasks run as Fargate tasks would`,
    );
  }
  const vpc = `${ecs}.NetworkConfiguration.AwsVpcConfiguration`;
  const subnetIds = props.strings(`${vpc}.Subnets`);
  if (subnetIds.length === 0) {
    warnings.push(`${where(props.resource)}: target ${id} ${withoutSubnets(launchType, found)}`);
    return undefined;
  }
  const cluster = props.string(`${path}.Arn`);
  return {
    id,
    clusterName: cluster.startsWith('arn:') ? lastArnSegment(cluster) : cluster,
    taskDefinition: applyInput(props, path, found, warnings),
    taskCount,
    subnetIds,
    securityGroupIds: props.strings(`${vpc}.SecurityGroups`),
    assignPublicIp: props.optionalString(`${vpc}.AssignPublicIp`) === 'ENABLED',
    group: props.optionalString(`${ecs}.Group`),
  };
}

/**
 * The scheduled rules with ECS task targets, and warnings for every rule (or target) that does
 * not run locally. `definitions` are the templates' task definitions (`resolveTaskDefinitions`).
 */
export function resolveScheduledRules(
  app: ResolvedApp,
  definitions: ReadonlyMap<string, TaskDefinitionConfig>,
): ResolvedScheduledRules {
  const rules: ScheduledRuleConfig[] = [];
  const warnings: string[] = [];
  let inertRuleCount = 0;
  for (const resource of resourcesOfType(app, 'AWS::Events::Rule')) {
    const props: PropertyReader = new PropertyReader(resource);
    const targetPaths = props.list('Targets');
    const ecsPaths = targetPaths.filter((path) => props.raw(`${path}.EcsParameters`) !== undefined);
    const expression = props.optionalString('ScheduleExpression');
    if (expression === undefined) {
      if (ecsPaths.length === 0) inertRuleCount += 1;
      else
        warnings.push(
          `${where(resource)}: rules that match an event pattern are not emulated (no events are emitted locally): ` +
            'its ECS task never starts here; run it once with wharf dev --run-task',
        );
      continue;
    }
    let schedule: ScheduleExpression;
    try {
      schedule = parseScheduleExpression(expression);
    } catch (error) {
      if (!(error instanceof ScheduleSyntaxError)) throw error;
      props.fail('ScheduleExpression', error.message);
    }
    for (const path of targetPaths) {
      if (ecsPaths.includes(path)) continue;
      const id = props.optionalString(`${path}.Id`) ?? '';
      warnings.push(
        `${where(resource)}: target ${NAME_PATTERN.test(id) ? id : path} is not an ECS task: it is not invoked locally`,
      );
    }
    const state = props.optionalString('State') ?? 'ENABLED';
    const targets = ecsPaths
      .map((path) => readTarget(props, path, definitions, warnings))
      .filter((target): target is EcsTaskTargetConfig => target !== undefined);
    if (targets.length === 0) continue;
    const name = props.optionalString('Name') ?? resource.ref;
    if (!NAME_PATTERN.test(name)) props.fail('Name', 'allowed: 1 to 64 letters, digits, ".", "-" or "_"');
    const { region, accountId } = app.environment;
    rules.push({
      name,
      arn:
        typeof resource.attributes.Arn === 'string'
          ? resource.attributes.Arn
          : `arn:aws:events:${region}:${accountId}:rule/${name}`,
      schedule,
      state: state === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      targets,
      origin: originOf(resource),
    });
  }
  return { rules, warnings, inertRuleCount };
}
