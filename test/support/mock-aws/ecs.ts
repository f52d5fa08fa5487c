/**
 * Mocked ECS (awsJson1_1): the `AWS::ECS::Service` resources that stacks created, reported as
 * the test's {@link MockEcsService} record for the service's logical id says (or as a healthy
 * service with its `DesiredCount` running when there is none). Task definitions are read from
 * the stack's `AWS::ECS::TaskDefinition` resource.
 */

import { createHash } from 'node:crypto';
import type { PlainValue } from '../../../src/template/resolved.js';
import type { CloudFormationEngine, StackState } from './cloudformation.js';
import { checkDescribeServices, checkDescribeTasks } from './ecs-limits.js';
import { type Action, AwsError, epochSeconds } from './protocol.js';
import type { MockEcsService, MockStoppedTask } from './types.js';
import type { MockWorld } from './world.js';

/** One container of a task definition, with its awslogs settings. */
export interface MockContainer {
  readonly name: string;
  readonly image: string;
  readonly logGroup?: string;
  readonly streamPrefix?: string;
}

/** A service as ECS reports it. */
export interface ServiceModel {
  readonly arn: string;
  readonly name: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly logicalId: string;
  readonly stack: StackState;
  readonly record: MockEcsService;
  readonly taskDefinitionArn: string;
  readonly family: string;
  readonly containers: MockContainer[];
  readonly created: Date;
}

/** A task of a service, running or stopped. */
export interface TaskModel {
  readonly arn: string;
  readonly id: string;
  readonly service: ServiceModel;
  readonly stopped?: MockStoppedTask;
}

