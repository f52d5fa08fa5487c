/**
 * The local Cloud Map resolver, asked over real UDP and TCP sockets on 127.0.0.1
 * (docs/reference/aws-behavior-2.md §6: names, records, TTLs, MULTIVALUE health, forwarding).
 */

import { createSocket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CloudMapDns,
  parseResolvConf,
  startCloudMapDns,
} from '../../../src/local/cloudmap/dns-server.js';
import { A_ONLY, CUSTOM, ecsAttributes, HTTP_ONLY, makeRegistry, taskId, UNCHECKED } from './fixtures.js';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function start(registry = makeRegistry(), upstream: { host: string; port: number } | null = null) {
  const server = await startCloudMapDns(registry, {
    host: '127.0.0.1',
    port: 0,
    upstream,
    forwardTimeoutMs: 500,
  });
  open.push(server);
  return { registry, server };
}

/** A decoded answer, as the tests read it. */
interface Reply {
  readonly rcode: string;
  readonly answers: ReadonlyArray<{ type: string; name: string; ttl?: number; data?: unknown }>;
}

function toReply(packet: dnsPacket.DecodedPacket): Reply {
  return {
    rcode: (packet as unknown as { rcode: string }).rcode,
    answers: (packet.answers ?? []) as Reply['answers'],
  };
}

