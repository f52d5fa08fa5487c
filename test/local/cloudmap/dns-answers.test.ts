/**
 * What the VPC resolver answers for Cloud Map names, computed from the registry
 * (docs/reference/aws-behavior-2.md §6.1 names and records, §6.2 TTL, answer count, health).
 */

import { describe, expect, it } from 'vitest';
import { answerQuestion, owningNamespace } from '../../../src/local/cloudmap/dns-answers.js';
import type { DiscoveryServiceConfig, NamespaceConfig } from '../../../src/local/cloudmap/types.js';
import {
  A_ONLY,
  CUSTOM,
  ecsAttributes,
  HTTP_NAMESPACE,
  makeRegistry,
  NAMESPACE,
  taskId,
  UNCHECKED,
  WEIGHTED,
} from './fixtures.js';

describe('answerQuestion', () => {
  it('WEIGHTED answers one healthy instance (§6.2)', () => {
    const registry = makeRegistry();
    for (let n = 1; n <= 3; n++)
      registry.registerInstance(WEIGHTED.id, taskId(n), ecsAttributes(`10.0.1.${n}`));
    const decision = answerQuestion(registry, 'weighted.wharf.local', 'SRV');
    expect(decision.kind === 'answer' && decision.answers.length).toBe(1);
  });

  it('counts every instance as healthy for a service without a health check (§6.2)', () => {
    const registry = makeRegistry();
    registry.registerInstance(UNCHECKED.id, taskId(1), ecsAttributes('10.0.1.1', 9000));
    const decision = answerQuestion(registry, 'worker.wharf.local.', 'SRV');
    expect(decision).toMatchObject({ kind: 'answer', rcode: 'NOERROR' });
    expect(decision.kind === 'answer' && decision.answers.map((a) => a.data)).toEqual([
      { priority: 1, weight: 1, port: 9000, target: `${taskId(1)}.worker.wharf.local` },
    ]);
  });

  it('adds the SRV targets A records in the additional section, and matches names in any case', () => {
    const registry = makeRegistry();
    registry.registerInstance(CUSTOM.id, taskId(1), ecsAttributes('10.0.1.1', 5000));
    const decision = answerQuestion(registry, 'API.Wharf.Local', 'SRV');
    expect(decision.kind === 'answer' && decision.additionals).toEqual([
      { type: 'A', name: `${taskId(1)}.API.Wharf.Local`, ttl: 60, data: '10.0.1.1' },
    ]);
  });

  it('answers AAAA from AWS_INSTANCE_IPV6 only for a service with AAAA records', () => {
    const dualStack: DiscoveryServiceConfig = {
      ...A_ONLY,
      id: 'srv-dual0000000001',
      name: 'dual',
      dnsRecords: [
        { type: 'A', ttl: 10 },
        { type: 'AAAA', ttl: 20 },
      ],
    };
    const registry = makeRegistry({ services: [A_ONLY, dualStack] });
    const attributes = ecsAttributes('10.0.1.1', 80, { AWS_INSTANCE_IPV6: '2600:1f18::5' });
    registry.registerInstance(dualStack.id, taskId(1), attributes);
    registry.registerInstance(A_ONLY.id, taskId(2), attributes);
    expect(answerQuestion(registry, 'dual.wharf.local', 'AAAA')).toMatchObject({
      answers: [{ type: 'AAAA', ttl: 20, data: '2600:1f18::5' }],
    });
    expect(answerQuestion(registry, 'arecords.wharf.local', 'AAAA')).toMatchObject({
      rcode: 'NOERROR',
      answers: [],
    });
  });

  it('forwards names of HTTP namespaces and names outside every namespace', () => {
    const registry = makeRegistry();
    expect(answerQuestion(registry, 'httponly.wharf-http', 'A')).toEqual({ kind: 'forward' });
    expect(answerQuestion(registry, 'example.com', 'A')).toEqual({ kind: 'forward' });
    expect(answerQuestion(registry, 'notwharf.local', 'A')).toEqual({ kind: 'forward' });
  });

  it('gives each asker the address the ipv4Of hook chooses', () => {
    const registry = makeRegistry();
    registry.registerInstance(A_ONLY.id, taskId(1), ecsAttributes('10.0.1.1'));
    const decision = answerQuestion(registry, 'arecords.wharf.local', 'A', { ipv4Of: () => '198.18.7.2' });
    expect(decision.kind === 'answer' && decision.answers.map((a) => a.data)).toEqual(['198.18.7.2']);
  });
});

describe('owningNamespace', () => {
  it('picks the longest private DNS namespace holding the name', () => {
    const outer: NamespaceConfig = { ...NAMESPACE, id: 'ns-outer', name: 'local' };
    expect(owningNamespace([outer, NAMESPACE, HTTP_NAMESPACE], 'api.wharf.local')?.id).toBe(NAMESPACE.id);
    expect(owningNamespace([outer, NAMESPACE], 'api.other.local')?.id).toBe('ns-outer');
  });
});
