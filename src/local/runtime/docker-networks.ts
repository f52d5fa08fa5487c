/**
 * The emulated VPC on Docker: user-defined bridge networks that carry task-to-task traffic, and
 * the container addresses the Cloud Map resolver gives to each asker.
 *
 * Fidelity: on AWS every task of a VPC has a routable private IP, the VPC resolver answers Cloud
 * Map names with it, and the callee's security groups decide which connections get in. Here:
 * - one **VPC network** per run (`wharf-<run>-vpc`), with inter-container traffic disabled
 *   (`com.docker.network.bridge.enable_icc=false`): every task's first container is attached, its
 *   gateway (the host's address on that bridge) is where the Cloud Map DNS server listens, and the
 *   containers use it as their resolver (Docker's `Dns` setting: Docker's embedded resolver
 *   forwards every name it does not own there, from the container, so the server sees the asking
 *   task's address). Tasks cannot reach each other over it.
 * - one **security-group network** per security group (`wharf-<run>-<sg-id>`), created when a task
 *   first needs it: a task joins the networks of its own groups and of every group that admits it
 *   (`network/reachability.ts`). DNS gives an asker the callee's address on a network they share;
 *   when they share none, the callee's address on the VPC network, where Docker drops the packets:
 *   the connection times out, as a SYN that no security group admits does on AWS.
 * - Subnets are /24s picked at random in 198.18.0.0/15 (the benchmarking range, RFC 2544), so the
 *   run does not use up Docker's default address pools that other projects share; a pick that
 *   overlaps an existing network is retried.
 * - Each task's addresses on these networks are reserved here and given to Docker (`IPAMConfig`)
 *   before it starts, so the resolver knows which task asks from its very first query.
 * - Ports are still published on 127.0.0.1 for the ingress emulators, unchanged.
 * Not reproduced: the rule's port (an admitted caller reaches every port of the callee), task IPs
 * equal to the emulated private IPs (the containers have Docker's addresses; Cloud Map and the
 * ingresses keep the emulated ones), egress rules.
 */

import type Docker from 'dockerode';
import { type IoHost, SILENT_IO } from '../../io/io-host.js';
import type { InstanceRecord } from '../cloudmap/types.js';
import { joinedGroups } from '../network/reachability.js';
import type { SecurityGroupConfig } from '../network/types.js';
import { sanitizeName } from './docker-container-config.js';
import { errorText, statusCode } from './docker-image.js';
import type { TaskSpec } from './types.js';

/** Labels of the networks Wharf creates. */
export const NETWORK_LABEL = {
  run: 'wharf.run',
  pid: 'wharf.pid',
  /** `vpc`, or the security group id. */
  network: 'wharf.network',
} as const;

/** One network a task joins, with the address reserved for it there. */
export interface NetworkEndpoint {
  readonly name: string;
  /** Given to Docker (`IPAMConfig`), so the resolver knows the asker from its first query. */
  readonly ipv4Address: string;
}

/** How a task's first container is networked. */
export interface TaskNetworkAttachment {
  /** The networks to join; the first is given at create, the others are connected before start. */
  readonly networks: readonly NetworkEndpoint[];
  /** Resolver addresses for Docker's `Dns` setting; empty: Docker's default. */
  readonly dns: readonly string[];
}

/** What the Docker runtime asks of the emulated VPC. */
export interface DockerTaskNetworking {
  attachmentFor(spec: TaskSpec): Promise<TaskNetworkAttachment>;
  /** The task's first container started; `inspect` holds its addresses. */
  started(spec: TaskSpec, inspect: Docker.ContainerInspectInfo): void;
  stopped(taskId: string): void;
  /** Removes every network created here (after the containers are gone). */
  close(): Promise<void>;
}

/** The VPC as the networks need it (the local VPC implements it). */
export interface VpcView {
  securityGroups(): SecurityGroupConfig[];
  eniOf(
    ownerId: string,
  ):
    | { placement: { privateIp: string }; securityGroupIds: readonly string[] | null; ports: number[] }
    | undefined;
}

/** The addresses of one network's /24 (`.2`–`.254`; `.1` is the gateway). */
interface AddressPool {
  readonly prefix: string;
  next: number;
  readonly inUse: Set<number>;
}

interface TaskAddresses {
  readonly serviceName: string;
  /** Security groups of the task itself. */
  readonly ownGroups: readonly string[];
  /** Groups whose networks it joined (own and admitting). */
  readonly joined: readonly string[];
  /** Network name → container IPv4. */
  readonly addresses: Map<string, string>;
}

