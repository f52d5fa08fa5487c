/**
 * The `wharf dev` dashboard: an HTTP server on 127.0.0.1 that serves the page (static files from
 * `page/`), a snapshot of the local cloud, a Server-Sent Events stream of its changes, task log
 * lines, and the two actions (stop a task, force a new deployment).
 *
 * Fidelity: not AWS; the AWS console's ECS, EC2 target group and Cloud Map pages in small, fed
 * by the same model `wharf dev` prints. Requests are counted only while a page is open (the
 * ingresses' tap is cleared when the last stream closes), so the data path pays nothing for a
 * closed page; with pages open it pays a counter per request and a record for at most
 * `requestsPerSecond` requests a second (`request-sampler.ts`).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDiagramModel } from '../../diagram/model.js';
import { renderSvg } from '../../diagram/svg.js';
import type { LocalCloud } from '../cloud.js';
import type { LocalStatus } from '../status.js';
import { forceNewDeployment, stopTask } from './actions.js';
import { EventStream } from './event-stream.js';
import type { DashboardFeed } from './feed.js';
import { guardRequest } from './request-guard.js';
import { RequestSampler, type SampledRequest } from './request-sampler.js';
import { BAD_BODY, json, readJsonBody, send, text } from './responses.js';
import {
  indexTaskAddresses,
  type TaskRef,
  targetStatesByIp,
  taskAt,
  taskDisplayState,
} from './task-state.js';

/** The parts of a {@link LocalCloud} the dashboard reads and acts on. */
export type DashboardCloud = Pick<
  LocalCloud,
  'runId' | 'runtime' | 'endpoints' | 'model' | 'services' | 'requestTap' | 'status'
>;

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** Full request records kept per second (the rest are counted). @default 50 */
  readonly requestsPerSecond?: number;
  /** How often changes are pushed to open pages, ms. @default 250 */
  readonly pushIntervalMs?: number;
}

/** A running dashboard. */
export interface RunningDashboard {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Open event streams (pages). */
  streams(): number;
  close(): Promise<void>;
}

/** A request record as the page gets it: with the task that served it. */
export interface PageRequest extends SampledRequest {
  readonly taskId?: string;
  readonly service?: string;
}

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
/** Content types of the page's files, by extension; other files in `page/` are not served. */
const PAGE_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const TASK_PATH = /^\/api\/tasks\/([0-9a-f]{32})\/(logs|stop)$/;
const SERVICE_PATH = /^\/api\/services\/([^/]{1,255})\/force-new-deployment$/;
const REQUEST_PATH = /^\/api\/requests\/([0-9]{1,15})$/;

/** Starts the dashboard of `cloud` on 127.0.0.1; `feed` must be the one teed into the cloud's IoHost. */
export async function startDashboard(
  cloud: DashboardCloud,
  feed: DashboardFeed,
  options: DashboardOptions = {},
): Promise<RunningDashboard> {
  const dashboard = new Dashboard(cloud, feed, options);
  const port = await dashboard.listen(options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    streams: () => dashboard.streamCount,
    close: () => dashboard.close(),
  };
}

class Dashboard {
  private readonly server: Server;
  private readonly streams = new Set<EventStream>();
  private readonly sampler: RequestSampler;
  private readonly pages = new Map<string, { body: Buffer; type: string }>();
  private port = 0;
  private diagram: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopFeed: (() => void) | undefined;
  private pushQueued = false;
  private lastStatusJson = '';
  private lastSeq = 0;
  private addresses = new Map<string, TaskRef>();

  constructor(
    private readonly cloud: DashboardCloud,
    private readonly feed: DashboardFeed,
    private readonly options: DashboardOptions,
  ) {
    this.sampler = new RequestSampler({ perSecond: options.requestsPerSecond ?? 50 });
    // The page's files, read once: the set served is fixed at start (no path from a request
    // ever reaches the file system).
    for (const file of readdirSync(PAGE_DIR)) {
      const type = PAGE_TYPES[extname(file)];
      if (type) this.pages.set(`/${file}`, { body: readFileSync(join(PAGE_DIR, file)), type });
    }
    const index = this.pages.get('/index.html');
    if (index) this.pages.set('/', index);
    this.server = createServer({ keepAlive: true }, (req, res) => this.handle(req, res));
  }

