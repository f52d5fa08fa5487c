/**
 * Serves one Wharf ingress emulator in front of the benchmark's backend, in its own process so it
 * does not share a thread with the load generator. Started by `bench/ingress.ts`:
 *
 *   node --import tsx bench/serve-ingress.ts <apigateway|alb|node-proxy> <backend port> [--access-logs <dir>]
 *
 * With `--access-logs <dir>`, the emulator writes its access log into `<dir>` as `wharf dev` does
 * (one line per request through the same append-only file streams): the API Gateway stage gets
 * the seeds' JSON access-log format (the examples' default), the ALB its access-log sink.
 * Without it, neither logs.
 *
 * Prints one JSON line `{"kind":…,"url":…}` on stdout once it accepts requests, and stops when it
 * gets SIGTERM/SIGINT or its stdin closes (so it never outlives the benchmark).
 *
 * The emulators are imported from the TypeScript sources (`src/`), compiled on load by tsx; the
 * code that runs is the same JavaScript `npm run build` would emit.
 */

import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Dispatcher, Pool } from 'undici';
import { SEED_ACCESS_LOG_FORMAT } from '../src/constructs/api-gateway-ingress.js';
import { type InstanceLookup, startHttpApi, TokenBucket } from '../src/local/apigateway/index.js';
import type { HttpApiConfig } from '../src/local/apigateway/types.js';
import { SYSTEM_CLOCK } from '../src/local/clock.js';
import type { InstanceRecord } from '../src/local/cloudmap/types.js';
import { startLoadBalancer } from '../src/local/elb/load-balancer.js';
import { TargetGroup } from '../src/local/elb/target-group.js';
import type { LoadBalancerConfig, TargetGroupConfig } from '../src/local/elb/types.js';
import { LogFiles } from '../src/local/log-files.js';
import type { NetworkPath, RouteResult } from '../src/local/network/types.js';

/** The task's private address in the emulated VPC; the network maps it to the backend's port. */
const TASK_IP = '10.0.1.10';
const TASK_PORT = 80;
const SERVICE_ID = 'srv-bench';

/**
 * What the ingress process serves: one of the emulators, or `node-proxy`, a minimal reverse proxy
 * on the same stack (node:http server, undici `Pool` to the backend) that shows what part of the
 * distance to nginx is Node's own.
 */
export type IngressKind = 'apigateway' | 'alb' | 'node-proxy';

const KINDS: readonly string[] = ['apigateway', 'alb', 'node-proxy'] satisfies IngressKind[];

/** A VPC with one task: `10.0.1.10:80` is the backend on 127.0.0.1; no security groups apply. */
function benchNetwork(backendPort: number): NetworkPath {
  const found: RouteResult = { ok: true, host: '127.0.0.1', port: backendPort };
  return {
    route: (_source, ip, port) =>
      ip === TASK_IP && port === TASK_PORT
        ? found
        : { ok: false, reason: 'no-such-address', message: `nothing holds ${ip}:${port}` },
  };
}

/** Cloud Map with one healthy SRV instance of `srv-bench`. */
function benchCloudMap(): InstanceLookup {
  const instances: readonly InstanceRecord[] = [
    {
      serviceId: SERVICE_ID,
      instanceId: 'task-1',
      attributes: { AWS_INSTANCE_IPV4: TASK_IP, AWS_INSTANCE_PORT: String(TASK_PORT) },
      health: 'HEALTHY',
    },
  ];
  return { instancesForService: (serviceId) => (serviceId === SERVICE_ID ? instances : []) };
}

/** HTTP API: `$default` stage, `$default` route → HTTP_PROXY over a VPC link to Cloud Map. */
const HTTP_API: HttpApiConfig = {
  id: 'benchapi',
  name: 'bench',
  awsEndpoint: 'https://benchapi.execute-api.us-east-1.amazonaws.com',
  stages: [{ name: '$default', autoDeploy: true, routeThrottles: {} }],
  routes: [{ routeKey: '$default', integrationId: 'int1' }],
  integrations: [
    {
      id: 'int1',
      type: 'HTTP_PROXY',
      connectionType: 'VPC_LINK',
      uri: `arn:aws:servicediscovery:us-east-1:123456789012:service/${SERVICE_ID}`,
      method: 'ANY',
      timeoutMs: 30_000,
      vpcLinkId: 'vpclink1',
    },
  ],
  vpcLinks: [{ id: 'vpclink1', name: 'bench-link', securityGroupIds: [], subnetIds: [] }],
};

const TARGET_GROUP: TargetGroupConfig = {
  arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bench-tg/0123456789abcdef',
  name: 'bench-tg',
  port: TASK_PORT,
  protocol: 'HTTP',
  healthCheck: {
    enabled: true,
    protocol: 'HTTP',
    path: '/',
    port: 'traffic-port',
    // Short (AWS allows 5 s at least) so the target is healthy within a second; two probes per
    // second while measuring are noise next to thousands of requests.
    intervalSeconds: 0.5,
    timeoutSeconds: 1,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 2,
    matcher: '200',
  },
  deregistrationDelaySeconds: 0,
  algorithm: 'round_robin',
};