function asMap(value: PlainValue | undefined): Record<string, PlainValue> {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function taskDefinitionOf(engine: CloudFormationEngine, stack: StackState, arn: string) {
  for (const resource of stack.resources.values()) {
    if (resource.type !== 'AWS::ECS::TaskDefinition' || resource.physicalId !== arn) continue;
    const scope = engine.scope(stack);
    const definitions = scope.property(resource.logicalId, 'ContainerDefinitions');
    const containers = (Array.isArray(definitions) ? definitions : []).map((item): MockContainer => {
      const definition = asMap(item);
      const options = asMap(asMap(definition.LogConfiguration).Options);
      return {
        name: String(definition.Name ?? 'app'),
        image: String(definition.Image ?? ''),
        logGroup: options['awslogs-group'] === undefined ? undefined : String(options['awslogs-group']),
        streamPrefix:
          options['awslogs-stream-prefix'] === undefined
            ? undefined
            : String(options['awslogs-stream-prefix']),
      };
    });
    return {
      containers,
      cpu: scope.property(resource.logicalId, 'Cpu'),
      memory: scope.property(resource.logicalId, 'Memory'),
    };
  }
  return undefined;
}

/** Every ECS service that a live stack has created. */
export function ecsServices(world: MockWorld, engine: CloudFormationEngine): ServiceModel[] {
  const out: ServiceModel[] = [];
  for (const stack of engine.liveStacks()) {
    for (const resource of stack.resources.values()) {
      if (resource.type !== 'AWS::ECS::Service' || resource.physicalId === '') continue;
      if (resource.status.startsWith('DELETE_COMPLETE')) continue;
      const match = /:service\/([^/]+)\/([^/]+)$/.exec(resource.physicalId);
      if (!match) continue;
      const [, clusterName, name] = match;
      const scope = engine.scope(stack);
      const taskDefinitionArn = String(scope.property(resource.logicalId, 'TaskDefinition') ?? '');
      const definition = taskDefinitionOf(engine, stack, taskDefinitionArn);
      const desired = Number(scope.property(resource.logicalId, 'DesiredCount') ?? 1);
      const breaker = asMap(
        asMap(scope.property(resource.logicalId, 'DeploymentConfiguration')).DeploymentCircuitBreaker,
      );
      let record = world.ecs[resource.logicalId] ?? world.defaultEcs.get(resource.physicalId);
      if (!record) {
        record = {
          desired,
          running: desired,
          rolloutState: 'COMPLETED',
          circuitBreaker: { enable: breaker.Enable === true, rollback: breaker.Rollback === true },
        };
        world.defaultEcs.set(resource.physicalId, record);
      }
      const containers = definition?.containers ?? [];
      out.push({
        arn: resource.physicalId,
        name,
        clusterName,
        clusterArn: world.arn('ecs', `cluster/${clusterName}`),
        logicalId: resource.logicalId,
        stack,
        record,
        taskDefinitionArn,
        family: /task-definition\/([^:]+)/.exec(taskDefinitionArn)?.[1] ?? name,
        containers,
        created: resource.lastUpdated,
      });
    }
  }
  return out;
}

function taskId(service: ServiceModel, purpose: string): string {
  return createHash('sha256').update(`${service.arn}/${purpose}`).digest('hex').slice(0, 32);
}

/** The running and stopped tasks of a service. */
export function tasksOf(world: MockWorld, service: ServiceModel): TaskModel[] {
  const taskArn = (id: string) => world.arn('ecs', `task/${service.clusterName}/${id}`);
  const running = Array.from({ length: service.record.running }, (_, i) => {
    const id = taskId(service, `running/${i}`);
    return { arn: taskArn(id), id, service };
  });
  const stopped = (service.record.stoppedTasks ?? []).map((task, i) => {
    const id = task.taskId ?? taskId(service, `stopped/${i}`);
    return { arn: taskArn(id), id, service, stopped: task };
  });
  return [...running, ...stopped];
}

/** The container whose logs a service's record points at. */
export function logSettings(service: ServiceModel): { group?: string; prefix?: string; container?: string } {
  const container =
    service.containers.find((c) => c.name === service.record.containerName) ?? service.containers[0];
  return {
    group: service.record.logGroup ?? container?.logGroup,
    prefix: service.record.streamPrefix ?? container?.streamPrefix,
    container: service.record.containerName ?? container?.name,
  };
}

function findService(services: ServiceModel[], cluster: string | undefined, nameOrArn: string) {
  return services.find(
    (s) =>
      s.arn === nameOrArn ||
      (s.name === nameOrArn && (!cluster || cluster === s.clusterName || cluster === s.clusterArn)),
  );
}

function describeService(service: ServiceModel) {
  const r = service.record;
  const rollout = r.rolloutState ?? 'COMPLETED';
  const events = [
    ...(r.stoppedTasks ?? []).map((task, i) => ({
      id: `${i}`,
      createdAt: epochSeconds(service.created),
      message: `(service ${service.name}) has stopped 1 running tasks: (task ${task.taskId ?? i}).`,
    })),
    ...(rollout === 'COMPLETED' && r.running >= r.desired
      ? [
          {
            id: 'steady',
            createdAt: epochSeconds(service.created),
            message: `(service ${service.name}) has reached a steady state.`,
          },
        ]
      : []),
  ];
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    status: 'ACTIVE',
    desiredCount: r.desired,
    runningCount: r.running,
    pendingCount: r.pending ?? 0,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    taskDefinition: service.taskDefinitionArn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: {
        enable: r.circuitBreaker?.enable ?? false,
        rollback: r.circuitBreaker?.rollback ?? false,
      },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments: [
      {
        id: `ecs-svc/${taskId(service, 'deployment').replace(/\D/g, '').slice(0, 19)}`,
        status: 'PRIMARY',
        taskDefinition: service.taskDefinitionArn,
        desiredCount: r.desired,
        pendingCount: r.pending ?? 0,
        runningCount: r.running,
        failedTasks: r.failedTasks ?? r.stoppedTasks?.length ?? 0,
        createdAt: epochSeconds(service.created),
        updatedAt: epochSeconds(new Date()),
        launchType: 'FARGATE',
        rolloutState: rollout,
        rolloutStateReason: r.rolloutStateReason,
      },
    ],
    events,
    createdAt: epochSeconds(service.created),
  };
}

