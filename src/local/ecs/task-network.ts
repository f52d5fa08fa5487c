/**
 * The task ENI as the ECS scheduler needs it (`awsvpc` network mode): a private IP in one of the
 * service's subnets, and where each container port of that IP is really reachable on this machine.
 *
 * Fidelity (aws-behavior.md §3.5): the ENI is attached in PROVISIONING and detached in
 * DEPROVISIONING. The scheduler lists the service's subnets rotated by one per launch, so an
 * implementation that takes the first subnet with a free address spreads tasks across
 * Availability Zones as Fargate does (§3.1). The local VPC implements this interface.
 */

/** Where an attached ENI lives. */
export interface TaskEni {
  readonly privateIp: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
}

/** The local VPC, seen from the ECS scheduler. */
export interface TaskNetwork {
  /**
   * Gives task `taskId` an address in one of `subnetIds` (preferably the first) with the given
   * security groups. Throwing fails the task's start (`ResourceInitializationError`).
   */
  attach(taskId: string, subnetIds: readonly string[], securityGroupIds: readonly string[]): TaskEni;
  /** Makes `privateIp:containerPort` reach the task's real endpoint on this machine. */
  expose(
    privateIp: string,
    containerPort: number,
    endpoint: { readonly host: string; readonly port: number },
  ): void;
  /** Releases the task's address (and everything exposed on it). */
  detach(taskId: string): void;
}