  get streamCount(): number {
    return this.streams.size;
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  close(): Promise<void> {
    for (const stream of [...this.streams]) stream.close();
    this.idle();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const verdict = guardRequest(
      { method: req.method ?? 'GET', host: req.headers.host, origin: req.headers.origin },
      this.port,
    );
    if (!verdict.allowed) {
      text(res, verdict.status, verdict.message);
      return;
    }
    const path = (req.url ?? '/').split('?')[0] as string;
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    try {
      if (req.method === 'POST') this.post(req, res, path);
      else this.get(res, path, query);
    } catch (error) {
      text(res, 500, `The dashboard failed: ${(error as Error).message}\n`);
    }
  }

  private get(res: ServerResponse, path: string, query: URLSearchParams): void {
    const page = this.pages.get(path);
    const request = REQUEST_PATH.exec(path);
    const task = TASK_PATH.exec(path);
    if (page) send(res, 200, page.type, page.body);
    else if (path === '/api/snapshot') json(res, 200, this.snapshot());
    else if (path === '/api/diagram.svg') send(res, 200, 'image/svg+xml; charset=utf-8', this.svg());
    else if (path === '/api/events') this.openStream(res);
    else if (request) this.requestDetail(res, Number(request[1]));
    else if (task && task[2] === 'logs') this.taskLogs(res, task[1] as string, query);
    else text(res, 404, 'Not found.\n');
  }

  private post(req: IncomingMessage, res: ServerResponse, path: string): void {
    readJsonBody(req, (body) => {
      const answer = body === undefined ? BAD_BODY : this.act(path, body);
      if (answer.status === 200) this.queuePush();
      json(res, answer.status, { message: answer.message });
    });
  }

  /** Runs the action `path` names. */
  private act(path: string, body: Record<string, unknown>): { status: number; message: string } {
    const task = TASK_PATH.exec(path);
    if (task && task[2] === 'stop') {
      const reason = typeof body.reason === 'string' ? body.reason : undefined;
      return stopTask(this.cloud.services, task[1] as string, reason);
    }
    const service = SERVICE_PATH.exec(path);
    if (!service) return { status: 404, message: 'Not found.' };
    let name: string;
    try {
      name = decodeURIComponent(service[1] as string);
    } catch {
      return { status: 400, message: 'The service name is not valid percent-encoding.' };
    }
    return forceNewDeployment(this.cloud.services, name);
  }

  private snapshot() {
    const status = this.cloud.status();
    this.addresses = indexTaskAddresses(status);
    return {
      runId: this.cloud.runId,
      runtime: this.cloud.runtime,
      endpoints: this.cloud.endpoints,
      live: this.pageStatus(status),
      requests: this.sampler.since(0).map((r) => this.withTask(r)),
      aggregates: this.sampler.aggregates(),
    };
  }

  /** The status with each task's display state and observed transitions. */
  private pageStatus(status: LocalStatus) {
    const targets = targetStatesByIp(status);
    const states: Record<string, { state: string; transitions: unknown }> = {};
    const tasks = [...status.services.flatMap((s) => s.tasks), ...status.standaloneTasks];
    for (const task of tasks) {
      states[task.taskId] = {
        state: taskDisplayState(
          task,
          task.privateIp && task.lastStatus !== 'STOPPED' ? (targets.get(task.privateIp) ?? []) : [],
        ),
        transitions: this.feed
          .transitionsOf(task.taskId)
          .map((transition) => ({ ...transition, state: taskDisplayState(transition, []) })),
      };
    }
    return { status, tasks: states };
  }

  private svg(): string {
    // The page's stylesheet styles the drawing: its own <style> would need an unsafe CSP.
    this.diagram ??= renderSvg(buildDiagramModel(this.cloud.model.app)).replace(
      /<style>[\s\S]*?<\/style>/,
      '',
    );
    return this.diagram;
  }

  private withTask(record: SampledRequest): PageRequest {
    const task = taskAt(this.addresses, record.upstream);
    return task ? { ...record, taskId: task.taskId, service: task.service } : record;
  }

  private requestDetail(res: ServerResponse, seq: number): void {
    const record = this.sampler.get(seq);
    if (!record) {
      text(res, 404, 'That request is no longer kept (the newest 500 sampled ones are).\n');
      return;
    }
    const withTask = this.withTask(record);
    const logs = withTask.taskId ? this.feed.logs.around(withTask.taskId, record.timeMs, 10, 10) : [];
    json(res, 200, { request: withTask, logs });
  }

  private taskLogs(res: ServerResponse, taskId: string, query: URLSearchParams): void {
    const search = query.get('q') ?? undefined;
    if (query.get('follow') !== '1') {
      const limit = Math.min(2000, Math.max(1, Number(query.get('limit') ?? 500) || 500));
      json(res, 200, { taskId, lines: this.feed.logs.lines(taskId, { query: search, limit }) });
      return;
    }
    // Follow: the kept lines first, then each new one, batched.
    const stream = new EventStream(res);
    stream.send('lines', this.feed.logs.lines(taskId, { query: search }));
    const needle = search?.toLowerCase();
    let batch: unknown[] = [];
    let timer: NodeJS.Timeout | undefined;
    const unfollow = this.feed.logs.follow(taskId, (line) => {
      if (needle && !line.line.toLowerCase().includes(needle)) return;
      if (batch.length < 1000) batch.push(line);
      timer ??= setTimeout(() => {
        timer = undefined;
        stream.send('lines', batch);
        batch = [];
      }, 100);
    });
    stream.onClose(() => {
      unfollow();
      if (timer) clearTimeout(timer);
    });
  }

  private openStream(res: ServerResponse): void {
    const stream = new EventStream(res);
    if (this.streams.size === 0) this.active();
    this.streams.add(stream);
    stream.send('snapshot', this.snapshot());
    stream.onClose(() => {
      this.streams.delete(stream);
      if (this.streams.size === 0) this.idle();
    });
  }

  /** The first page opened: count requests, push changes. */
  private active(): void {
    this.cloud.requestTap.listener = this.sampler;
    this.lastSeq = this.sampler.lastSeq;
    this.lastStatusJson = '';
    this.timer = setInterval(() => this.push(), this.options.pushIntervalMs ?? 250);
    this.timer.unref();
    this.stopFeed = this.feed.onChange(() => this.queuePush());
  }

  /** The last page closed: nothing is computed per request any more. */
  private idle(): void {
    this.cloud.requestTap.listener = undefined;
    this.sampler.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopFeed?.();
    this.stopFeed = undefined;
  }

  private queuePush(): void {
    if (this.pushQueued || this.streams.size === 0) return;
    this.pushQueued = true;
    setTimeout(() => {
      this.pushQueued = false;
      this.push();
    }, 20).unref();
  }

  private push(): void {
    if (this.streams.size === 0) return;
    const status = this.cloud.status();
    this.addresses = indexTaskAddresses(status);
    const live = this.pageStatus(status);
    const statusJson = JSON.stringify(live);
    const changed = statusJson !== this.lastStatusJson;
    this.lastStatusJson = statusJson;
    const records = this.sampler.since(this.lastSeq).map((r) => this.withTask(r));
    this.lastSeq = this.sampler.lastSeq;
    const aggregates = this.sampler.aggregates().slice(-5);
    const requestsJson =
      records.length > 0 || aggregates.length > 0 ? JSON.stringify({ records, aggregates }) : undefined;
    for (const stream of this.streams) {
      if (changed) stream.sendJson('status', statusJson);
      if (requestsJson !== undefined) stream.sendJson('requests', requestsJson);
    }
  }
}
