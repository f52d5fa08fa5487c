/**
 * The one word the dashboard colours a task by, from its ECS state and its load balancer target
 * health; and which task served a request, from the address the ingress sent it to.
 *
 * Fidelity (aws-behavior.md §3.5, §3.6): ECS's `lastStatus` runs PROVISIONING → PENDING →
 * ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED; `DEACTIVATING` is
 * when the task is deregistered from its target groups and Cloud Map (the ALB drains it), shown
 * as `draining`, as is a target in the `draining` state. A RUNNING task is `healthy` when its
 * container health is HEALTHY or, without container checks, its targets are healthy;
 * `unhealthy` when either says unhealthy.
 */

import type { LocalStatus } from '../status.js';

/** What a task box shows. */
export type TaskDisplayState =
  | 'provisioning'
  | 'pending'
  | 'running'
  | 'healthy'
  | 'unhealthy'
  | 'draining'
  | 'stopping'
  | 'stopped';

/** The task facts {@link taskDisplayState} reads. */
export interface TaskStateInput {
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly healthStatus: string;
}

/**
 * The display state of a task; `targetStates` are its targets' health states (`healthy`,
 * `initial`, `unhealthy`, `draining`, …), empty without a load balancer.
 *
 * @example taskDisplayState({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING', healthStatus: 'HEALTHY' }, []) // 'healthy'
 * @example taskDisplayState({ lastStatus: 'RUNNING', desiredStatus: 'STOPPED', healthStatus: 'HEALTHY' }, ['draining']) // 'draining'
 * @example taskDisplayState({ lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED', healthStatus: 'UNKNOWN' }, []) // 'draining'
 */
export function taskDisplayState(task: TaskStateInput, targetStates: readonly string[]): TaskDisplayState {
  switch (task.lastStatus) {
    case 'STOPPED':
      return 'stopped';
    case 'DEACTIVATING':
      return 'draining';
    case 'STOPPING':
    case 'DEPROVISIONING':
      return 'stopping';
    case 'PROVISIONING':
      return 'provisioning';
    case 'PENDING':
    case 'ACTIVATING':
      return 'pending';
  }
  if (targetStates.includes('draining')) return 'draining';
  if (task.desiredStatus === 'STOPPED') return 'stopping';
  if (task.healthStatus === 'UNHEALTHY' || targetStates.includes('unhealthy')) return 'unhealthy';
  if (task.healthStatus === 'HEALTHY') return 'healthy';
  if (targetStates.length > 0 && targetStates.every((s) => s === 'healthy')) return 'healthy';
  return 'running';
}

/** A task as an ingress addresses it. */
export interface TaskRef {
  readonly taskId: string;
  readonly service: string;
}

/**
 * Maps the addresses requests are sent to onto tasks: a task's real `http://host:port` endpoints
 * (where API Gateway sends) and its private IP (an ALB target is `ip:port`).
 */
export function indexTaskAddresses(status: LocalStatus): Map<string, TaskRef> {
  const index = new Map<string, TaskRef>();
  const groups = [
    ...status.services.map((s) => ({ name: s.serviceName, tasks: s.tasks })),
    ...status.standaloneTasks.map((t) => ({ name: t.group, tasks: [t] })),
  ];
  for (const { name, tasks } of groups) {
    for (const task of tasks) {
      if (task.lastStatus === 'STOPPED') continue;
      const ref = { taskId: task.taskId, service: name };
      for (const endpoint of task.endpoints) index.set(`http://${endpoint.host}:${endpoint.port}`, ref);
      if (task.privateIp) index.set(task.privateIp, ref);
    }
  }
  return index;
}

/** The task behind an upstream address (`http://host:port`, or a target's `ip:port`). */
export function taskAt(
  index: ReadonlyMap<string, TaskRef>,
  upstream: string | undefined,
): TaskRef | undefined {
  if (upstream === undefined) return undefined;
  const direct = index.get(upstream);
  if (direct) return direct;
  const colon = upstream.lastIndexOf(':');
  return colon > 0 ? index.get(upstream.slice(0, colon)) : undefined;
}

/** The health states of each target id (the task's private IP) across all target groups. */
export function targetStatesByIp(status: LocalStatus): Map<string, string[]> {
  const states = new Map<string, string[]>();
  for (const group of status.targetGroups) {
    for (const target of group.targets) {
      const list = states.get(target.id) ?? [];
      list.push(target.state);
      states.set(target.id, list);
    }
  }
  return states;
}
