/**
 * The local VPC resolver for Cloud Map private DNS namespaces: a DNS server (UDP and TCP) that
 * answers names in the namespaces from the live registry (`dns-answers.ts`) and forwards every
 * other name to the host's resolver.
 *
 * Fidelity (docs/reference/aws-behavior-2.md §6): what a task in the VPC gets from the Route 53
 * Resolver at the VPC's `.2` address, for the names of its private hosted zones: answers built at
 * query time from the registry, so a deregistered or unhealthy task leaves the answer at once
 * (on AWS about 30 s of custom-health lag come first, which the registry's `healthPropagationMs`
 * reproduces). The resolver caches nothing: the record TTLs are for the client's cache. Not
 * reproduced: DNSSEC, EDNS options other than the UDP payload size, recursion for names in the
 * namespaces (there is nothing to recurse to), zone transfers. Forwarded queries are relayed
 * byte for byte over UDP (also for a query that came over TCP) with a bounded wait; no answer in
 * time gives SERVFAIL.
 */

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6, createServer as netServer, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket from 'dns-packet';
import { WharfError } from '../../errors.js';
import { answerQuestion, type DnsDecision, type DnsRecord, type DnsZoneView } from './dns-answers.js';
import type { InstanceRecord } from './types.js';

/** Where a forwarded query goes. */
export interface UpstreamResolver {
  readonly host: string;
  /** @default 53 */
  readonly port: number;
}

/** Who asked (the source address of the query). */
export interface DnsClient {
  readonly address: string;
  readonly port: number;
  readonly protocol: 'udp' | 'tcp';
}

/** Options of {@link startCloudMapDns}. */
export interface CloudMapDnsOptions {
  /**
   * The address to listen on. Never a public one: the local cloud gives the gateway of its Docker
   * network (reachable from the host and that network's containers); tests give 127.0.0.1.
   */
  readonly host: string;
  /** UDP and TCP port. 0 picks a free one (the same for both). @default 53 (what Docker's `Dns` setting implies) */
  readonly port?: number;
  /**
   * Where other names go. `null`: nowhere (answered REFUSED).
   * @default the first `nameserver` of /etc/resolv.conf ({@link hostResolver})
   */
  readonly upstream?: UpstreamResolver | null;
  /** How long a forwarded query may wait for the upstream answer. @default 2000 */
  readonly forwardTimeoutMs?: number;
  /** `[0, 1)` source for answer sampling and order. @default Math.random */
  readonly random?: () => number;
  /**
   * The IPv4 address to give `client` for `instance`. @default the instance's `AWS_INSTANCE_IPV4`
   */
  readonly ipv4For?: (instance: InstanceRecord, client: DnsClient) => string | undefined;
  /** Called after each answer from the registry (e.g. to check security groups for the asker). */
  readonly onAnswer?: (
    client: DnsClient,
    decision: Extract<DnsDecision, { kind: 'answer' }>,
    type: string,
  ) => void;
}

