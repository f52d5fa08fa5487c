/**
 * Does a service's `LoadBalancers` entry name a container, and a port, that its task definition
 * has? The one decision that `wharf check` (trap `port-mismatch`) and `wharf dev` (which refuses
 * to create the service, as ECS does) both make.
 *
 * Fidelity (aws-behavior-2.md §9): ECS `CreateService` checks each load balancer's
 * `containerName` against the task definition's container definitions and its `containerPort`
 * against that container's `PortMappings[].ContainerPort` ("This port must correspond to a
 * containerPort in the task definition"); it refuses the request with `InvalidParameterException`
 * and one of the two messages of {@link createServiceErrorMessage}, and CloudFormation reports the
 * service `CREATE_FAILED` with that message. A container without `PortMappings` maps no port.
 * Pure: no I/O.
 */

/** A container as the decision sees it. `undefined` stands for "could not be known" (traced templates). */
export interface ContainerPortsView {
  readonly name: string | undefined;
  /** `PortMappings[].ContainerPort`; `[]` when it has none. */
  readonly ports: readonly number[] | undefined;
}

/** The verdict on one `LoadBalancers` entry. */
export type LoadBalancerContainerVerdict =
  | { readonly kind: 'ok' }
  /** Something needed could not be known: no verdict (check reports nothing on guesses). */
  | { readonly kind: 'unknown' }
  | { readonly kind: 'no-such-container' }
  | { readonly kind: 'port-not-mapped'; readonly mappedPorts: readonly number[] };

/**
 * Checks one `LoadBalancers` entry against the containers of the task definition.
 *
 * @example loadBalancerContainerVerdict([{ name: 'web', ports: [8080] }], 'web', 8080) // { kind: 'ok' }
 * @example loadBalancerContainerVerdict([{ name: 'web', ports: [8080] }], 'web', 80)
 *   // { kind: 'port-not-mapped', mappedPorts: [8080] }
 * @example loadBalancerContainerVerdict([{ name: 'web', ports: [8080] }], 'api', 8080) // { kind: 'no-such-container' }
 */
export function loadBalancerContainerVerdict(
  containers: readonly ContainerPortsView[],
  containerName: string | undefined,
  containerPort: number | undefined,
): LoadBalancerContainerVerdict {
  if (containerName === undefined || containerPort === undefined) return { kind: 'unknown' };
  const container = containers.find((c) => c.name === containerName);
  if (!container) {
    return containers.some((c) => c.name === undefined) ? { kind: 'unknown' } : { kind: 'no-such-container' };
  }
  if (container.ports === undefined) return { kind: 'unknown' };
  return container.ports.includes(containerPort)
    ? { kind: 'ok' }
    : { kind: 'port-not-mapped', mappedPorts: container.ports };
}

/** ECS allows container names of 1-255 letters, digits, `_` and `-`; only those are quoted back. */
export function isContainerName(name: string): boolean {
  return /^[A-Za-z0-9_-]{1,255}$/.test(name);
}

/**
 * The message ECS `CreateService` returns for a refused entry, as CloudFormation shows it on the
 * `CREATE_FAILED` service (the request id left out). A name that is not a valid container name is
 * not quoted back.
 *
 * @example createServiceErrorMessage({ kind: 'port-not-mapped', mappedPorts: [8080] }, 'web', 80)
 *   // 'The container web did not have a container port 80 defined. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)'
 */
export function createServiceErrorMessage(
  verdict: Extract<LoadBalancerContainerVerdict, { kind: 'no-such-container' | 'port-not-mapped' }>,
  containerName: string,
  containerPort: number,
): string {
  const name = isContainerName(containerName) ? containerName : '(invalid name)';
  const sentence =
    verdict.kind === 'no-such-container'
      ? `The container ${name} does not exist in the task definition.`
      : `The container ${name} did not have a container port ${containerPort} defined.`;
  return `${sentence} (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)`;
}
