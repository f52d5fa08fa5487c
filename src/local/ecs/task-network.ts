/**
 * The task ENI as the ECS scheduler needs it (`awsvpc` network mode): a private IP in one of the
 * service's subnets, and where each container port of that IP is really reachable on this machine.
 *
 * Fidelity (aws-behavior.md §3.5): the ENI is attached in PROVISIONING and detached in
 * DEPROVISIONING. The scheduler lists the service's subnets rotated by one per launch, so an
 * implementation that takes the first subnet with a free address spreads tasks across
 * Availability Zones as Fargate does (§3.1). In a subnet with an IPv6 CIDR block the ENI also gets
 * an IPv6 address (Fargate task networking: "If your VPC is configured for dual-stack mode and you
 * use a subnet with an IPv6 CIDR block, your task's ENI also receives an IPv6 address";
 * docs/reference/aws-behavior-2.md §7.4). The local VPC implements this interface.
 */

/** Where an attached ENI lives. */
export interface TaskEni {
  readonly privateIp: string;
  /** In a subnet with an IPv6 block, the ENI's IPv6 address too. */
  readonly ipv6Address?: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
}

/** The local VPC, seen from the ECS scheduler. */
export interface TaskNetwork {
  /**
   * Gives task `taskId` an address in one of `subnetIds` (preferably the first) with the given
   * security groups; `null` for a task with no security group of its own (bridge or host network
   * mode: on AWS its container instance's groups decide, which are not modelled), whose
   * connections are not checked. Throwing fails the task's start (`ResourceInitializationError`).
   */
  attach(taskId: string, subnetIds: readonly string[], securityGroupIds: readonly string[] | null): TaskEni;
  /** Makes `privateIp:containerPort` reach the task's real endpoint on this machine. */
  expose(
    privateIp: string,
    containerPort: number,
    endpoint: { readonly host: string; readonly port: number },
  ): void;
  /** Releases the task's address (and everything exposed on it). */
  detach(taskId: string): void;
}
