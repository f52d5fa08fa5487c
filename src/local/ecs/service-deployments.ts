/**
 * The deployments of one service, newest (PRIMARY) first, and which one last COMPLETED (the
 * circuit breaker's rollback target).
 *
 * Fidelity (aws-behavior.md §3.4): a new deployment makes the previous PRIMARY ACTIVE; an ACTIVE
 * deployment without tasks becomes INACTIVE; a rollback deployment runs the task definition of
 * the last COMPLETED deployment. `deploymentCircuitBreaker` reports the PRIMARY deployment's
 * breaker, or during a rollback the breaker of the deployment that failed. Only the newest five
 * INACTIVE deployments are kept (DescribeServices drops them on AWS).
 */

import { type CircuitBreakerView, Deployment } from './deployment.js';
import { circuitBreakerThreshold } from './deployment-math.js';
import type { EcsServiceConfig, TaskDefinitionConfig } from './types.js';

const INACTIVE_KEPT = 5;

/** A service's deployments. */
export class ServiceDeployments {
  private readonly deployments: Deployment[] = [];
  private completed?: Deployment;

  /** @param minimumThreshold lowest circuit-breaker threshold (default 3) */
  constructor(
    private readonly service: EcsServiceConfig,
    private readonly minimumThreshold?: number,
  ) {}

  /** The PRIMARY deployment (throws before the first {@link create}). */
  get primary(): Deployment {
    const primary = this.deployments[0];
    if (!primary) throw new Error(`service ${this.service.name} has no deployment yet`);
    return primary;
  }

  /** All kept deployments, newest first. */
  list(): readonly Deployment[] {
    return this.deployments;
  }

  /** The last deployment that reached COMPLETED. */
  get lastCompleted(): Deployment | undefined {
    return this.completed;
  }

  find(id: string): Deployment | undefined {
    return this.deployments.find((deployment) => deployment.id === id);
  }

  /** Starts a new PRIMARY deployment; the previous one becomes ACTIVE. */
  create(
    taskDefinition: TaskDefinitionConfig,
    desiredCount: number,
    now: number,
    rollbackTo?: string,
  ): Deployment {
    const deployment = new Deployment(
      {
        taskDefinition,
        desiredCount,
        circuitBreakerEnabled: this.service.circuitBreaker.enable,
        threshold: circuitBreakerThreshold(desiredCount, { minimum: this.minimumThreshold }),
        rollbackTo,
      },
      now,
    );
    this.deployments[0]?.setStatus('ACTIVE', now);
    this.deployments.unshift(deployment);
    return deployment;
  }

  /** Marks the PRIMARY COMPLETED (when still IN_PROGRESS) and remembers it as the rollback target. */
  completePrimary(now: number): boolean {
    const primary = this.primary;
    this.completed = primary;
    if (primary.rolloutState !== 'IN_PROGRESS') return false;
    primary.complete(now);
    return true;
  }

  /** ACTIVE deployments without tasks become INACTIVE; old INACTIVE ones are dropped. */
  retireDrained(hasTasks: (deploymentId: string) => boolean, now: number): void {
    for (const deployment of this.deployments.slice(1)) {
      if (deployment.status === 'ACTIVE' && !hasTasks(deployment.id)) deployment.setStatus('INACTIVE', now);
    }
    const inactive = this.deployments.filter((deployment) => deployment.status === 'INACTIVE');
    for (const old of inactive.slice(INACTIVE_KEPT))
      this.deployments.splice(this.deployments.indexOf(old), 1);
  }

  /** `deploymentCircuitBreaker` of DescribeServices. */
  circuitBreaker(): CircuitBreakerView {
    const primary = this.deployments[0];
    if (!primary) return { status: 'DISABLED', failureCount: 0, threshold: 0 };
    const source = primary.rollbackTo !== undefined ? (this.deployments[1] ?? primary) : primary;
    return source.circuitBreaker();
  }
}
