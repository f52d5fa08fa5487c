/**
 * Wires Cloud Map DNS and task-to-task security groups into the local cloud on Docker: the run's
 * Docker networks (`runtime/docker-networks.ts`), the DNS server on the VPC network's gateway
 * (`cloudmap/dns-server.ts`), and the missing-rule report when a task resolves a service its
 * security groups may not reach.
 *
 * Fidelity: see those two files. Only with the Docker runtime and at least one private DNS
 * namespace (without one there is no Cloud Map name to call a task by). On the process runtime
 * tasks are host processes: they cannot reach another task's container port by a private address,
 * and the host's resolver does not know the namespaces (the README says what they can do).
 *
 * Why the gateway address is safe to listen on: it exists only on the run's bridge interface, so
 * the host and that network's containers reach it; it is not an address of a public interface
 * (the server never binds 0.0.0.0). The server answers the namespaces' names and relays others
 * to the host's resolver, as Docker's own embedded resolver already does for these containers.
 */

import type { IoHost } from '../io/io-host.js';
import type { DnsDecision } from './cloudmap/dns-answers.js';
import { type CloudMapDns, startCloudMapDns } from './cloudmap/dns-server.js';
import type { CloudMapRegistry } from './cloudmap/registry.js';
import type { LocalModel } from './model.js';
import { undeclaredGroups } from './network/reachability.js';
import type { LocalVpc } from './network/vpc.js';
import { DockerRuntime } from './runtime/docker.js';
import { DockerVpcNetworks } from './runtime/docker-networks.js';
import type { TaskRuntime } from './runtime/types.js';

/** What {@link startTaskDns} needs from the local cloud. */
export interface TaskDnsDeps {
  readonly runId: string;
  readonly vpc: LocalVpc;
  readonly registry: CloudMapRegistry;
  readonly io: IoHost;
  /** Reports a connection the security groups refuse (printed once per message). */
  readonly onBlocked: (message: string) => void;
  /** The DNS port: 53 is what Docker's `Dns` setting implies. @default 53 */
  readonly port?: number;
}

/**
 * Creates the networks (the Docker runtime removes them when it closes) and starts the DNS server.
 * Resolves the server, or `undefined` when there is nothing to serve (process runtime, no private
 * DNS namespace), when Docker refuses the networks (a warning says so; tasks then run on Docker's
 * default network as before), or when the port cannot be taken (a warning says so; tasks keep
 * Docker's resolver and cannot resolve Cloud Map names, but the security-group networks apply).
 */
export async function startTaskDns(
  model: LocalModel,
  runtime: TaskRuntime,
  deps: TaskDnsDeps,
): Promise<CloudMapDns | undefined> {
  if (!(runtime instanceof DockerRuntime)) return undefined;
  const namespaces = model.namespaces.filter((namespace) => namespace.type === 'DNS_PRIVATE');
  if (namespaces.length === 0) return undefined;
  const used = [
    ...model.services.flatMap((service) => service.securityGroupIds),
    ...model.scheduledRules.flatMap((rule) => rule.targets.flatMap((target) => target.securityGroupIds)),
  ];
  let networks: DockerVpcNetworks;
  try {
    networks = await DockerVpcNetworks.create(runtime.docker, {
      runId: deps.runId,
      vpc: deps.vpc,
      undeclaredGroupIds: undeclaredGroups(deps.vpc.securityGroups(), used),
      io: deps.io,
    });
  } catch (error) {
    deps.io.notify({
      level: 'warn',
      code: 'WHARF_DEV_DNS_UNAVAILABLE',
      message: `${(error as Error).message}. Tasks run on Docker's default network: Cloud Map names (${namespaces.map((n) => n.name).join(', ')}) do not resolve in them and security groups between tasks are not applied.`,
    });
    return undefined;
  }
  runtime.useNetworking(networks);
  let dns: CloudMapDns;
  try {
    dns = await startCloudMapDns(deps.registry, {
      host: networks.gateway,
      port: deps.port ?? 53,
      ipv4For: (instance, client) => networks.ipv4For(instance, client.address),
      onAnswer: (client, decision) => reportBlocked(deps, networks, client.address, decision),
    });
  } catch (error) {
    deps.io.notify({
      level: 'warn',
      code: 'WHARF_DEV_DNS_UNAVAILABLE',
      message: `${(error as Error).message} Tasks keep Docker's resolver: Cloud Map names (${namespaces.map((n) => n.name).join(', ')}) do not resolve in them.`,
    });
    return undefined;
  }
  networks.useResolver(dns.host);
  deps.io.notify({
    level: 'info',
    code: 'WHARF_DEV_DNS',
    message: `Cloud Map DNS for tasks on ${dns.host}:${dns.port} (${namespaces.map((n) => n.name).join(', ')}; other names go to ${dns.upstream ? `${dns.upstream.host}:${dns.upstream.port}` : 'nowhere: REFUSED'})`,
    data: {
      host: dns.host,
      port: dns.port,
      namespaces: namespaces.map((n) => n.name),
      upstream: dns.upstream,
    },
  });
  return dns;
}

/**
 * When a task resolves a service whose tasks' security groups admit none of its own on the port it
 * will use (the SRV port, or each container port for A records), reports the missing rule as the
 * ingresses do: the connection itself will time out (`docker-networks.ts`).
 */
function reportBlocked(
  deps: TaskDnsDeps,
  networks: DockerVpcNetworks,
  clientAddress: string,
  decision: Extract<DnsDecision, { kind: 'answer' }>,
): void {
  const caller = networks.callerAt(clientAddress);
  const callerEni = caller && deps.vpc.eniOf(caller.taskId);
  if (!caller || !callerEni || callerEni.securityGroupIds === null) return;
  const source = {
    securityGroupIds: callerEni.securityGroupIds,
    sourceIp: callerEni.placement.privateIp,
    label: `task ${caller.taskId.slice(0, 8)} of service ${caller.serviceName}`,
  };
  for (const instance of decision.instances) {
    const callee = deps.vpc.eniOf(instance.instanceId);
    if (!callee) continue;
    const port = Number(instance.attributes.AWS_INSTANCE_PORT);
    const ports = Number.isInteger(port) && port > 0 ? [port] : callee.ports;
    const results = ports.map((p) => deps.vpc.route(source, callee.placement.privateIp, p));
    if (results.length === 0 || results.some((result) => result.ok)) continue;
    const blocked = results.find((result) => !result.ok && result.reason === 'blocked');
    if (blocked && !blocked.ok) deps.onBlocked(blocked.message);
  }
}
