/**
 * The architecture graph `wharf diagram` draws, built from the evaluated templates: nodes (the
 * internet, custom domains, the HTTP API, VPC links, load balancers, Cloud Map services, the tasks
 * of each ECS service per subnet with its scaling range, NAT and internet gateways), groups (the VPC, its availability zones and
 * subnets) and labelled edges (requests with their ports and the security-group rule that lets
 * them in, service discovery, egress through NAT).
 *
 * The typed configs come from the local cloud's resolvers (`src/local/*\/resolve.ts`), the same
 * reading of the templates `wharf dev` runs; NAT gateways, the internet gateway, route tables and
 * the VPC itself are read here. A part that cannot be read becomes a note, so a diagram is still
 * drawn from the rest.
 */

import { isWharfError, UsageError } from '../errors.js';
import { type IoHost, SILENT_IO } from '../io/io-host.js';
import { parseCloudMapServiceArn } from '../local/apigateway/integration-target.js';
import { resolveHttpApis } from '../local/apigateway/resolve.js';
import type { HttpApiConfig } from '../local/apigateway/types.js';
import { clampCapacity } from '../local/autoscaling/cooldowns.js';
import { resolveScalableTargets } from '../local/autoscaling/resolve.js';
import type { ScalableTargetConfig } from '../local/autoscaling/types.js';
import { resolveDiscoveryServices, resolveNamespaces } from '../local/cloudmap/resolve.js';
import type { DiscoveryServiceConfig, NamespaceConfig } from '../local/cloudmap/types.js';
import { resolveEcsServices } from '../local/ecs/resolve.js';
import type { EcsServiceConfig } from '../local/ecs/types.js';
import { resolveLoadBalancing } from '../local/elb/resolve.js';
import type { LoadBalancerConfig, TargetGroupConfig } from '../local/elb/types.js';
import { resolveSecurityGroups, resolveSubnets, resourcesOfType } from '../local/network/resolve.js';
import type { SecurityGroupConfig, SubnetConfig } from '../local/network/types.js';
import { loadSource, type TemplateSource } from '../local/source.js';
import { resolveApp } from '../template/evaluate.js';
import type { PlainValue, ResolvedApp } from '../template/resolved.js';
import { ingressDomains, scalingLine } from './domains.js';
import { readListenerRules } from './listener-rules.js';
import { privateServiceEdges } from './private-services.js';

/** What a node stands for. */
export type DiagramNodeKind =
  | 'internet'
  /** A custom domain (`https://api.example.com`) in front of an HTTP API or load balancer. */
  | 'domain'
  | 'http-api'
  | 'load-balancer'
  | 'vpc-link'
  | 'cloud-map'
  | 'tasks'
  | 'nat-gateway'
  | 'internet-gateway';

/** One box of the picture. */
export interface DiagramNode {
  /** Unique id, e.g. `tasks:web:subnet-0a1b…`. */
  readonly id: string;
  readonly kind: DiagramNodeKind;
  /** First line, e.g. `API Gateway HTTP API`. */
  readonly label: string;
  /** Further lines, e.g. `256 CPU / 512 MiB`. */
  readonly details: readonly string[];
  /**
   * The innermost group the node sits in: a subnet for tasks and NAT gateways, the VPC for VPC
   * links, load balancers and the internet gateway; `undefined` outside any VPC (regional services).
   */
  readonly group?: string;
}

/** What a group stands for. */
export type DiagramGroupKind = 'vpc' | 'az' | 'subnet';

/** A box that holds nodes: the VPC, an availability zone in it, a subnet in an AZ. */
export interface DiagramGroup {
  /** `vpc`, `az:<zone>` or `subnet:<id>`. */
  readonly id: string;
  readonly kind: DiagramGroupKind;
  /** e.g. `VPC 10.0.0.0/16`, `us-east-1a`, `public subnet 10.0.0.0/18`. */
  readonly label: string;
  readonly details: readonly string[];
  /** The enclosing group: the VPC for an AZ, an AZ for a subnet. */
  readonly parent?: string;
  /** Subnets: routes to an internet gateway or maps public IPs on launch. */
  readonly public?: boolean;
  /** Subnets and AZs: the availability zone. */
  readonly availabilityZone?: string;
}

