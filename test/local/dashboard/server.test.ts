/**
 * The dashboard server on a real local cloud (the API Gateway fixture on the process runtime,
 * in-process): what it serves, the live stream, the actions, and the requests it refuses.
 */

import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { DashboardFeed } from '../../../src/local/dashboard/feed.js';
import { type RunningDashboard, startDashboard } from '../../../src/local/dashboard/server.js';
import {
  API_GATEWAY_PARENT,
  eventually,
  get,
  ingressUrl,
  LOCAL_SERVER,
  type StartedCloud,
  startCloud,
} from '../dev/support.js';
import { openEvents } from './sse.js';

interface Answer {
  status: number;
  body: string;
}

/** One request with exactly these headers (Host included), over a real socket. */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('wharf dev dashboard server (API Gateway fixture, process runtime)', () => {
  let started: StartedCloud;
  let dashboard: RunningDashboard;
  let feed: DashboardFeed;
  let own: Record<string, string>;
  let actionHeaders: Record<string, string>;

  beforeAll(async () => {
    feed = new DashboardFeed();
    started = await startCloud({
      template: API_GATEWAY_PARENT,
      runtime: 'process',
      overrides: { commands: { web: LOCAL_SERVER } },
      io: feed.tee(new RecordingIoHost()),
    });
    await started.cloud.waitUntilReady(60_000);
    dashboard = await startDashboard(started.cloud, feed, { pushIntervalMs: 100 });
    own = { host: `127.0.0.1:${dashboard.port}` };
    actionHeaders = {
      ...own,
      origin: `http://127.0.0.1:${dashboard.port}`,
      'content-type': 'application/json',
    };
  });
  afterAll(async () => {
    await dashboard?.close();
    await started?.cloud.stop();
  });

  it('listens on 127.0.0.1 only and serves the page with a strict content security policy', async () => {
    expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/`);
    const page = await get(dashboard.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/app.js"></script>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get(`${dashboard.url}app.js`)).status).toBe(200);
    expect((await get(`${dashboard.url}style.css`)).status).toBe(200);
  });

  it('serves a snapshot with both tasks of the service, and the architecture as `wharf diagram` draws it', async () => {
    const snapshot = JSON.parse((await get(`${dashboard.url}api/snapshot`)).body);
    expect(snapshot.runId).toBe(started.cloud.runId);
    const [service] = snapshot.live.status.services;
    const running = service.tasks.filter((t: { lastStatus: string }) => t.lastStatus === 'RUNNING');
    expect(running).toHaveLength(2);
    for (const task of running) expect(snapshot.live.tasks[task.taskId].state).toBe('healthy');
    const svg = (await get(`${dashboard.url}api/diagram.svg`)).body;
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain(`data-id="tasks:${service.serviceName}:`);
    expect(svg).not.toContain('<style>');
  });

  it('refuses a request whose Host is not its own address with 421 (DNS rebinding), echoing nothing', async () => {
    const answer = await raw(dashboard.port, 'GET', '/api/snapshot', {
      host: `rebind.attacker.example:${dashboard.port}`,
    });
    expect(answer.status).toBe(421);
    expect(answer.body).toContain(`http://127.0.0.1:${dashboard.port}/`);
    expect(answer.body).not.toContain('attacker');
  });

  it('refuses actions without its own Origin with 403, and stops nothing', async () => {
    const [service] = started.cloud.status().services;
    const taskId = service?.tasks[0]?.taskId as string;
    const crossSite = await raw(dashboard.port, 'POST', `/api/tasks/${taskId}/stop`, {
      ...own,
      origin: 'https://attacker.example',
    });
    const noOrigin = await raw(dashboard.port, 'POST', `/api/tasks/${taskId}/stop`, own);
    expect([crossSite.status, noOrigin.status]).toEqual([403, 403]);
    expect(crossSite.body).not.toContain('attacker');
    const task = started.cloud.status().services[0]?.tasks.find((t) => t.taskId === taskId);
    expect(task?.desiredStatus).toBe('RUNNING');
  });

  it('answers bad action input with 400 and unknown tasks or services with 404', async () => {
    const missing = 'f'.repeat(32);
    expect(
      (await raw(dashboard.port, 'POST', `/api/tasks/${missing}/stop`, actionHeaders, '{}')).status,
    ).toBe(404);
    expect(
      (await raw(dashboard.port, 'POST', `/api/tasks/${missing}/stop`, actionHeaders, '[1]')).status,
    ).toBe(400);
    const long = JSON.stringify({ reason: 'x'.repeat(256) });
    const taskId = started.cloud.status().services[0]?.tasks[0]?.taskId as string;
    expect((await raw(dashboard.port, 'POST', `/api/tasks/${taskId}/stop`, actionHeaders, long)).status).toBe(
      400,
    );
    const unknown = await raw(
      dashboard.port,
      'POST',
      '/api/services/%3Cb%3Enope/force-new-deployment',
      actionHeaders,
      '{}',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).not.toContain('<b>');
  });

  it('counts requests only while a page is open, and streams each one with the task that served it and its log lines', async () => {
    expect(started.cloud.requestTap.listener).toBeUndefined();
    const stream = await openEvents(`${dashboard.url}api/events`);
    try {
      await stream.next((e) => e.event === 'snapshot');
      expect(started.cloud.requestTap.listener).toBeDefined();
      const response = await get(`${ingressUrl(started.cloud, 'api-gateway')}/dashboard-probe?x=1`);
      expect(response.status).toBe(200);
      const servedBy = /hello from task ([0-9a-f]{32})/.exec(response.body)?.[1];
      const event = await stream.next(
        (e) =>
          e.event === 'requests' &&
          (e.data as { records: { path: string }[] }).records.some((r) => r.path === '/dashboard-probe'),
        5_000,
      );
      const record = (event.data as { records: Record<string, unknown>[] }).records.find(
        (r) => r.path === '/dashboard-probe',
      ) as Record<string, unknown>;
      expect(record).toMatchObject({ method: 'GET', status: 200, taskId: servedBy, ingress: 'api-gateway' });
      expect(record.requestId).toMatch(/^[A-Za-z0-9+/=]+$/);
      const detail = JSON.parse((await get(`${dashboard.url}api/requests/${record.seq}`)).body);
      expect(detail.request.fields).toMatchObject({
        httpMethod: 'GET',
        path: '/dashboard-probe',
        status: 200,
      });
      expect(detail.request.line).toEqual(expect.any(String));
      expect(detail.logs.length).toBeGreaterThan(0);
      expect(detail.logs.every((l: { taskId: string }) => l.taskId === servedBy)).toBe(true);
    } finally {
      stream.close();
    }
    await eventually(
      'the tap to be cleared once no page is open',
      () => started.cloud.requestTap.listener === undefined,
      5_000,
    );
  });

  it('serves a task log, searchable, and follows it live', async () => {
    const taskId = started.cloud.status().services[0]?.tasks.find((t) => t.lastStatus === 'RUNNING')
      ?.taskId as string;
    const all = JSON.parse((await get(`${dashboard.url}api/tasks/${taskId}/logs`)).body);
    expect(all.lines.some((l: { line: string }) => l.line.startsWith('listening on'))).toBe(true);
    const none = JSON.parse((await get(`${dashboard.url}api/tasks/${taskId}/logs?q=no-such-text`)).body);
    expect(none.lines).toEqual([]);
    const follow = await openEvents(`${dashboard.url}api/tasks/${taskId}/logs?follow=1&q=listening`);
    try {
      const first = await follow.next((e) => e.event === 'lines');
      expect((first.data as { line: string }[]).every((l) => l.line.includes('listening'))).toBe(true);
    } finally {
      follow.close();
    }
  });

  it('stops a task through the ECS StopTask path: stopped with its reason, drained first, and replaced', async () => {
    const stream = await openEvents(`${dashboard.url}api/events`);
    try {
      const before =
        started.cloud.status().services[0]?.tasks.filter((t) => t.lastStatus === 'RUNNING') ?? [];
      const victim = before[0]?.taskId as string;
      const answer = await raw(dashboard.port, 'POST', `/api/tasks/${victim}/stop`, actionHeaders, '{}');
      expect(answer.status).toBe(200);
      const stopped = await stream.next((e) => {
        const live = e.data as { tasks?: Record<string, { state: string }> };
        return live.tasks?.[victim]?.state === 'stopped';
      }, 30_000);
      const live = stopped.data as {
        status: { services: { tasks: { taskId: string; stoppedReason?: string }[] }[] };
        tasks: Record<string, { transitions: { state: string }[] }>;
      };
      const task = live.status.services[0]?.tasks.find((t) => t.taskId === victim);
      expect(task?.stoppedReason).toBe('Task stopped by user');
      expect(live.tasks[victim]?.transitions.map((t) => t.state)).toContain('draining');
      const again = await raw(dashboard.port, 'POST', `/api/tasks/${victim}/stop`, actionHeaders, '{}');
      expect(again.status).toBe(409);
      await started.cloud.waitUntilReady(30_000);
      const after = started.cloud.status().services[0]?.tasks.filter((t) => t.lastStatus === 'RUNNING') ?? [];
      expect(after).toHaveLength(2);
      expect(after.map((t) => t.taskId)).not.toContain(victim);
    } finally {
      stream.close();
    }
  });

  it('forces a new deployment through UpdateService: a new PRIMARY deployment rolls', async () => {
    const [service] = started.cloud.status().services;
    const previous = service?.deployments[0]?.id;
    const answer = await raw(
      dashboard.port,
      'POST',
      `/api/services/${encodeURIComponent(service?.serviceName as string)}/force-new-deployment`,
      actionHeaders,
      '{}',
    );
    expect(answer.status).toBe(200);
    const deployments = started.cloud.status().services[0]?.deployments ?? [];
    expect(deployments[0]?.status).toBe('PRIMARY');
    expect(deployments[0]?.id).not.toBe(previous);
    expect(deployments.map((d) => d.id)).toContain(previous);
  });
});
