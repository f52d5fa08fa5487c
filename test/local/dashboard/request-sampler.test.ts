import { describe, expect, it } from 'vitest';
import { RequestSampler, statusClass } from '../../../src/local/dashboard/request-sampler.js';
import type { TappedRequest } from '../../../src/local/http/request-tap.js';

function request(path: string, status = 200): TappedRequest {
  return {
    ingress: 'api-gateway',
    ingressName: 'api',
    timeMs: 0,
    method: 'GET',
    path,
    status,
    latencyMs: 1,
    requestId: undefined,
    upstream: undefined,
    fields: {},
    line: undefined,
  };
}

/** What an ingress does per request: observe, and build the record only when asked. */
function offer(sampler: RequestSampler, path: string, status = 200, latencyMs = 1): boolean {
  const wanted = sampler.observe(status, latencyMs);
  if (wanted) sampler.record(request(path, status));
  return wanted;
}

describe('RequestSampler: bounded whatever the request rate', () => {
  it('keeps the first perSecond requests of each second as records and counts all of them', () => {
    let now = 10_000;
    const sampler = new RequestSampler({ perSecond: 3, capacity: 100, now: () => now });
    const wanted = Array.from({ length: 10 }, (_, i) => offer(sampler, `/a${i}`, 200, i));
    expect(wanted).toEqual([true, true, true, false, false, false, false, false, false, false]);
    now = 11_000;
    expect(offer(sampler, '/b', 503, 40)).toBe(true);
    expect(sampler.since(0).map((r) => r.path)).toEqual(['/a0', '/a1', '/a2', '/b']);
    expect(sampler.aggregates()).toEqual([
      { second: 10_000, count: 10, byClass: { '2xx': 10 }, latencySumMs: 45, latencyMaxMs: 9, sampled: 3 },
      { second: 11_000, count: 1, byClass: { '5xx': 1 }, latencySumMs: 40, latencyMaxMs: 40, sampled: 1 },
    ]);
  });

  it('drops the oldest records beyond its capacity, and finds kept ones by sequence number', () => {
    let now = 0;
    const sampler = new RequestSampler({ perSecond: 1, capacity: 3, now: () => now });
    for (let i = 1; i <= 5; i++) {
      now = i * 1000;
      offer(sampler, `/${i}`);
    }
    expect(sampler.since(0).map((r) => [r.seq, r.path])).toEqual([
      [3, '/3'],
      [4, '/4'],
      [5, '/5'],
    ]);
    expect(sampler.since(4).map((r) => r.path)).toEqual(['/5']);
    expect(sampler.get(2)).toBeUndefined();
    expect(sampler.get(4)?.path).toBe('/4');
    expect(sampler.get(6)).toBeUndefined();
  });

  it('keeps at most `seconds` seconds of aggregates', () => {
    let now = 0;
    const sampler = new RequestSampler({ seconds: 2, now: () => now });
    for (let s = 0; s < 5; s++) {
      now = s * 1000;
      offer(sampler, '/');
    }
    expect(sampler.aggregates().map((a) => a.second)).toEqual([2000, 3000, 4000]);
  });

  it('forgets records and aggregates on clear, and numbers on from where it was', () => {
    const sampler = new RequestSampler({ now: () => 0 });
    offer(sampler, '/1');
    sampler.clear();
    expect(sampler.since(0)).toEqual([]);
    expect(sampler.aggregates()).toEqual([]);
    offer(sampler, '/2');
    expect(sampler.since(0).map((r) => [r.seq, r.path])).toEqual([[2, '/2']]);
    expect(sampler.get(2)?.path).toBe('/2');
  });

  it.each([
    [200, '2xx'],
    [302, '3xx'],
    [404, '4xx'],
    [599, '5xx'],
    [0, '0'],
  ])('puts status %i in class %s', (status, klass) => {
    expect(statusClass(status)).toBe(klass);
  });
});