function describeTask(task: TaskModel) {
  const { service, stopped } = task;
  const containers = stopped
    ? stopped.containers.map((c) => ({
        name: c.name,
        image: service.containers.find((d) => d.name === c.name)?.image,
        lastStatus: 'STOPPED',
        exitCode: c.exitCode,
        reason: c.reason,
        taskArn: task.arn,
      }))
    : service.containers.map((c) => ({
        name: c.name,
        image: c.image,
        lastStatus: 'RUNNING',
        taskArn: task.arn,
      }));
  const failedToStart = stopped?.containers.every((c) => c.exitCode === undefined) ?? false;
  return {
    taskArn: task.arn,
    clusterArn: service.clusterArn,
    taskDefinitionArn: service.taskDefinitionArn,
    group: `service:${service.name}`,
    launchType: 'FARGATE',
    lastStatus: stopped ? 'STOPPED' : 'RUNNING',
    desiredStatus: stopped ? 'STOPPED' : 'RUNNING',
    stoppedReason: stopped?.stoppedReason,
    stopCode: stopped ? (failedToStart ? 'TaskFailedToStart' : 'EssentialContainerExited') : undefined,
    createdAt: epochSeconds(service.created),
    startedAt: epochSeconds(service.created),
    stoppedAt: stopped ? epochSeconds(new Date()) : undefined,
    containers,
  };
}

/** The ECS actions. */
export function ecsActions(world: MockWorld, engine: CloudFormationEngine): Record<string, Action> {
  return {
    DescribeServices(input) {
      checkDescribeServices(input);
      const services = ecsServices(world, engine);
      const cluster = input.cluster === undefined ? undefined : String(input.cluster);
      const found = [];
      const failures = [];
      for (const name of (input.services as string[] | undefined) ?? []) {
        const service = findService(services, cluster, name);
        if (service) found.push(describeService(service));
        else failures.push({ arn: name, reason: 'MISSING' });
      }
      return { services: found, failures };
    },
    ListServices(input) {
      const cluster = input.cluster === undefined ? undefined : String(input.cluster);
      return {
        serviceArns: ecsServices(world, engine)
          .filter((s) => !cluster || cluster === s.clusterName || cluster === s.clusterArn)
          .map((s) => s.arn),
      };
    },
    ListTasks(input) {
      const cluster = input.cluster === undefined ? undefined : String(input.cluster);
      const services = ecsServices(world, engine).filter(
        (s) =>
          (!cluster || cluster === s.clusterName || cluster === s.clusterArn) &&
          (input.serviceName === undefined || input.serviceName === s.name || input.serviceName === s.arn),
      );
      const wantStopped = input.desiredStatus === 'STOPPED';
      const tasks = services
        .flatMap((s) => tasksOf(world, s))
        .filter((t) => (t.stopped !== undefined) === wantStopped);
      return { taskArns: tasks.map((t) => t.arn) };
    },
    DescribeTasks(input) {
      checkDescribeTasks(input);
      const all = ecsServices(world, engine).flatMap((s) => tasksOf(world, s));
      const tasks = [];
      const failures = [];
      for (const ref of (input.tasks as string[] | undefined) ?? []) {
        const task = all.find((t) => t.arn === ref || t.id === ref);
        if (task) tasks.push(describeTask(task));
        else failures.push({ arn: ref, reason: 'MISSING' });
      }
      return { tasks, failures };
    },
    DescribeTaskDefinition(input) {
      const ref = String(input.taskDefinition ?? '');
      const service = ecsServices(world, engine).find(
        (s) => s.taskDefinitionArn === ref || s.family === ref || `${s.family}:1` === ref,
      );
      if (!service) throw new AwsError(400, 'ClientException', 'Unable to describe task definition.');
      const definition = taskDefinitionOf(engine, service.stack, service.taskDefinitionArn);
      return {
        taskDefinition: {
          taskDefinitionArn: service.taskDefinitionArn,
          family: service.family,
          revision: 1,
          status: 'ACTIVE',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: definition?.cpu === undefined ? undefined : String(definition.cpu),
          memory: definition?.memory === undefined ? undefined : String(definition.memory),
          containerDefinitions: service.containers.map((c) => ({
            name: c.name,
            image: c.image,
            essential: true,
            logConfiguration: c.logGroup
              ? {
                  logDriver: 'awslogs',
                  options: {
                    'awslogs-group': c.logGroup,
                    'awslogs-region': world.region,
                    ...(c.streamPrefix ? { 'awslogs-stream-prefix': c.streamPrefix } : {}),
                  },
                }
              : undefined,
          })),
        },
      };
    },
  };
}
