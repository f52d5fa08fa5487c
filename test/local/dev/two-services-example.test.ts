/**
 * `examples/two-services` on Docker, end to end: client → local API Gateway → an orders task →
 * the run's Cloud Map DNS (`inventory.internal`) → an inventory task, both images built from the
 * example's own Dockerfile on the offline `node:22-alpine` stand-in. Killing an inventory task takes
 * it out of DNS, and its replacement is answered within the record's TTL (10 s, the constructs'
 * `DnsConfig` for a private service), as docs/reference/aws-behavior-2.md §6.2 describes.
 */

import type { promises as dns } from 'node:dns';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, requireDocker } from '../../support/docker.js';
import { ensureTestBaseImages } from '../../support/stand-in.js';
import {
  cloudMapResolver,
  dockerLeftoversOfRun,
  eventually,
  get,
  ingressUrl,
  type StartedCloud,
  startCloud,
} from './support.js';

const hasDocker = await requireDocker();
const EXAMPLE = join(resolve(import.meta.dirname, '../../..'), 'examples', 'two-services');
const TTL_SECONDS = 10;

interface OrdersAnswer {
  service: string;
  host: string;
  path: string;
  inventoryUrl: string;
  inventory?: { service: string; host: string; items: Record<string, number> };
  error?: string;
}

describe.skipIf(!hasDocker)(
  'examples/two-services on Docker: a private service reached by its Cloud Map name',
  () => {
    let started: StartedCloud;
    let resolver: dns.Resolver;

    beforeAll(async () => {
      await ensureTestBaseImages();
      started = await startCloud({ dir: EXAMPLE, runtime: 'docker' });
      await started.cloud.waitUntilReady(120_000);
      resolver = cloudMapResolver(started);
    }, 180_000);

    afterAll(async () => {
      const runId = started?.cloud.runId;
      await started?.cloud.stop();
      if (runId) expect(await dockerLeftoversOfRun(runId)).toEqual([0, 0]);
    }, 60_000);

    const runningTasks = (service: string) =>
      (started.cloud.services.get(service)?.describe().tasks ?? []).filter(
        (task) => task.lastStatus === 'RUNNING',
      );
    /** A container's host name is the first 12 characters of its id. */
    const hostOf = (task: { handles: readonly string[] }) => (task.handles[0] as string).slice(0, 12);
    const orders = async (): Promise<{ status: number; body: OrdersAnswer }> => {
      const response = await get(`${ingressUrl(started.cloud, 'api-gateway')}/orders/7`);
      return { status: response.status, body: JSON.parse(response.body) as OrdersAnswer };
    };

    it('GET /orders/7 goes through the API Gateway to an orders task, which reaches an inventory task at http://inventory.internal:8080', async () => {
      const answer = await orders();
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        service: 'orders',
        path: '/orders/7',
        inventoryUrl: 'http://inventory.internal:8080',
        inventory: { service: 'inventory', items: { widget: 12, gadget: 3 } },
      });
      expect(runningTasks('orders').map(hostOf)).toContain(answer.body.host);
      expect(runningTasks('inventory').map(hostOf)).toContain(answer.body.inventory?.host);
    });

    it('answers inventory.internal with A records of the healthy inventory tasks only, TTL 10', async () => {
      const records = await resolver.resolve4('inventory.internal', { ttl: true });
      expect(records.map((record) => record.ttl)).toEqual([TTL_SECONDS, TTL_SECONDS]);
      const own = await Promise.all(
        runningTasks('inventory').map((task) => resolver.resolve4(`${task.taskId}.inventory.internal`)),
      );
      expect(records.map((record) => record.address).sort()).toEqual(own.flat().sort());
    });

    it('stops answering with a killed inventory task and answers its replacement within the TTL; orders keeps reaching inventory', async () => {
      const [killed, survivor] = runningTasks('inventory');
      if (!killed || !survivor) throw new Error('two RUNNING inventory tasks expected');
      await docker.getContainer(killed.handles[0] as string).kill();
      await eventually(
        'the killed task leaves DNS',
        () =>
          resolver.resolve4(`${killed.taskId}.inventory.internal`).then(
            () => false,
            (error: NodeJS.ErrnoException) => error.code === 'ENOTFOUND',
          ),
        20_000,
      );
      const isReplacement = (id: string) => id !== killed.taskId && id !== survivor.taskId;
      let newest = '';
      await eventually(
        'a replacement runs',
        () => {
          newest = runningTasks('inventory').find((task) => isReplacement(task.taskId))?.taskId ?? '';
          return newest !== '';
        },
        60_000,
      );
      const runningAt = Date.now();
      await eventually(
        'the replacement is answered',
        async () => {
          const all = await resolver.resolve4('inventory.internal').catch((): string[] => []);
          const own = await resolver.resolve4(`${newest}.inventory.internal`).catch((): string[] => []);
          return all.length === 2 && own.length === 1 && all.includes(own[0] as string);
        },
        TTL_SECONDS * 1000,
      );
      expect(Date.now() - runningAt).toBeLessThanOrEqual(TTL_SECONDS * 1000);
      const answer = await orders();
      expect(answer.status).toBe(200);
      expect(answer.body.inventory?.host).not.toBe(hostOf(killed));
    }, 120_000);
  },
);