/** Options of {@link DockerVpcNetworks.create}. */
export interface DockerVpcNetworksOptions {
  readonly runId: string;
  readonly vpc: VpcView;
  /**
   * Security group ids tasks carry that the templates do not declare (existing groups): their
   * rules are unknown, so every task joins them, as `vpc.ts` lets every connection in.
   */
  readonly undeclaredGroupIds?: readonly string[];
  readonly io?: IoHost;
  /** `[0, 1)` source for subnet picks. @default Math.random */
  readonly random?: () => number;
}

/** See the file's Fidelity note. */
export class DockerVpcNetworks implements DockerTaskNetworking {
  /** The VPC network's name. */
  readonly vpcNetwork: string;
  private readonly groupNetworks = new Map<string, Promise<string>>();
  private readonly pools = new Map<string, AddressPool>();
  private readonly created: string[] = [];
  private readonly tasks = new Map<string, TaskAddresses>();
  private readonly byVpcAddress = new Map<string, string>();
  private resolvers: readonly string[] = [];

  private constructor(
    private readonly docker: Docker,
    private readonly options: DockerVpcNetworksOptions,
    /** The host's address on the VPC network (its gateway). */
    readonly gateway: string,
  ) {
    this.vpcNetwork = vpcNetworkName(options.runId);
    this.created.push(this.vpcNetwork);
    this.pools.set(this.vpcNetwork, pool(gateway));
  }

  /** Creates the run's VPC network (no inter-container traffic) and reads its gateway. */
  static async create(docker: Docker, options: DockerVpcNetworksOptions): Promise<DockerVpcNetworks> {
    const name = vpcNetworkName(options.runId);
    const gateway = await createNetwork(docker, name, 'vpc', options, false);
    return new DockerVpcNetworks(docker, options, gateway);
  }

  /** Makes tasks started from now on use `address` (port 53) as their resolver. */
  useResolver(address: string): void {
    this.resolvers = [address];
  }

  async attachmentFor(spec: TaskSpec): Promise<TaskNetworkAttachment> {
    const eni = this.options.vpc.eniOf(spec.taskId);
    const groups = eni
      ? [
          ...joinedGroups(this.options.vpc.securityGroups(), {
            securityGroupIds: eni.securityGroupIds,
            privateIp: eni.placement.privateIp,
          }),
          ...(this.options.undeclaredGroupIds ?? []),
        ]
      : [];
    const unique = [...new Set(groups)];
    const names = [this.vpcNetwork, ...(await Promise.all(unique.map((group) => this.groupNetwork(group))))];
    const addresses = new Map<string, string>();
    const networks = names.map((name) => {
      const ipv4Address = this.allocate(name);
      addresses.set(name, ipv4Address);
      return { name, ipv4Address };
    });
    this.tasks.set(spec.taskId, {
      serviceName: spec.serviceName,
      ownGroups: eni?.securityGroupIds ?? [],
      joined: unique,
      addresses,
    });
    this.byVpcAddress.set(addresses.get(this.vpcNetwork) as string, spec.taskId);
    return { networks, dns: this.resolvers };
  }

  started(spec: TaskSpec, inspect: Docker.ContainerInspectInfo): void {
    const task = this.tasks.get(spec.taskId);
    if (!task) return;
    for (const [name, endpoint] of Object.entries(inspect.NetworkSettings?.Networks ?? {})) {
      if (endpoint?.IPAddress) task.addresses.set(name, endpoint.IPAddress);
    }
    const vpcAddress = task.addresses.get(this.vpcNetwork);
    if (vpcAddress) this.byVpcAddress.set(vpcAddress, spec.taskId);
  }

  stopped(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    this.tasks.delete(taskId);
    for (const [name, address] of task.addresses) {
      this.pools.get(name)?.inUse.delete(Number(address.slice(address.lastIndexOf('.') + 1)));
    }
    const vpcAddress = task.addresses.get(this.vpcNetwork);
    if (vpcAddress && this.byVpcAddress.get(vpcAddress) === taskId) this.byVpcAddress.delete(vpcAddress);
  }

  /** The task (id and service) whose VPC-network address is `address`, if any. */
  callerAt(address: string): { taskId: string; serviceName: string } | undefined {
    const taskId = this.byVpcAddress.get(address.replace(/^::ffff:/, ''));
    const task = taskId === undefined ? undefined : this.tasks.get(taskId);
    return task && taskId ? { taskId, serviceName: task.serviceName } : undefined;
  }

