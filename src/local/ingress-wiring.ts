/**
 * The ingresses of the local cloud, started in the order AWS traffic meets them: the local CA
 * when something serves HTTPS, the target groups and the load balancers in front of them, the
 * HTTP APIs with their VPC links' addresses, and the APIs' custom domains. Each gets the next
 * local port (`--port`), writes its access log under the run's log folder, and reads the
 * dashboard's request tap; every server started is handed to `cleanups`.
 */

import { join } from 'node:path';
import type { IoHost } from '../io/io-host.js';
import { type HttpApiEmulator, startHttpApi } from './apigateway/server.js';
import { TokenBucket } from './apigateway/throttle.js';
import type { Clock } from './clock.js';
import type { LocalEndpoint } from './cloud-types.js';
import type { CloudMapRegistry } from './cloudmap/registry.js';
import { startLoadBalancer } from './elb/load-balancer.js';
import { TargetGroup } from './elb/target-group.js';
import type { RequestTap } from './http/request-tap.js';
import { httpsAccess, openLocalCa, startCustomDomains } from './https-wiring.js';
import type { LogFiles } from './log-files.js';
import type { LocalModel } from './model.js';
import type { LocalVpc } from './network/vpc.js';
import { logGroupFolder } from './runtime/container-logs.js';

/** What {@link startIngresses} needs from the run. */
export interface IngressWiring {
  readonly vpc: LocalVpc;
  readonly clock: Clock;
  readonly io: IoHost;
  readonly registry: CloudMapRegistry;
  /** Reports a connection a security group refuses (once per message). */
  readonly onBlocked: (message: string) => void;
  readonly logDir: string;
  readonly logFiles: LogFiles;
  readonly requestTap: RequestTap;
  /** The local CA's folder. @default - `caDirectory()` */
  readonly caDir?: string;
  /** The next local port (0: a free one). */
  readonly takePort: () => number;
  /** Receives one entry per listener, API and custom domain. */
  readonly endpoints: LocalEndpoint[];
  /** Receives each server's close. */
  readonly cleanups: Array<() => Promise<void> | void>;
  /** How long API Gateway may use a stale Cloud Map answer. @default 0 */
  readonly discoveryCacheMs?: number;
  /** API Gateway's account-level throttle. @default - AWS's, per API */
  readonly apiGatewayAccountThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** Starts every load balancer, HTTP API and custom domain of the model. */
export async function startIngresses(
  model: LocalModel,
  wiring: IngressWiring,
): Promise<{ readonly targetGroups: Map<string, TargetGroup> }> {
  const { vpc, clock, io, registry, onBlocked, logDir, logFiles, requestTap, takePort, endpoints, cleanups } =
    wiring;
  // The local CA, when something serves HTTPS (printed once with how to trust it).
  const ca = openLocalCa(model, io, wiring.caDir);
  // Target groups, and the load balancers in front of them.
  const targetGroups = new Map(
    model.targetGroups.map((config) => [config.arn, new TargetGroup(config, { clock })]),
  );
  for (const config of model.loadBalancers) {
    const eni = vpc.attach(`load balancer ${config.name}`, config.subnetIds, config.securityGroupIds);
    const ports: Record<number, number> = {};
    for (const listener of config.listeners) ports[listener.port] = takePort();
    const running = await startLoadBalancer(
      config,
      targetGroups,
      {
        network: vpc,
        clock,
        onBlocked,
        accessLog: (line: string) =>
          logFiles.append(join(logDir, 'elb', logGroupFolder(config.name), 'access.log'), line),
        issueCertificate: ca && ((names) => ca.issue(names)),
        requestTap,
      },
      { ports, sourceIp: eni.privateIp },
    );
    cleanups.push(() => running.close());
    for (const listener of running.listeners) {
      endpoints.push({
        kind: 'load-balancer',
        name: config.name,
        url: listener.url,
        awsValue: config.dnsName,
        listener: `${listener.protocol}:${listener.awsPort}`,
        ...(ca && listener.certificateNames ? { https: httpsAccess(ca, listener.url) } : {}),
      });
    }
  }

  // HTTP APIs, reaching tasks through their VPC links.
  const emulators = new Map<string, HttpApiEmulator>();
  const accountThrottle =
    wiring.apiGatewayAccountThrottle && new TokenBucket(wiring.apiGatewayAccountThrottle, clock);
  for (const config of model.httpApis) {
    const vpcLinkSourceIps: Record<string, string> = {};
    for (const link of config.vpcLinks) {
      vpcLinkSourceIps[link.id] = vpc.attach(
        `VPC link ${link.name}`,
        link.subnetIds,
        link.securityGroupIds,
      ).privateIp;
    }
    const running = await startHttpApi(
      config,
      {
        instances: registry,
        network: vpc,
        clock,
        onBlocked,
        accessLog: (logGroupName, line) =>
          logFiles.append(join(logDir, logGroupFolder(logGroupName), 'access.log'), line),
        requestTap,
      },
      {
        port: takePort(),
        vpcLinkSourceIps,
        discoveryCacheMs: wiring.discoveryCacheMs ?? 0,
        ...(accountThrottle ? { accountThrottle } : {}),
      },
    );
    cleanups.push(() => running.close());
    emulators.set(config.id, running.emulator);
    endpoints.push({
      kind: 'api-gateway',
      name: config.name,
      url: running.url,
      awsValue: config.awsEndpoint,
      ...(config.disableExecuteApiEndpoint ? { probe: false } : {}),
    });
  }
  // Their custom domains, over HTTPS, each on the next port.
  await startCustomDomains(model, emulators, ca, takePort, endpoints, (domain) =>
    cleanups.push(() => domain.close()),
  );
  return { targetGroups };
}
