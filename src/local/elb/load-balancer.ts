/**
 * An Application Load Balancer: one loopback HTTP server per listener, each running the action of
 * its first matching listener rule or its default action, and health checks for the target groups
 * it forwards to.
 *
 * Fidelity (aws-behavior.md §2, aws-behavior-2.md §4): each request goes through the listener's
 * rules in priority order (listener-rules.ts), then its default action; the action is `forward`
 * (proxy.ts; weighted, with group stickiness, balancer.ts), `redirect` or `fixed-response`
 * (listener-actions.ts); the access log line carries the matched rule's priority (0 for the
 * default action) and the target group that served. The load balancer reaches targets and
 * health-checks them as a VPC source (its security groups and a private IP), through the injected
 * {@link NetworkPath}. The idle timeout applies to client connections (keep-alive; 408 and the
 * connection closed for a client that sends no complete request headers, or whose request body
 * stops arriving, within it: §2.4, §2.5) and to targets (504). `TRACE` is refused with 405,
 * malformed requests with 400, a request line or header line over 16 KB or headers over 64 KB
 * with 400 (request-checks.ts). Absolute-form targets (`GET http://host/x`) are routed and
 * forwarded in origin-form with the target's host as `Host` (RFC 9112 §3.2.2); other forms
 * (`OPTIONS *`) get 400. `CONNECT` is not served: node:http closes the connection. HTTPS
 * listeners are served over TLS on loopback with certificates from Wharf's local CA, SNI and the
 * TLS versions of their `SslPolicy` (listener-server.ts); a redirect back to this load balancer
 * points at the local port of the listener it names (listener-actions.ts).
 * Not emulated: authentication actions, rule transforms, HTTP/2 and gRPC, WebSocket upgrades,
 * 463 for more than 30 `X-Forwarded-For` addresses, 501 for unknown transfer encodings (Node's
 * parser answers 400), cross-zone and DNS behaviour.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { WharfError } from '../../errors.js';
import { type Clock, SYSTEM_CLOCK } from '../clock.js';
import type { RequestTap } from '../http/request-tap.js';
import { applyOriginForm, classifyRequestTarget } from '../http/request-target.js';
import type { ConnectionSource, NetworkPath } from '../network/types.js';
import type { CertificateIssuer } from '../tls/certificate-authority.js';
import { urlHost } from '../tls/server-names.js';
import { type AccessLogSink, elbLogName } from './access-log.js';
import { groupStickinessCookies, selectTargetGroup, stickyTargetGroup } from './balancer.js';
import { ELB_STATUS_TEXT, elbErrorPage } from './errors.js';
import { stripPort } from './forwarded-headers.js';
import { writeFixedResponse, writeRedirect } from './listener-actions.js';
import { ListenerRules, ruleRequestOf } from './listener-rules.js';
import { createListenerServer } from './listener-server.js';
import {
  answerFromLoadBalancer,
  forwardRequest,
  type ListenerContext,
  logRequest,
  type RequestRecord,
} from './proxy.js';
import { refusedRequestStatus } from './request-checks.js';
import type { Target, TargetGroup } from './target-group.js';
import type { ListenerAction, ListenerConfig, LoadBalancerConfig } from './types.js';

/** What a load balancer uses from outside. */
export interface LoadBalancerDeps {
  /** Turns targets' private `ip:port` into loopback addresses, applying security groups. */
  readonly network: NetworkPath;
  /** @default SYSTEM_CLOCK */
  readonly clock?: Clock;
  /** Receives one access log line per request. @default no access log */
  readonly accessLog?: AccessLogSink;
  /** Hands finished requests to a live view (the dashboard) while it listens. */
  readonly requestTap?: RequestTap;
  /** Called each time a security group blocks the load balancer (the caller deduplicates). */
  readonly onBlocked?: (message: string) => void;
  /** For weighted target groups; returns [0, 1). @default Math.random */
  readonly random?: () => number;
  /**
   * Issues the certificates of HTTPS listeners (the local CA's `issue`). @default - none: a
   * load balancer with an HTTPS listener does not start
   */
  readonly issueCertificate?: CertificateIssuer;
}

/** How to run a load balancer locally. */
export interface LoadBalancerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Local port per AWS listener port; 0 or absent = a free port. */
  readonly ports?: Readonly<Record<number, number>>;
  /** The load balancer's private IP as a connection source. @default '10.0.0.10' */
  readonly sourceIp?: string;
  /** Overrides `idle_timeout.timeout_seconds` (client and target side), for tests. */
  readonly idleTimeoutMs?: number;
  /**
   * How long a request to an unreachable target (blocked by a security group, or an address no
   * one holds) waits before its 504; AWS waits 10 s for the SYN. @default 0 (fail at once)
   */
  readonly connectTimeoutMs?: number;
}

/** One running listener. */
export interface RunningListener {
  /** The listener port on AWS (80, 443). */
  readonly awsPort: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  /**
   * `http://127.0.0.1:<port>`, or for HTTPS `https://<name>:<port>` with the first name of its
   * default certificate (which resolves to the loopback only when the client is told so).
   */
  readonly url: string;
  /** The local port. */
  readonly port: number;
  /** HTTPS: the names of each certificate it serves, default first. @default - none */
  readonly certificateNames?: readonly (readonly string[])[];
}