  /**
   * The address of `instance` (a task: ECS uses the task id as instance id) that the asker at
   * `clientAddress` can reach: on a security-group network of the callee that the asker joined;
   * else the callee's VPC-network address (not reachable from other tasks). An instance that is
   * no Docker task of this run keeps its `AWS_INSTANCE_IPV4`.
   */
  ipv4For(instance: InstanceRecord, clientAddress: string): string | undefined {
    const callee = this.tasks.get(instance.instanceId);
    const vpcAddress = callee?.addresses.get(this.vpcNetwork);
    if (!callee || !vpcAddress) return instance.attributes.AWS_INSTANCE_IPV4;
    const caller = this.callerAt(clientAddress);
    const callerTask = caller && this.tasks.get(caller.taskId);
    if (callerTask) {
      for (const group of callee.ownGroups) {
        if (!callerTask.joined.includes(group)) continue;
        const address = callee.addresses.get(groupNetworkName(this.options.runId, group));
        if (address) return address;
      }
    }
    return vpcAddress;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.groupNetworks.values()]);
    for (const name of this.created.reverse()) {
      try {
        await this.docker.getNetwork(name).remove();
      } catch (error) {
        if (statusCode(error) === 404) continue;
        (this.options.io ?? SILENT_IO).notify({
          level: 'warn',
          code: 'WHARF_DEV_CLEANUP',
          message: `cannot remove Docker network ${name}: ${errorText(error)}`,
        });
      }
    }
    this.created.length = 0;
  }

  private groupNetwork(group: string): Promise<string> {
    let pending = this.groupNetworks.get(group);
    if (!pending) {
      const name = groupNetworkName(this.options.runId, group);
      pending = createNetwork(this.docker, name, group, this.options, true).then((gateway) => {
        this.created.push(name);
        this.pools.set(name, pool(gateway));
        return name;
      });
      this.groupNetworks.set(group, pending);
    }
    return pending;
  }

  /** The next free address of a network, cycling so that a freed one is reused last. */
  private allocate(name: string): string {
    const addresses = this.pools.get(name);
    if (!addresses) throw new Error(`no address pool for Docker network ${name}`);
    for (let tries = 0; tries < 253; tries++) {
      const offset = addresses.next;
      addresses.next = offset >= 254 ? 2 : offset + 1;
      if (addresses.inUse.has(offset)) continue;
      addresses.inUse.add(offset);
      return `${addresses.prefix}${offset}`;
    }
    throw new Error(`Docker network ${name} has no free address (253 tasks at most)`);
  }
}

function pool(gateway: string): AddressPool {
  return { prefix: gateway.slice(0, gateway.lastIndexOf('.') + 1), next: 2, inUse: new Set() };
}

/** `wharf-<run>-vpc`. */
export function vpcNetworkName(runId: string): string {
  return sanitizeName(`wharf-${runId}-vpc`);
}

/** `wharf-<run>-<security group id>`. */
export function groupNetworkName(runId: string, groupId: string): string {
  return sanitizeName(`wharf-${runId}-${groupId}`);
}

/**
 * Removes networks labelled `wharf.run` whose creating process is gone (a crashed earlier run).
 * Returns how many were removed.
 */
export async function removeLeftoverNetworks(
  docker: Docker,
  alive: (pid: number) => boolean,
): Promise<number> {
  const list = await docker.listNetworks({ filters: { label: [NETWORK_LABEL.run] } });
  let removed = 0;
  for (const info of list) {
    const pid = Number(info.Labels?.[NETWORK_LABEL.pid]);
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    try {
      await docker.getNetwork(info.Id).remove();
      removed++;
    } catch {
      // In use by a container being removed, or gone: the next run tries again.
    }
  }
  return removed;
}

/** Creates a labelled bridge network on a free /24 of 198.18.0.0/15; resolves its gateway. */
async function createNetwork(
  docker: Docker,
  name: string,
  role: string,
  options: DockerVpcNetworksOptions,
  interContainer: boolean,
): Promise<string> {
  const random = options.random ?? Math.random;
  let lastError: unknown;
  for (let attempt = 0; attempt < 16; attempt++) {
    const index = Math.floor(random() * 512);
    const subnet = `198.${18 + (index >> 8)}.${index & 255}.0/24`;
    const gateway = `198.${18 + (index >> 8)}.${index & 255}.1`;
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
        Options: { 'com.docker.network.bridge.enable_icc': String(interContainer) },
        Labels: {
          [NETWORK_LABEL.run]: options.runId,
          [NETWORK_LABEL.pid]: String(process.pid),
          [NETWORK_LABEL.network]: role,
        },
      });
      return gateway;
    } catch (error) {
      lastError = error;
      if (!/overlap/i.test(errorText(error))) break;
    }
  }
  throw new Error(`cannot create Docker network ${name}: ${errorText(lastError)}`);
}
