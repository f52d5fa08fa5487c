/**
 * The request tap on the ALB path (the ALB fixture on the process runtime, in-process) and the
 * event stream's bound on a page that does not read.
 */

import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { EventStream } from '../../../src/local/dashboard/event-stream.js';
import { DashboardFeed } from '../../../src/local/dashboard/feed.js';
import { type RunningDashboard, startDashboard } from '../../../src/local/dashboard/server.js';
import { ALB_PARENT, get, ingressUrl, LOCAL_SERVER, type StartedCloud, startCloud } from '../dev/support.js';
import { openEvents } from './sse.js';

describe('the dashboard on the ALB fixture (process runtime)', () => {
  let started: StartedCloud;
  let dashboard: RunningDashboard;

  beforeAll(async () => {
    const feed = new DashboardFeed();
    started = await startCloud({
      template: ALB_PARENT,
      runtime: 'process',
      overrides: { commands: { web: LOCAL_SERVER } },
      io: feed.tee(new RecordingIoHost()),
    });
    await started.cloud.waitUntilReady(60_000);
    dashboard = await startDashboard(started.cloud, feed, { pushIntervalMs: 100 });
  });
  afterAll(async () => {
    await dashboard?.close();
    await started?.cloud.stop();
  });

  it('streams a request through the load balancer with its target task, trace id and access-log line', async () => {
    const stream = await openEvents(`${dashboard.url}api/events`);
    try {
      await stream.next((e) => e.event === 'snapshot');
      const response = await get(`${ingressUrl(started.cloud, 'load-balancer')}/through-the-alb`);
      expect(response.status).toBe(200);
      const servedBy = /hello from task ([0-9a-f]{32})/.exec(response.body)?.[1];
      const event = await stream.next(
        (e) =>
          e.event === 'requests' &&
          (e.data as { records: { path: string }[] }).records.some((r) => r.path === '/through-the-alb'),
        5_000,
      );
      const record = (event.data as { records: Record<string, unknown>[] }).records.find(
        (r) => r.path === '/through-the-alb',
      ) as { fields: Record<string, unknown>; line: string; requestId: string } & Record<string, unknown>;
      expect(record).toMatchObject({
        ingress: 'load-balancer',
        method: 'GET',
        status: 200,
        taskId: servedBy,
      });
      expect(record.requestId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      expect(record.fields).toMatchObject({
        elbStatusCode: 200,
        targetStatusCode: 200,
        actionsExecuted: 'forward',
      });
      expect(record.line).toMatch(/^http \S+ app\/\S+ 127\.0\.0\.1:\d+ 10\.\d+\.\d+\.\d+:\d+ /);
    } finally {
      stream.close();
    }
  });

  it("shows each task's target, and a task without container checks healthy only once its target is", async () => {
    const snapshot = JSON.parse((await get(`${dashboard.url}api/snapshot`)).body);
    const targets = snapshot.live.status.targetGroups.flatMap(
      (g: { targets: { id: string; state: string }[] }) => g.targets,
    ) as { id: string; state: string }[];
    const tasks = snapshot.live.status.services[0].tasks as {
      taskId: string;
      privateIp: string;
      healthStatus: string;
    }[];
    expect(targets.map((t) => t.id).sort()).toEqual(tasks.map((t) => t.privateIp).sort());
    for (const task of tasks) {
      expect(task.healthStatus).toBe('UNKNOWN');
      const target = targets.find((t) => t.id === task.privateIp)?.state;
      expect(['initial', 'healthy']).toContain(target);
      expect(snapshot.live.tasks[task.taskId].state).toBe(target === 'healthy' ? 'healthy' : 'running');
    }
  });
});

describe('EventStream: bounded for a page that does not read', () => {
  it('closes the stream instead of buffering without end', async () => {
    let outcome: { sent: number; closed: boolean } | undefined;
    const server = createServer((_req, res) => {
      const stream = new EventStream(res, { maxBufferedBytes: 64 * 1024 });
      const payload = 'x'.repeat(16 * 1024);
      let sent = 0;
      // Bounded: 4,000 × 16 KiB is far more than the socket buffers hold.
      while (sent < 4000 && stream.send('big', payload)) sent++;
      outcome = { sent, closed: stream.isClosed };
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => res.pause());
    req.on('error', () => {});
    req.end();
    for (let i = 0; i < 100 && outcome === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    server.closeAllConnections();
    server.close();
    expect(outcome?.closed).toBe(true);
    expect(outcome?.sent).toBeLessThan(4000);
  });
});
