/**
 * Rolling-deployment arithmetic of the ECS service scheduler: how many tasks must stay healthy,
 * how many may exist at once, and the deployment circuit breaker's failure threshold.
 *
 * Fidelity (aws-behavior.md §3.1, §3.4): `minimumHealthyPercent` rounds up
 * (`ceil(desired × min / 100)`), `maximumPercent` rounds down (`floor(desired × max / 100)`), and a
 * configuration that can neither stop a task before starting one nor start one before stopping
 * one is reported with the documented event text. The circuit-breaker threshold is
 * `ceil(0.5 × desired)` clamped to [3, 200] as in the current API reference. Not reproduced: the
 * newer `ThresholdConfiguration` (COUNT / BOUNDED_PERCENT / UNBOUNDED_PERCENT) of the API.
 */

/**
 * The lower limit of RUNNING healthy tasks during a deployment: `ceil(desired × minPct / 100)`.
 *
 * @example minimumHealthyTasks(2, 75) // 2: with two tasks a 75% floor cannot stop any of them
 */
export function minimumHealthyTasks(desiredCount: number, minimumHealthyPercent: number): number {
  return Math.ceil((desiredCount * minimumHealthyPercent) / 100);
}

/**
 * The upper limit of tasks in RUNNING, PENDING or STOPPING during a deployment:
 * `floor(desired × maxPct / 100)`.
 *
 * @example maximumTasks(3, 125) // 3: a 125% ceiling cannot start a fourth task
 */
export function maximumTasks(desiredCount: number, maximumPercent: number): number {
  return Math.floor((desiredCount * maximumPercent) / 100);
}

/** What a deployment configuration allows for a given desired count. */
export interface DeploymentLimits {
  readonly minimumHealthyTasks: number;
  readonly maximumTasks: number;
  /** Old tasks may be stopped before replacements are healthy (`minimumHealthyTasks < desired`). */
  readonly canStopFirst: boolean;
  /** Replacements may be started before old tasks stop (`maximumTasks > desired`). */
  readonly canStartFirst: boolean;
  /** Neither is possible: a deployment (or an unhealthy-task replacement) can make no progress. */
  readonly invalid: boolean;
}

/**
 * Computes the {@link DeploymentLimits} of `desiredCount` tasks. A desired count of 0 is never
 * invalid (there is nothing to replace).
 */
export function deploymentLimits(
  desiredCount: number,
  minimumHealthyPercent: number,
  maximumPercent: number,
): DeploymentLimits {
  const minimum = minimumHealthyTasks(desiredCount, minimumHealthyPercent);
  const maximum = maximumTasks(desiredCount, maximumPercent);
  const canStopFirst = minimum < desiredCount;
  const canStartFirst = maximum > desiredCount;
  return {
    minimumHealthyTasks: minimum,
    maximumTasks: maximum,
    canStopFirst,
    canStartFirst,
    invalid: desiredCount > 0 && !canStopFirst && !canStartFirst,
  };
}

/**
 * The service event ECS writes when the deployment configuration allows no progress
 * (aws-behavior.md §3.1, `deployment-type-ecs.md`).
 */
export function invalidDeploymentConfigurationMessage(serviceName: string): string {
  return (
    `(service ${serviceName}) was unable to stop or start tasks during a deployment because of the ` +
    'service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.'
  );
}

/** Options of {@link circuitBreakerThreshold}. */
export interface CircuitBreakerThresholdOptions {
  /**
   * The lowest threshold. The current API reference says 3; the 2023 developer guide said 10
   * (examples: desired 1 → 10, 25 → 13, 400 → 200).
   * @default 3
   */
  readonly minimum?: number;
  /** @default 200 */
  readonly maximum?: number;
}

/**
 * The number of failed tasks that trips the deployment circuit breaker:
 * `ceil(0.5 × desiredCount)` clamped to [minimum, maximum].
 *
 * @example circuitBreakerThreshold(1) // 3
 * @example circuitBreakerThreshold(25) // 13
 * @example circuitBreakerThreshold(400) // 200
 * @example circuitBreakerThreshold(1, { minimum: 10 }) // 10 (the historical minimum)
 */
export function circuitBreakerThreshold(
  desiredCount: number,
  options: CircuitBreakerThresholdOptions = {},
): number {
  const minimum = options.minimum ?? 3;
  const maximum = options.maximum ?? 200;
  return Math.min(maximum, Math.max(minimum, Math.ceil(0.5 * desiredCount)));
}