/**
 * What an edge carries: `request` (client traffic, with its port), `integration` (API Gateway to
 * its VPC link), `discovery` (a Cloud Map lookup) or `egress` (tasks to the internet via NAT).
 */
export type DiagramEdgeKind = 'request' | 'integration' | 'discovery' | 'egress';

/** An arrow from `from` to `to`. */
export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: DiagramEdgeKind;
  /** Label lines, e.g. `HTTP :80` and `SG: tcp 80 from VPC link SG`. */
  readonly labels: readonly string[];
  /** Set when the security groups allow more than the edge needs, or nothing at all. */
  readonly warning?: string;
}

/** The whole picture, renderer-independent. */
export interface DiagramModel {
  /** e.g. `ApiGatewayFargate: API Gateway → VPC link → Cloud Map → Fargate`. */
  readonly title: string;
  readonly nodes: readonly DiagramNode[];
  readonly groups: readonly DiagramGroup[];
  readonly edges: readonly DiagramEdge[];
  /** What the picture leaves out or could not read, one sentence each. */
  readonly notes: readonly string[];
}

/** The id of the internet node. */
export const INTERNET_NODE_ID = 'internet';
/** The id of the VPC group. */
export const VPC_GROUP_ID = 'vpc';

/** Reads one part of the templates; on a Wharf error, records a note and uses `fallback`. */
function attempt<T>(notes: string[], what: string, read: () => T, fallback: T): T {
  try {
    return read();
  } catch (error) {
    if (!isWharfError(error)) throw error;
    notes.push(`${what} not drawn: ${error.message}`);
    return fallback;
  }
}

