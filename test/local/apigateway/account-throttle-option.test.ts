/**
 * `apiGatewayAccountThrottle` (LocalCloudOptions): the account-level limit every HTTP API of a run
 * shares, AWS's 10,000 req/s and burst 5,000 unless given (benchmarks lift it). A real local
 * cloud (process runtime, the seeds-like API Gateway templates) with a tiny limit: the burst
 * passes, the next request in the same second gets API Gateway's 429.
 */

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, get, ingressUrl, LOCAL_SERVER, type StartedCloud, startCloud } from '../dev/support.js';

describe('the local cloud with apiGatewayAccountThrottle', () => {
  let started: StartedCloud;

  beforeAll(async () => {
    started = await startCloud({
      template: join(FIXTURES, 'api-gateway', 'parent.yml'),
      runtime: 'process',
      overrides: { commands: { web: LOCAL_SERVER } },
      apiGatewayAccountThrottle: { rateLimit: 0.001, burstLimit: 2 },
    });
    await started.cloud.waitUntilReady(60_000);
  });
  afterAll(async () => {
    await started?.cloud.stop();
  });

  it('answers the burst, then 429 Too Many Requests from the account limit it was given', async () => {
    const url = `${ingressUrl(started.cloud, 'api-gateway')}/`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(url)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });
});