const LOAD_BALANCER: LoadBalancerConfig = {
  arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/bench-alb/0123456789abcdef',
  name: 'bench-alb',
  dnsName: 'bench-alb-123456789.us-east-1.elb.amazonaws.com',
  scheme: 'internet-facing',
  securityGroupIds: [],
  subnetIds: [],
  idleTimeoutSeconds: 60,
  dropInvalidHeaderFields: false,
  listeners: [
    {
      arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/bench-alb/0123456789abcdef/1',
      port: 80,
      protocol: 'HTTP',
      defaultActions: [{ type: 'forward', targetGroups: [{ targetGroupArn: TARGET_GROUP.arn, weight: 1 }] }],
    },
  ],
};

/** A running ingress: its URL and how to stop it. */
interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Where access-log lines go when they are on: files under a folder, as `wharf dev` writes them. */
interface AccessLogs {
  readonly files: LogFiles;
  readonly dir: string;
}

/** Starts the API Gateway emulator; resolves with its URL and how to stop it. */
async function serveApiGateway(backendPort: number, logs?: AccessLogs): Promise<Served> {
  const config: HttpApiConfig = logs
    ? {
        ...HTTP_API,
        stages: HTTP_API.stages.map((stage) => ({
          ...stage,
          accessLog: {
            destinationArn: 'arn:aws:logs:us-east-1:123456789012:log-group:bench-access-logs',
            logGroupName: 'bench-access-logs',
            format: SEED_ACCESS_LOG_FORMAT,
          },
        })),
      }
    : HTTP_API;
  const api = await startHttpApi(
    config,
    {
      instances: benchCloudMap(),
      network: benchNetwork(backendPort),
      ...(logs
        ? {
            accessLog: (group: string, line: string) =>
              logs.files.append(join(logs.dir, group, 'access.log'), line),
          }
        : {}),
    },
    // The account limit (10,000 rps, as on AWS) would answer 429 above it: lift it so the
    // benchmark measures the proxy, not the throttle. Everything else is the default.
    { accountThrottle: new TokenBucket({ rateLimit: 1e9, burstLimit: 1e9 }, SYSTEM_CLOCK) },
  );
  return { url: api.url, close: () => api.close() };
}

/** Starts the ALB emulator with the backend registered; resolves once the target is healthy. */
async function serveAlb(backendPort: number, logs?: AccessLogs): Promise<Served> {
  const group = new TargetGroup(TARGET_GROUP);
  const healthy = new Promise<void>((resolve) => {
    group.on('state', (change) => {
      if (change.state === 'healthy') resolve();
    });
  });
  group.registerTarget({ id: TASK_IP, port: TASK_PORT });
  const alb = await startLoadBalancer(LOAD_BALANCER, new Map([[group.arn, group]]), {
    network: benchNetwork(backendPort),
    ...(logs
      ? {
          accessLog: (line: string) =>
            logs.files.append(join(logs.dir, 'elb', LOAD_BALANCER.name, 'access.log'), line),
        }
      : {}),
  });
  // Fail-open would route to an `initial` target too; waiting makes the measured path the usual one.
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
  await Promise.race([healthy, timeout]);
  const state = group.describeTargetHealth()[0]?.state;
  if (state !== 'healthy')
    process.stderr.write(`serve-ingress: target is ${state}, measuring through fail-open\n`);
  const listener = alb.listeners[0];
  if (!listener) throw new Error('the load balancer has no listener');
  return { url: listener.url, close: () => alb.close() };
}

/** The minimal Node reverse proxy: status, headers (minus hop-by-hop ones) and body passed through. */
async function serveNodeProxy(backendPort: number): Promise<Served> {
  const pool = new Pool(`http://127.0.0.1:${backendPort}`, { keepAliveTimeout: 60_000 });
  const server = createServer({ keepAlive: true }, (req, res) => {
    const headers = { ...req.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    pool
      .request({
        path: req.url ?? '/',
        method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
        headers,
        body: hasBody ? req : null,
      })
      .then(
        ({ statusCode, headers: answer, body }) => {
          delete answer.connection;
          delete answer['keep-alive'];
          delete answer['transfer-encoding'];
          res.writeHead(statusCode, answer);
          body.pipe(res);
        },
        () => res.writeHead(502).end(),
      );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.destroy();
    },
  };
}

async function main(): Promise<void> {
  const [kind, portText, flag, logDir] = process.argv.slice(2);
  const backendPort = Number(portText);
  const logsOk =
    flag === undefined || (flag === '--access-logs' && logDir !== undefined && kind !== 'node-proxy');
  if (!KINDS.includes(kind) || !Number.isInteger(backendPort) || backendPort <= 0 || !logsOk) {
    process.stderr.write(
      `usage: node --import tsx bench/serve-ingress.ts <${KINDS.join('|')}> <backend port> [--access-logs <dir>]\n`,
    );
    process.exit(2);
  }
  const logs = logDir !== undefined ? { files: new LogFiles(), dir: logDir } : undefined;
  const serve = { apigateway: serveApiGateway, alb: serveAlb, 'node-proxy': serveNodeProxy }[
    kind as IngressKind
  ];
  const running = await serve(backendPort, logs);
  const served: Served = {
    url: running.url,
    close: async () => {
      await running.close();
      await logs?.files.close();
    },
  };
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 2_000);
    force.unref();
    void served.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ kind, url: served.url, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `serve-ingress: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