/** One query over UDP, decoded (bounded: 2 s). */
function ask(server: CloudMapDns, name: string, type: dnsPacket.RecordType, edns = false) {
  return new Promise<Reply>((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer for ${name} ${type} in 2 s`));
    }, 2000);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(toReply(dnsPacket.decode(message)));
    });
    socket.send(
      dnsPacket.encode({
        id: 4242,
        type: 'query',
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ name, type, class: 'IN' }],
        ...(edns
          ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as dnsPacket.Answer] }
          : {}),
      }),
      server.port,
      '127.0.0.1',
    );
  });
}

describe('Cloud Map DNS server', () => {
  it('answers A for a service with A records from its healthy instances, with the record TTL (§6.1, §6.2)', async () => {
    const { registry, server } = await start();
    registry.registerInstance(A_ONLY.id, taskId(1), ecsAttributes('10.0.2.4'));
    registry.registerInstance(A_ONLY.id, taskId(2), ecsAttributes('10.0.2.5'));
    registry.registerInstance(A_ONLY.id, taskId(3), ecsAttributes('10.0.2.6'));
    registry.updateInstanceCustomHealthStatus(A_ONLY.id, taskId(3), 'UNHEALTHY');
    const resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
    const answers = await resolver.resolve4('arecords.wharf.local', { ttl: true });
    expect(answers.map((a) => a.address).sort()).toEqual(['10.0.2.4', '10.0.2.5']);
    expect(answers.every((a) => a.ttl === 10)).toBe(true);
  });

  it('answers SRV "1 1 <port> <instanceId>.<service>.<namespace>" with the SRV TTL, and A for the target (§6.1)', async () => {
    const { registry, server } = await start();
    registry.registerInstance(CUSTOM.id, taskId(7), ecsAttributes('10.0.1.7', 5000));
    const packet = await ask(server, 'api.wharf.local', 'SRV');
    expect(packet.rcode).toBe('NOERROR');
    expect(packet.answers).toEqual([
      {
        name: 'api.wharf.local',
        type: 'SRV',
        ttl: 60,
        class: 'IN',
        flush: false,
        data: { priority: 1, weight: 1, port: 5000, target: `${taskId(7)}.api.wharf.local` },
      },
    ]);
    const target = await ask(server, `${taskId(7)}.api.wharf.local`, 'A');
    expect(target.answers.map((a) => [a.type, a.data, a.ttl])).toEqual([['A', '10.0.1.7', 60]]);
  });

  it('answers at most 8 of 10 healthy instances; all unhealthy gives up to 8 unhealthy ones (§6.2 MULTIVALUE)', async () => {
    const { registry, server } = await start();
    for (let n = 1; n <= 10; n++)
      registry.registerInstance(A_ONLY.id, taskId(n), ecsAttributes(`10.0.2.${n}`));
    const healthy = await ask(server, 'arecords.wharf.local', 'A', true);
    expect(healthy.answers).toHaveLength(8);
    for (let n = 1; n <= 10; n++)
      registry.updateInstanceCustomHealthStatus(A_ONLY.id, taskId(n), 'UNHEALTHY');
    const unhealthy = await ask(server, 'arecords.wharf.local', 'A', true);
    expect(unhealthy.answers).toHaveLength(8);
  });

  it('follows the registry: a replaced task leaves the answer and its replacement is in the next one', async () => {
    const { registry, server } = await start();
    registry.registerInstance(A_ONLY.id, taskId(1), ecsAttributes('10.0.2.4'));
    expect((await ask(server, 'arecords.wharf.local', 'A')).answers.map((a) => a.data)).toEqual(['10.0.2.4']);
    registry.deregisterInstance(A_ONLY.id, taskId(1));
    registry.registerInstance(A_ONLY.id, taskId(2), ecsAttributes('10.0.2.9'));
    expect((await ask(server, 'arecords.wharf.local', 'A')).answers.map((a) => a.data)).toEqual(['10.0.2.9']);
  });

  it('gives NOERROR without answers for a type the service has no record of, NXDOMAIN for unknown names and empty services', async () => {
    const { registry, server } = await start();
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.1.7'));
    const aOnSrv = await ask(server, 'api.wharf.local', 'A');
    expect([aOnSrv.rcode, aOnSrv.answers]).toEqual(['NOERROR', []]);
    expect((await ask(server, 'nope.wharf.local', 'A')).rcode).toBe('NXDOMAIN');
    expect((await ask(server, `${UNCHECKED.name}.wharf.local`, 'SRV')).rcode).toBe('NXDOMAIN');
    expect((await ask(server, 'wharf.local', 'A')).rcode).toBe('NOERROR');
  });

  it('forwards names outside private DNS namespaces (HTTP namespaces included) to the upstream resolver', async () => {
    const upstream = createSocket('udp4');
    open.push(upstream);
    upstream.on('message', (message, remote) => {
      const query = dnsPacket.decode(message);
      upstream.send(
        dnsPacket.encode({
          id: query.id,
          type: 'response',
          questions: query.questions,
          answers: [{ type: 'A', name: query.questions?.[0]?.name ?? '', ttl: 300, data: '203.0.113.9' }],
        }),
        remote.port,
        remote.address,
      );
    });
    await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', resolve));
    const { server } = await start(makeRegistry(), { host: '127.0.0.1', port: upstream.address().port });
    expect((await ask(server, 'example.test', 'A')).answers.map((a) => a.data)).toEqual(['203.0.113.9']);
    expect((await ask(server, `${HTTP_ONLY.name}.wharf-http`, 'A')).answers.map((a) => a.data)).toEqual([
      '203.0.113.9',
    ]);
  });

  it('answers SERVFAIL when the upstream does not answer within the timeout', async () => {
    const silent = createSocket('udp4');
    open.push(silent);
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const { server } = await start(makeRegistry(), { host: '127.0.0.1', port: silent.address().port });
    expect((await ask(server, 'example.test', 'A')).rcode).toBe('SERVFAIL');
  });

  it('answers over TCP with a length prefix', async () => {
    const { registry, server } = await start();
    registry.registerInstance(A_ONLY.id, taskId(1), ecsAttributes('10.0.2.4'));
    const socket = connect(server.port, '127.0.0.1');
    open.push({ close: () => socket.destroy() });
    socket.write(
      dnsPacket.streamEncode({
        id: 7,
        type: 'query',
        questions: [{ name: 'arecords.wharf.local', type: 'A' }],
      }),
    );
    const framed = await new Promise<Buffer>((resolve, reject) => {
      let data = Buffer.alloc(0);
      const timer = setTimeout(() => reject(new Error('no TCP answer in 2 s')), 2000);
      socket.on('data', (chunk: Buffer) => {
        data = Buffer.concat([data, chunk]);
        if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
          clearTimeout(timer);
          resolve(data);
        }
      });
    });
    const packet = toReply(dnsPacket.streamDecode(framed) as dnsPacket.DecodedPacket);
    expect(packet.answers.map((a) => a.data)).toEqual(['10.0.2.4']);
  });

  it('reads the first nameserver of resolv.conf', () => {
    expect(parseResolvConf('# x\nsearch lan\nnameserver 192.168.1.1\nnameserver 9.9.9.9\n')).toEqual({
      host: '192.168.1.1',
      port: 53,
    });
    expect(parseResolvConf('search lan\n')).toBeUndefined();
  });
});