function stringProp(value: PlainValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A security group's display name: its logical id. */
function groupName(groups: readonly SecurityGroupConfig[], id: string): string {
  return groups.find((g) => g.id === id)?.origin.logicalId ?? id;
}

/** How the target's security groups treat traffic from `source` to `port`. */
interface RuleVerdict {
  readonly text: string;
  readonly warning?: string;
}

/**
 * Summarises the rules of `targetGroupIds` that let `source` (security groups or a CIDR) reach
 * tcp `port`, as a label line, e.g. `SG: tcp 80 from VPC link SG`.
 */
export function securityGroupVerdict(
  groups: readonly SecurityGroupConfig[],
  targetGroupIds: readonly string[],
  source: { readonly groupIds?: readonly string[]; readonly cidr?: string; readonly name: string },
  port: number | undefined,
): RuleVerdict {
  const rules = groups
    .filter((g) => targetGroupIds.includes(g.id))
    .flatMap((g) => g.ingress)
    .filter((rule) =>
      rule.sourceSecurityGroupId !== undefined
        ? (source.groupIds ?? []).includes(rule.sourceSecurityGroupId)
        : rule.cidrIp !== undefined && (rule.cidrIp === '0.0.0.0/0' || rule.cidrIp === source.cidr),
    );
  const all = rules.find((rule) => rule.protocol === '-1');
  if (all) {
    return {
      text: `SG: all traffic from ${source.name}`,
      warning: `${groupName(groups, targetGroupIds[0] ?? '')} allows every protocol and port from ${source.name}`,
    };
  }
  const covering = rules.find(
    (rule) =>
      rule.protocol === 'tcp' &&
      (port === undefined ||
        rule.fromPort === undefined ||
        rule.fromPort === -1 ||
        (rule.fromPort <= port && (rule.toPort ?? rule.fromPort) >= port)),
  );
  if (covering) {
    const range =
      covering.fromPort === undefined || covering.fromPort === -1
        ? 'all ports'
        : covering.fromPort === covering.toPort || covering.toPort === undefined
          ? `${covering.fromPort}`
          : `${covering.fromPort}-${covering.toPort}`;
    return { text: `SG: tcp ${range} from ${source.name}` };
  }
  return {
    text: `SG: nothing allows${port === undefined ? '' : ` :${port}`}`,
    warning: `no security group rule lets ${source.name} in${port === undefined ? '' : ` on port ${port}`}`,
  };
}

/** How many of `count` tasks ECS places in each of `slots` subnets (spread evenly, first ones first). */
export function spreadTasks(count: number, slots: number): number[] {
  return Array.from({ length: slots }, (_, i) => Math.floor(count / slots) + (i < count % slots ? 1 : 0));
}

/** Builds the diagram of an evaluated application. Never throws for a part it cannot read. */
export function buildDiagramModel(app: ResolvedApp): DiagramModel {
  const notes: string[] = [];
  const subnets = attempt<SubnetConfig[]>(notes, 'Subnets', () => resolveSubnets(app), []);
  const securityGroups = attempt<SecurityGroupConfig[]>(
    notes,
    'Security groups',
    () => resolveSecurityGroups(app),
    [],
  );
  const namespaces = attempt<NamespaceConfig[]>(
    notes,
    'Cloud Map namespaces',
    () => resolveNamespaces(app),
    [],
  );
  const discovery = attempt<DiscoveryServiceConfig[]>(
    notes,
    'Cloud Map services',
    () => resolveDiscoveryServices(app),
    [],
  );
  const apis = attempt<HttpApiConfig[]>(notes, 'HTTP APIs', () => resolveHttpApis(app), []);
  const balancing = attempt<{ loadBalancers: LoadBalancerConfig[]; targetGroups: TargetGroupConfig[] }>(
    notes,
    'Load balancers',
    () => {
      const resolved = resolveLoadBalancing(app);
      return { loadBalancers: [...resolved.loadBalancers], targetGroups: [...resolved.targetGroups] };
    },
    { loadBalancers: [], targetGroups: [] },
  );
  const services = attempt<EcsServiceConfig[]>(notes, 'ECS services', () => resolveEcsServices(app), []);
  const listenerRules = attempt(notes, 'Listener rules', () => readListenerRules(app), []);
  const scalableTargets = attempt<readonly ScalableTargetConfig[]>(
    notes,
    'Scaling',
    () => resolveScalableTargets(app, services, balancing.targetGroups).targets,
    [],
  );

  const nodes: DiagramNode[] = [];
  const groups: DiagramGroup[] = [];
  const edges: DiagramEdge[] = [];

  // The VPC, its AZs and subnets.
  const vpcs = resourcesOfType(app, 'AWS::EC2::VPC');
  const vpcCidrs = vpcs.map((vpc) => stringProp(vpc.properties.CidrBlock)).filter((c) => c !== undefined);
  const needsVpc =
    vpcs.length > 0 ||
    subnets.length > 0 ||
    services.length > 0 ||
    balancing.loadBalancers.length > 0 ||
    apis.some((api) => api.vpcLinks.length > 0);
  if (needsVpc) {
    groups.push({
      id: VPC_GROUP_ID,
      kind: 'vpc',
      label: vpcCidrs.length > 0 ? `VPC ${vpcCidrs.join(', ')}` : 'VPC',
      details: vpcs.length > 1 ? [`${vpcs.length} VPCs drawn as one`] : [],
    });
  }
  const subnetGroup = new Map<string, DiagramGroup>();
  const addAz = (zone: string) => {
    const id = `az:${zone}`;
    if (!groups.some((g) => g.id === id)) {
      groups.push({ id, kind: 'az', label: zone, details: [], parent: VPC_GROUP_ID, availabilityZone: zone });
    }
    return id;
  };
  const addSubnet = (subnet: SubnetConfig | { id: string }): DiagramGroup => {
    const known = subnetGroup.get(subnet.id);
    if (known) return known;
    const config = 'cidrBlock' in subnet ? subnet : undefined;
    const zone = config?.availabilityZone ?? 'unknown AZ';
    const group: DiagramGroup = {
      id: `subnet:${subnet.id}`,
      kind: 'subnet',
      label: config
        ? `${config.public ? 'public' : 'private'} subnet ${config.cidrBlock}`
        : `subnet ${subnet.id}`,
      details: [config ? config.origin.logicalId : 'not declared in these templates'],
      parent: addAz(zone),
      public: config?.public ?? false,
      availabilityZone: zone,
    };
    subnetGroup.set(subnet.id, group);
    groups.push(group);
    return group;
  };
  const sortedSubnets = [...subnets].sort(
    (a, b) =>
      a.availabilityZone.localeCompare(b.availabilityZone) ||
      Number(b.public) - Number(a.public) ||
      a.cidrBlock.localeCompare(b.cidrBlock, undefined, { numeric: true }),
  );
  for (const subnet of sortedSubnets) addSubnet(subnet);
  const subnetOf = (id: string) => subnetGroup.get(id) ?? addSubnet({ id });
  const azList = (ids: readonly string[]) =>
    [...new Set(ids.map((id) => subnetOf(id).availabilityZone ?? '?'))].join(', ');

  // Internet gateway and NAT gateways.
  const routes = resourcesOfType(app, 'AWS::EC2::Route');
  for (const igw of resourcesOfType(app, 'AWS::EC2::InternetGateway')) {
    const routed = routes.some((route) => route.properties.GatewayId === igw.ref);
    nodes.push({
      id: `igw:${igw.ref}`,
      kind: 'internet-gateway',
      label: 'Internet gateway',
      details: [igw.logicalId, ...(routed ? ['default route of the public subnets'] : [])],
      group: VPC_GROUP_ID,
    });
  }
  const natNodes = new Map<string, DiagramNode>();
  for (const nat of resourcesOfType(app, 'AWS::EC2::NatGateway')) {
    const subnetId = stringProp(nat.properties.SubnetId);
    const privateNat = nat.properties.ConnectivityType === 'private';
    const node: DiagramNode = {
      id: `nat:${nat.ref}`,
      kind: 'nat-gateway',
      label: 'NAT gateway',
      details: [nat.logicalId, privateNat ? 'private (no EIP)' : 'Elastic IP (public IPv4)'],
      group: subnetId ? subnetOf(subnetId).id : VPC_GROUP_ID,
    };
    natNodes.set(nat.ref, node);
    nodes.push(node);
  }
  // Default route (0.0.0.0/0) of each subnet: which NAT gateway, if any.
  const routeTableOfSubnet = new Map<string, string>();
  for (const assoc of resourcesOfType(app, 'AWS::EC2::SubnetRouteTableAssociation')) {
    const subnetId = stringProp(assoc.properties.SubnetId);
    const table = stringProp(assoc.properties.RouteTableId);
    if (subnetId && table) routeTableOfSubnet.set(subnetId, table);
  }
  const natOfTable = new Map<string, string>();
  for (const route of routes) {
    const table = stringProp(route.properties.RouteTableId);
    const nat = stringProp(route.properties.NatGatewayId);
    if (table && nat && route.properties.DestinationCidrBlock === '0.0.0.0/0') natOfTable.set(table, nat);
  }

  // Regional services: HTTP APIs and Cloud Map.
  const namespaceName = (id: string) => namespaces.find((ns) => ns.id === id)?.name;
  const cloudMapNode = new Map<string, DiagramNode>();
  for (const service of discovery) {
    const ns = namespaceName(service.namespaceId);
    const node: DiagramNode = {
      id: `cloudmap:${service.id}`,
      kind: 'cloud-map',
      label: 'Cloud Map service',
      details: [
        ns ? `${service.name}.${ns}` : service.name,
        `${service.dnsRecords.map((r) => r.type).join(' + ') || 'no'} records`,
        service.healthCheck === 'none' ? 'no health status' : `${service.healthCheck} health`,
      ],
    };
    cloudMapNode.set(service.id, node);
    nodes.push(node);
  }

  // Tasks: one node per service and subnet, with the tasks ECS spreads there.
  const taskNodes = new Map<string, DiagramNode[]>();
  for (const service of services) {
    const subnetIds = service.subnetIds.length > 0 ? service.subnetIds : [];
    const scaled = scalableTargets.find((t) => t.serviceName === service.name);
    // A scaled service runs its desired count clamped to the range (registering the scalable
    // target moves it in: aws-behavior-2.md §1.1), e.g. 2 tasks for DesiredCount left out and min 2.
    const running = scaled
      ? clampCapacity(service.desiredCount, scaled.minCapacity, scaled.maxCapacity)
      : service.desiredCount;
    const counts = spreadTasks(running, Math.max(1, subnetIds.length));
    const container = service.taskDefinition.containers[0];
    const size = [
      service.taskDefinition.cpu && `${service.taskDefinition.cpu} CPU`,
      service.taskDefinition.memory && `${service.taskDefinition.memory} MiB`,
    ]
      .filter(Boolean)
      .join(' / ');
    const list: DiagramNode[] = [];
    const targets = subnetIds.length > 0 ? subnetIds : [undefined];
    targets.forEach((subnetId, index) => {
      const count = counts[index] ?? 0;
      const node: DiagramNode = {
        id: `tasks:${service.name}:${subnetId ?? 'none'}`,
        kind: 'tasks',
        label: `Fargate: ${service.name} ×${count}`,
        details: [
          size || 'size not set',
          ...(scaled ? [scalingLine(scaled)] : []),
          service.assignPublicIp ? 'public IP' : 'private IP only',
          `SG ${service.securityGroupIds.map((id) => groupName(securityGroups, id)).join(', ') || 'none'}`,
          ...(container ? [] : ['no container']),
        ],
        group: subnetId ? subnetOf(subnetId).id : VPC_GROUP_ID,
      };
      list.push(node);
      nodes.push(node);
      const table = subnetId ? routeTableOfSubnet.get(subnetId) : undefined;
      const nat = table ? natNodes.get(natOfTable.get(table) ?? '') : undefined;
      // One egress arrow per subnet and NAT gateway, from the row of tasks nearest the NAT
      // gateway: the last service when the NAT is in the same AZ (drawn below the tasks) or a
      // later one, the first when it is in an earlier AZ (drawn above).
      const earlier = edges.findIndex(
        (e) => e.kind === 'egress' && e.to === nat?.id && e.from.endsWith(`:${subnetId ?? 'none'}`),
      );
      const natZone = groups.find((g) => g.id === nat?.group)?.availabilityZone ?? '';
      const taskZone = subnetId ? (subnetOf(subnetId).availabilityZone ?? '') : '';
      const natAbove = natZone.localeCompare(taskZone) < 0;
      if (nat && earlier >= 0 && !natAbove) edges.splice(earlier, 1);
      if (nat && (earlier < 0 || !natAbove))
        edges.push({ from: node.id, to: nat.id, kind: 'egress', labels: ['egress'] });
    });
    taskNodes.set(service.name, list);
  }
  const containerPort = (service: EcsServiceConfig) =>
    service.taskDefinition.containers[0]?.containerPorts[0];

  // Ingress: HTTP APIs with their VPC links.
  const ingressPresent = apis.length > 0 || balancing.loadBalancers.length > 0;
  if (ingressPresent) {
    nodes.unshift({ id: INTERNET_NODE_ID, kind: 'internet', label: 'Internet', details: ['clients'] });
  }
  for (const api of apis) {
    const apiNode: DiagramNode = {
      id: `api:${api.id}`,
      kind: 'http-api',
      label: 'API Gateway HTTP API',
      details: [
        api.name,
        `routes ${api.routes.map((r) => r.routeKey).join(', ') || 'none'}`,
        `stage ${api.stages.map((s) => s.name).join(', ') || 'none'}${api.stages.some((s) => s.accessLog) ? ', access logs' : ''}`,
      ],
    };
    nodes.push(apiNode);
    edges.push({ from: INTERNET_NODE_ID, to: apiNode.id, kind: 'request', labels: ['HTTPS'] });
    for (const link of api.vpcLinks) {
      nodes.push({
        id: `vpclink:${link.id}`,
        kind: 'vpc-link',
        label: 'VPC link',
        details: [
          link.name,
          `ENIs in ${link.subnetIds.length} subnet${link.subnetIds.length === 1 ? '' : 's'} (${azList(link.subnetIds)})`,
          `SG ${link.securityGroupIds.map((id) => groupName(securityGroups, id)).join(', ') || 'none'}`,
        ],
        group: VPC_GROUP_ID,
      });
    }
    for (const integration of api.integrations) {
      const routes = api.routes.filter((r) => r.integrationId === integration.id).map((r) => r.routeKey);
      if (integration.connectionType !== 'VPC_LINK' || !integration.vpcLinkId) {
        notes.push(
          `Integration ${integration.origin?.logicalId ?? integration.id} goes to ${integration.uri} over the internet.`,
        );
        continue;
      }
      const linkId = `vpclink:${integration.vpcLinkId}`;
      const link = api.vpcLinks.find((l) => l.id === integration.vpcLinkId);
      if (!link) {
        notes.push(
          `Integration ${integration.origin?.logicalId ?? integration.id} names VPC link ${integration.vpcLinkId}, which these templates do not declare.`,
        );
        continue;
      }
      edges.push({
        from: apiNode.id,
        to: linkId,
        kind: 'integration',
        labels: ['VPC_LINK integration', `route ${routes.join(', ') || 'none'}`],
      });
      const target = parseCloudMapServiceArn(integration.uri);
      const cloudMap = target ? cloudMapNode.get(target.serviceId) : undefined;
      if (!cloudMap) {
        notes.push(
          `Integration ${integration.origin?.logicalId ?? integration.id} targets ${integration.uri}, not a Cloud Map service in these templates.`,
        );
        continue;
      }
      const record = discovery.find((d) => d.id === target?.serviceId);
      edges.push({
        from: linkId,
        to: cloudMap.id,
        kind: 'discovery',
        labels: ['DiscoverInstances', `${record?.dnsRecords.map((r) => r.type).join(' + ') || 'no'} records`],
      });
      for (const service of services) {
        const registry = service.serviceRegistries.find((r) => r.discoveryServiceId === target?.serviceId);
        if (!registry) continue;
        const port = registry.containerPort ?? registry.port ?? containerPort(service);
        const verdict = securityGroupVerdict(
          securityGroups,
          service.securityGroupIds,
          { groupIds: link.securityGroupIds, name: 'VPC link SG' },
          port,
        );
        for (const task of taskNodes.get(service.name) ?? []) {
          edges.push({
            from: linkId,
            to: task.id,
            kind: 'request',
            labels: [
              ...(api.integrations.length > 1 ? [`route ${routes.join(', ') || 'none'}`] : []),
              `HTTP :${port ?? '?'}`,
              verdict.text,
            ],
            ...(verdict.warning ? { warning: verdict.warning } : {}),
          });
        }
      }
    }
  }

  mergeIntegrationEdges(edges);

  // Ingress: load balancers.
  for (const lb of balancing.loadBalancers) {
    const lbNode: DiagramNode = {
      id: `alb:${lb.name}`,
      kind: 'load-balancer',
      label: 'Application Load Balancer',
      details: [
        `${lb.scheme}, ${lb.subnetIds.length} subnets (${azList(lb.subnetIds)})`,
        `idle timeout ${lb.idleTimeoutSeconds} s`,
        `SG ${lb.securityGroupIds.map((id) => groupName(securityGroups, id)).join(', ') || 'none'}`,
      ],
      group: VPC_GROUP_ID,
    };
    nodes.push(lbNode);
    const listenerPorts = lb.listeners.map((l) => `${l.protocol} :${l.port}`);
    if (lb.scheme === 'internet-facing') {
      const first = lb.listeners[0]?.port;
      const verdict = securityGroupVerdict(
        securityGroups,
        lb.securityGroupIds,
        { cidr: '0.0.0.0/0', name: '0.0.0.0/0' },
        first,
      );
      edges.push({
        from: INTERNET_NODE_ID,
        to: lbNode.id,
        kind: 'request',
        labels: [listenerPorts.join(', ') || 'no listener', verdict.text],
        ...(verdict.warning ? { warning: verdict.warning } : {}),
      });
    } else {
      notes.push(
        `Load balancer ${lb.origin?.logicalId ?? lb.name} is internal: nothing on the internet reaches it.`,
      );
    }
    const forwarded = new Set(
      lb.listeners.flatMap((l) =>
        l.defaultActions.flatMap((a) =>
          a.type === 'forward' ? a.targetGroups.map((t) => t.targetGroupArn) : [],
        ),
      ),
    );
    const rules = listenerRules.filter((rule) => lb.listeners.some((l) => l.arn === rule.listenerArn));
    // Each forwarding path: the default actions (first line `default action` when rules exist), then each rule.
    const paths = [
      { targets: forwarded, title: rules.length > 0 ? ['default action'] : [] },
      ...rules.flatMap((rule) =>
        rule.action?.type === 'forward'
          ? [
              {
                targets: new Set(rule.action.targetGroupArns),
                title: [`rule ${rule.priority ?? '?'}: ${rule.conditions}`],
              },
            ]
          : [],
      ),
    ];
    for (const rule of rules) {
      if (rule.action && rule.action.type !== 'forward')
        (lbNode.details as string[]).push(
          `rule ${rule.priority ?? '?'}: ${rule.conditions} → ${rule.action.text}`,
        );
    }
    for (const path of paths) {
      for (const service of services) {
        const attachment = service.loadBalancers.find((entry) => path.targets.has(entry.targetGroupArn));
        if (!attachment) continue;
        const tg = balancing.targetGroups.find((t) => t.arn === attachment.targetGroupArn);
        const verdict = securityGroupVerdict(
          securityGroups,
          service.securityGroupIds,
          { groupIds: lb.securityGroupIds, name: 'ALB SG' },
          attachment.containerPort,
        );
        for (const task of taskNodes.get(service.name) ?? []) {
          edges.push({
            from: lbNode.id,
            to: task.id,
            kind: 'request',
            labels: [...path.title, `${tg?.protocol ?? 'HTTP'} :${attachment.containerPort}`, verdict.text],
            ...(verdict.warning ? { warning: verdict.warning } : {}),
          });
        }
      }
    }
  }

  // Custom domains in front of the ingress: the internet reaches the domain, the domain the ingress.
  const domains = attempt(
    notes,
    'Custom domains',
    () => ingressDomains(app, apis, balancing.loadBalancers),
    [],
  );
  for (const domain of domains) {
    if (nodes.some((n) => n.id === domain.node.id)) continue;
    nodes.push(domain.node);
    const direct = edges.findIndex((e) => e.from === INTERNET_NODE_ID && e.to === domain.ingressId);
    edges.push({ from: INTERNET_NODE_ID, to: domain.node.id, kind: 'request', labels: domain.fromInternet });
    if (domain.toIngress) {
      edges.push({ from: domain.node.id, to: domain.ingressId, kind: 'request', labels: domain.toIngress });
      // One way in is drawn: the domain. The API box says whether its execute-api URL still answers.
      if (direct >= 0) edges.splice(direct, 1);
      const api = nodes.find((n) => n.id === domain.ingressId);
      if (api && !domain.defaultEndpointDisabled)
        (api.details as string[]).push('execute-api endpoint also open');
    } else if (direct >= 0) {
      edges[direct] = { ...(edges[direct] as DiagramEdge), from: domain.node.id };
    } else {
      edges.push({ from: domain.node.id, to: domain.ingressId, kind: 'request', labels: ['HTTPS'] });
    }
  }

  // Private services: each caller to the Cloud Map name and to the tasks.
  const integrated = new Set(
    apis.flatMap((api) =>
      api.integrations.flatMap((i) => {
        const target = parseCloudMapServiceArn(i.uri);
        return target ? [target.serviceId] : [];
      }),
    ),
  );
  const privateParts = privateServiceEdges({
    services,
    discovery,
    namespaces,
    securityGroups,
    integrated,
    taskNodes,
    cloudMapNodes: cloudMapNode,
  });
  edges.push(...privateParts.edges);
  notes.push(...privateParts.notes);

  for (const service of services) {
    for (const registry of service.serviceRegistries) {
      const node = cloudMapNode.get(registry.discoveryServiceId);
      if (node) (node.details as string[]).push(`← ECS service ${service.name} registers`);
    }
    const reached = edges.some((e) => e.kind === 'request' && e.to.startsWith(`tasks:${service.name}:`));
    if (!reached && ingressPresent)
      notes.push(`ECS service ${service.name} is not reached by any ingress in these templates.`);
  }
  if (!ingressPresent) {
    notes.push(
      'No ingress in these templates (no API Gateway HTTP API, no load balancer): only the network and services are drawn.',
    );
  }
  if (nodes.length === 0 && groups.length === 0)
    notes.push('Nothing to draw: the templates declare none of the resources a diagram shows.');

  const kinds = new Set(nodes.map((n) => n.kind));
  const pattern = kinds.has('http-api')
    ? 'API Gateway → VPC link → Cloud Map → Fargate'
    : kinds.has('load-balancer')
      ? 'Application Load Balancer → Fargate'
      : 'network and services';
  return { title: `${app.loaded.name}: ${pattern}`, nodes, groups, edges, notes };
}

/**
 * Several integrations of one API through one VPC link draw one arrow, not stacked copies: its
 * label lists each integration's routes (`route ANY /orders/{proxy+}` …). In place.
 */
function mergeIntegrationEdges(edges: DiagramEdge[]): void {
  for (let i = 0; i < edges.length; i++) {
    const first = edges[i] as DiagramEdge;
    if (first.kind !== 'integration') continue;
    const same = edges.filter(
      (e, j) => j > i && e.kind === 'integration' && e.from === first.from && e.to === first.to,
    );
    if (same.length === 0) continue;
    const routes = [first, ...same].flatMap((e) => e.labels.slice(1));
    edges[i] = { ...first, labels: [`VPC_LINK integrations (${same.length + 1})`, ...routes] };
    for (const e of same) edges.splice(edges.indexOf(e), 1);
  }
}

/** Options of {@link loadDiagramModel}. */
export interface LoadDiagramOptions extends TemplateSource {
  /** Root stack parameter values (`Key=Value` strings). */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly io?: IoHost;
}

/**
 * Loads a CDK app folder or a template file through the project's loader, evaluates it and
 * builds its diagram. Loader errors (a missing file, a bad template) propagate.
 */
export async function loadDiagramModel(options: LoadDiagramOptions): Promise<DiagramModel> {
  const source = await loadSource(options, options.io ?? SILENT_IO);
  try {
    const model = buildDiagramModel(resolveApp(source.app, { parameters: options.parameters }));
    if (isEmptyDiagram(model)) {
      const counted = source.app.stacks.reduce(
        (n, stack) => n + Object.keys(stack.template.Resources ?? {}).length,
        0,
      );
      throw new UsageError(
        `${source.app.root.file}: nothing to draw: its ${counted} resource(s) include none a diagram shows ` +
          `(${DRAWN_RESOURCE_TYPES.join(', ')}).`,
        { code: 'WHARF_DIAGRAM_EMPTY' },
      );
    }
    return model;
  } finally {
    source.dispose();
  }
}

/** The resource types whose presence gives a diagram something to draw. */
export const DRAWN_RESOURCE_TYPES = [
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::ECS::Service',
  'AWS::ApiGatewayV2::Api',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::EC2::NatGateway',
  'AWS::EC2::InternetGateway',
  'AWS::ServiceDiscovery::Service',
] as const;

/** True when a model has no node and no group: a picture of it would be an empty frame. */
export function isEmptyDiagram(model: DiagramModel): boolean {
  return model.nodes.length === 0 && model.groups.length === 0;
}