/** A running resolver. */
export interface CloudMapDns {
  readonly host: string;
  readonly port: number;
  /** The upstream in use, if any. */
  readonly upstream: UpstreamResolver | null;
  /** Closes both sockets and every open TCP connection. Idempotent. */
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
const CLASSIC_UDP_LIMIT = 512;
const TCP_IDLE_MS = 10_000;

/**
 * The first `nameserver` of a resolv.conf text (`port` 53), or `undefined`.
 *
 * @example
 * ```ts
 * parseResolvConf('search lan\nnameserver 192.168.1.1\n'); // { host: '192.168.1.1', port: 53 }
 * ```
 */
export function parseResolvConf(text: string): UpstreamResolver | undefined {
  for (const line of text.split('\n')) {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    const host = match?.[1]?.replace(/%.*$/, '');
    if (host && (isIPv4(host) || isIPv6(host))) return { host, port: 53 };
  }
  return undefined;
}

/** The host's resolver, from /etc/resolv.conf; `null` when there is none. */
export function hostResolver(path = '/etc/resolv.conf'): UpstreamResolver | null {
  try {
    return parseResolvConf(readFileSync(path, 'utf8')) ?? null;
  } catch {
    return null;
  }
}

/**
 * Starts the resolver over `zone` (the Cloud Map registry). Rejects with `WHARF_DNS_LISTEN` when
 * the address or port cannot be taken (port 53 needs root or a lowered
 * `net.ipv4.ip_unprivileged_port_start` on Linux).
 *
 * @example
 * ```ts
 * const dns = await startCloudMapDns(registry, { host: '127.0.0.1', port: 0 });
 * const resolver = new (await import('node:dns')).promises.Resolver();
 * resolver.setServers([`127.0.0.1:${dns.port}`]);
 * await resolver.resolve4('inventory.internal');
 * ```
 */
export async function startCloudMapDns(zone: DnsZoneView, options: CloudMapDnsOptions): Promise<CloudMapDns> {
  const upstream = options.upstream === undefined ? hostResolver() : options.upstream;
  const forwardTimeoutMs = options.forwardTimeoutMs ?? 2000;
  const respond = async (query: Buffer, client: DnsClient): Promise<Buffer | undefined> => {
    let packet: dnsPacket.DecodedPacket;
    try {
      packet = dnsPacket.decode(query);
    } catch {
      return undefined; // not DNS: dropped, as resolvers do with garbage
    }
    if (packet.type !== 'query') return undefined;
    const question = packet.questions?.[0];
    if (!question) return reply(packet, RCODE.REFUSED, [], [], false);
    const decision = answerQuestion(zone, question.name, String(question.type), {
      random: options.random,
      ipv4Of: options.ipv4For ? (instance) => options.ipv4For?.(instance, client) : undefined,
    });
    if (decision.kind === 'forward') {
      if (!upstream || (upstream.host === options.host && upstream.port === port))
        return reply(packet, RCODE.REFUSED, [], [], false);
      return (
        (await forward(query, upstream, forwardTimeoutMs)) ?? reply(packet, RCODE.SERVFAIL, [], [], false)
      );
    }
    try {
      options.onAnswer?.(client, decision, String(question.type));
    } catch {
      // A failing listener must not break resolution.
    }
    const encoded = reply(packet, RCODE[decision.rcode], decision.answers, decision.additionals, true);
    if (client.protocol === 'tcp') return encoded;
    const limit = Math.max(CLASSIC_UDP_LIMIT, udpPayloadSize(packet));
    if (encoded.length <= limit) return encoded;
    const withoutExtras = reply(packet, RCODE[decision.rcode], decision.answers, [], true);
    if (withoutExtras.length <= limit) return withoutExtras;
    return reply(packet, RCODE[decision.rcode], [], [], true, true);
  };

  const connections = new Set<TcpSocket>();
  let udp: Socket;
  let tcp: Server;
  let port = 0;
  try {
    ({ udp, tcp, port } = await bindBoth(options.host, options.port ?? 53));
  } catch (error) {
    throw new WharfError(
      'WHARF_DNS_LISTEN',
      `Cannot start the Cloud Map DNS server on ${options.host}:${options.port ?? 53}: ${(error as Error).message}. ` +
        'Port 53 needs root (or net.ipv4.ip_unprivileged_port_start=53 on Linux).',
      { cause: error },
    );
  }
  udp.on('message', (message: Buffer, remote: RemoteInfo) => {
    void respond(message, { address: remote.address, port: remote.port, protocol: 'udp' }).then((out) => {
      if (out) udp.send(out, remote.port, remote.address);
    });
  });
  udp.on('error', () => {});
  tcp.on('connection', (socket) => {
    connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => {});
    const client: DnsClient = {
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      protocol: 'tcp',
    };
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        void respond(Buffer.from(message), client).then((out) => {
          if (!out || socket.destroyed) return;
          const framed = Buffer.alloc(2 + out.length);
          framed.writeUInt16BE(out.length, 0);
          out.copy(framed, 2);
          socket.write(framed);
        });
      }
    });
  });

  let closed: Promise<void> | undefined;
  return {
    host: options.host,
    port,
    upstream,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        udp.close();
        tcp.close(() => resolve());
      });
      return closed;
    },
  };
}

/** Binds UDP and TCP on the same port (a free one for 0: a few attempts when TCP's is taken). */
/** Tries for a UDP and TCP port pair when any free port will do (the pair is picked by the OS for UDP). */
const FREE_PORT_ATTEMPTS = 20;

/**
 * Binds a UDP socket and a TCP server on the same `wanted` port of `host`. With `wanted` 0 the OS
 * picks the UDP port, which another process may hold for TCP: the pair is then retried on a new
 * port (at most {@link FREE_PORT_ATTEMPTS} times). Nothing stays bound when it fails.
 */
async function bindBoth(host: string, wanted: number): Promise<{ udp: Socket; tcp: Server; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    const tcp = netServer();
    try {
      const port = await new Promise<number>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind({ address: host, port: wanted, exclusive: true }, () => {
          udp.off('error', reject);
          resolve(udp.address().port);
        });
      });
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ host, port, exclusive: true }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp, port };
    } catch (error) {
      try {
        udp.close();
      } catch {
        // never bound
      }
      tcp.close();
      const retry = wanted === 0 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!retry || attempt >= FREE_PORT_ATTEMPTS) throw error;
    }
  }
}

/** The UDP payload size the query advertises in its EDNS OPT record (0 without one). */
function udpPayloadSize(packet: dnsPacket.DecodedPacket): number {
  const opt = packet.additionals?.find((record) => record.type === 'OPT') as
    | { udpPayloadSize?: number }
    | undefined;
  return opt?.udpPayloadSize ?? 0;
}

function reply(
  query: dnsPacket.DecodedPacket,
  rcode: number,
  answers: readonly DnsRecord[],
  additionals: readonly DnsRecord[],
  authoritative: boolean,
  truncated = false,
): Buffer {
  let flags = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  flags |= dnsPacket.RECURSION_AVAILABLE | rcode;
  if (authoritative) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  if (truncated) flags |= dnsPacket.TRUNCATED_RESPONSE;
  return dnsPacket.encode({
    id: query.id,
    type: 'response',
    flags,
    questions: query.questions,
    answers: answers.map(toWire),
    additionals: additionals.map(toWire),
  });
}

function toWire(record: DnsRecord): dnsPacket.Answer {
  if (record.type === 'SRV')
    return { type: 'SRV', name: record.name, ttl: record.ttl, class: 'IN', data: { ...record.data } };
  return { type: record.type, name: record.name, ttl: record.ttl, class: 'IN', data: record.data };
}

/** Relays `query` to `upstream` over UDP; resolves its answer, or `undefined` after `timeoutMs`. */
function forward(query: Buffer, upstream: UpstreamResolver, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(upstream.host) ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (answer: Buffer | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('message', (message: Buffer) => {
      if (message.length >= 2 && message.readUInt16BE(0) === id) done(message);
    });
    socket.send(query, upstream.port, upstream.host);
  });
}