/** A running load balancer. */
export interface RunningLoadBalancer {
  readonly listeners: readonly RunningListener[];
  /** Stops the listeners, cuts open connections, stops health checks. */
  close(): Promise<void>;
}

/**
 * Starts the load balancer `config`: a server per listener and health checks for every target
 * group its `forward` actions name (all of which must be in `targetGroups`).
 *
 * @throws WharfError `WHARF_ELB_TARGET_GROUP_UNKNOWN` when an action names a group not given,
 *   `WHARF_ELB_LISTEN_FAILED` when a listener port cannot be opened.
 */
export async function startLoadBalancer(
  config: LoadBalancerConfig,
  targetGroups: ReadonlyMap<string, TargetGroup>,
  deps: LoadBalancerDeps,
  options: LoadBalancerOptions = {},
): Promise<RunningLoadBalancer> {
  const used = usedTargetGroups(config, targetGroups);
  const clock = deps.clock ?? SYSTEM_CLOCK;
  const host = options.host ?? '127.0.0.1';
  const idleTimeoutMs = options.idleTimeoutMs ?? config.idleTimeoutSeconds * 1000;
  const source: ConnectionSource = {
    securityGroupIds: config.securityGroupIds,
    sourceIp: options.sourceIp ?? '10.0.0.10',
    label: `load balancer ${config.name}`,
  };
  const pools = new TargetPools(idleTimeoutMs);
  const detachers = [...used].map((group) => {
    const detach = group.attachLoadBalancer({ network: deps.network, source, onBlocked: deps.onBlocked });
    const onState = (change: { id: string; port: number; state: string }) => {
      if (change.state === 'unused') pools.release(`${change.id}:${change.port}`);
      else if (change.state === 'draining') pools.drain(`${change.id}:${change.port}`);
    };
    group.on('state', onState);
    return () => {
      group.off('state', onState);
      detach();
    };
  });
  const pendingTimers = new Set<{ cancel(): void }>();
  const servers: Array<Server | TlsServer> = [];
  // AWS listener port → local port, filled as listeners bind (redirects read it per request).
  const localPorts = new Map<number, number>();
  const listeners: RunningListener[] = [];
  const close = async (): Promise<void> => {
    for (const detach of detachers.splice(0)) detach();
    for (const timer of pendingTimers) timer.cancel();
    pendingTimers.clear();
    await Promise.all(servers.map(closeServer));
    await pools.destroy();
  };
  try {
    for (const listener of config.listeners) {
      const context: ListenerContext = {
        proto: listener.protocol.toLowerCase(),
        awsPort: listener.port,
        dnsName: config.dnsName,
        dropInvalidHeaderFields: config.dropInvalidHeaderFields,
        idleTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs ?? 0,
        source,
        network: deps.network,
        clock,
        elbLogName: elbLogName(config.arn, config.name),
        accessLog: deps.accessLog,
        requestTap: deps.requestTap,
        onBlocked: deps.onBlocked,
        poolFor: (target, targetHost, targetPort) => pools.get(target, targetHost, targetPort),
        pendingTimers,
      };
      const handle = listenerHandler(listener, context, targetGroups, deps.random ?? Math.random, localPorts);
      const { server, certificates } = createListenerServer(
        listener,
        idleTimeoutMs,
        handle,
        deps.issueCertificate,
        config.name,
      );
      server.on('clientError', (error, socket) => answerClientError(error, socket as Socket, clock));
      servers.push(server);
      const port = await listen(server, host, options.ports?.[listener.port] ?? 0, config.name, listener);
      localPorts.set(listener.port, port);
      const serverName = certificates?.[0] && urlHost(certificates[0].names);
      listeners.push({
        awsPort: listener.port,
        protocol: listener.protocol,
        url: certificates ? `https://${serverName ?? host}:${port}` : `http://${host}:${port}`,
        port,
        ...(certificates ? { certificateNames: certificates.map((c) => c.names) } : {}),
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { listeners, close };
}

/** The target groups the listeners forward to; throws for one that was not given. */
function usedTargetGroups(
  config: LoadBalancerConfig,
  targetGroups: ReadonlyMap<string, TargetGroup>,
): Set<TargetGroup> {
  const used = new Set<TargetGroup>();
  for (const listener of config.listeners) {
    const actions: ListenerAction[] = [
      ...listener.defaultActions,
      ...(listener.rules ?? []).map((rule) => rule.action),
    ];
    for (const action of actions) {
      if (action.type !== 'forward') continue;
      for (const { targetGroupArn } of action.targetGroups) {
        const group = targetGroups.get(targetGroupArn);
        if (!group) {
          throw new WharfError(
            'WHARF_ELB_TARGET_GROUP_UNKNOWN',
            `Load balancer ${config.name}: listener on port ${listener.port} forwards to target group '${targetGroupArn}', which is not among the target groups given (${[...targetGroups.keys()].join(', ') || 'none'}).`,
            { source: 'internal' },
          );
        }
        used.add(group);
      }
    }
  }
  return used;
}

/**
 * The request handler of one listener: the first rule whose conditions match decides, else the
 * first default action.
 */
function listenerHandler(
  listener: ListenerConfig,
  context: ListenerContext,
  targetGroups: ReadonlyMap<string, TargetGroup>,
  random: () => number,
  localPorts: ReadonlyMap<number, number>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const rules = new ListenerRules(listener.rules ?? [], listener.defaultActions[0]);
  return (req, res) => {
    const record: RequestRecord = {
      startMs: context.clock.now(),
      startPerf: performance.now(),
      actionsExecuted: '-',
    };
    const target = classifyRequestTarget(req.url);
    if (target.form === 'absolute') applyOriginForm(req, target);
    const refused =
      target.form === 'invalid'
        ? 400
        : refusedRequestStatus(req.method ?? '', req.url ?? '/', req.httpVersion, req.rawHeaders);
    if (refused !== undefined) {
      answerFromLoadBalancer(context, req, res, record, refused);
      return;
    }
    const { action, priority } = rules.decide(ruleRequestOf(req));
    record.matchedRulePriority = priority;
    record.actionsExecuted = action?.type ?? 'fixed-response';
    switch (action?.type) {
      case 'forward': {
        const sticky = action.stickiness?.enabled ? action.stickiness : undefined;
        const weighted =
          (sticky && stickyTargetGroup(action.targetGroups, req.headers.cookie)) ??
          selectTargetGroup(action.targetGroups, random);
        const group = weighted && targetGroups.get(weighted.targetGroupArn);
        if (sticky && weighted) {
          record.setCookies = groupStickinessCookies(
            weighted.targetGroupArn,
            sticky.durationSeconds,
            context.clock.now(),
          );
        }
        if (!group) answerFromLoadBalancer(context, req, res, record, 503);
        else forwardRequest(context, req, res, group, record);
        return;
      }
      case 'redirect': {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        record.redirectUrl = writeRedirect(
          res,
          action,
          {
            protocol: context.proto,
            host: req.headers.host ? stripPort(req.headers.host) : context.dnsName,
            port: context.awsPort,
            path: (q < 0 ? url : url.slice(0, q)).replace(/^\//, ''),
            query: q < 0 ? '' : url.slice(q + 1),
          },
          context.clock.now(),
          localPorts,
        );
        logRequest(context, req, record, res.statusCode);
        return;
      }
      case 'fixed-response':
        writeFixedResponse(res, action, context.clock.now());
        logRequest(context, req, record, action.statusCode);
        return;
      default:
        answerFromLoadBalancer(context, req, res, record, 503);
    }
  };
}

/** 400 for a malformed request, 408 for a client that sent no complete headers in time. */
function answerClientError(error: Error & { code?: string }, socket: Socket, clock: Clock): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = elbErrorPage(status);
  socket.end(
    `HTTP/1.1 ${status} ${ELB_STATUS_TEXT[status]}\r\nServer: awselb/2.0\r\nDate: ${new Date(clock.now()).toUTCString()}\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString('latin1')}`,
  );
}

function listen(
  server: Server | TlsServer,
  host: string,
  port: number,
  name: string,
  listener: ListenerConfig,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(
        new WharfError(
          'WHARF_ELB_LISTEN_FAILED',
          `Load balancer ${name}: cannot open the local port ${port} for the ${listener.protocol}:${listener.port} listener on ${host}: ${error.message}. Choose another port, or 0 for a free one.`,
          { cause: error },
        ),
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server | TlsServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Keep-alive connection pools to targets, one per target and real address. */
class TargetPools {
  private readonly pools = new Map<string, { readonly address: string; readonly pool: Pool }>();

  constructor(private readonly idleTimeoutMs: number) {}

  get(target: Target, host: string, port: number): Pool {
    const entry = this.pools.get(target.key);
    if (entry && entry.pool.closed === false && entry.address === `${host}:${port}`) return entry.pool;
    if (entry) void entry.pool.close().catch(() => {});
    const pool = new Pool(`http://${host}:${port}`, {
      keepAliveTimeout: this.idleTimeoutMs,
      keepAliveMaxTimeout: this.idleTimeoutMs,
      headersTimeout: this.idleTimeoutMs,
      bodyTimeout: this.idleTimeoutMs,
      connectTimeout: 10_000,
      // "response header > 32 K" → 502 (§2.5).
      maxHeaderSize: 32 * 1024,
    });
    this.pools.set(target.key, { address: `${host}:${port}`, pool });
    return pool;
  }

  /** A draining target gets no new requests: close its idle connections once in-flight ones end. */
  drain(key: string): void {
    const entry = this.pools.get(key);
    if (!entry) return;
    this.pools.delete(key);
    void entry.pool.close().catch(() => {});
  }

  /** The target is gone: cut whatever is left. */
  release(key: string): void {
    const entry = this.pools.get(key);
    this.pools.delete(key);
    void entry?.pool.destroy().catch(() => {});
  }

  async destroy(): Promise<void> {
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(entries.map(({ pool }) => pool.destroy().catch(() => {})));
  }
}
