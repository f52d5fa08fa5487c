/**
 * Shared pieces of the `wharf dev` end-to-end tests: start a local cloud on a fixture with the
 * test images, drive traffic through it, and check that nothing of the run is left behind.
 */

import { promises as dns } from 'node:dns';
import { cpSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../../src/local/cloud.js';
import { containersWithLabel, docker } from '../../support/docker.js';
import { runMain } from '../../support/in-process-cli.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/seeds-like');
export const API_GATEWAY_PARENT = join(FIXTURES, 'api-gateway', 'parent.yml');
export const ALB_PARENT = join(FIXTURES, 'alb', 'parent.yml');

/** A started cloud plus the messages it reported. */
export interface StartedCloud {
  readonly cloud: LocalCloud;
  readonly io: RecordingIoHost;
}

/** Starts a local cloud with a recording IoHost, logs in a temp folder and a unique run id. */
export async function startCloud(options: LocalCloudOptions): Promise<StartedCloud> {
  const io = new RecordingIoHost();
  const cloud = await startLocalCloud({
    logDir: mkdtempSync(join(tmpdir(), 'wharf-dev-logs-')),
    runId: `t${Math.random().toString(16).slice(2, 10)}`,
    io,
    ...options,
  });
  return { cloud, io };
}

/** Copies a seeds-like fixture folder to a temp folder, so a test can edit it. */
export function copyFixture(name: 'api-gateway' | 'alb'): string {
  const dir = mkdtempSync(join(tmpdir(), `wharf-fixture-${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** The first ingress URL of a kind. */
export function ingressUrl(cloud: LocalCloud, kind: 'api-gateway' | 'load-balancer'): string {
  const endpoint = cloud.endpoints.find((e) => e.kind === kind);
  if (!endpoint) throw new Error(`no ${kind} endpoint; endpoints: ${JSON.stringify(cloud.endpoints)}`);
  return endpoint.url;
}

/** One GET; network errors come back as status 0. */
export async function get(
  url: string,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  try {
    const response = await request(url, { headersTimeout: 40_000, bodyTimeout: 40_000 });
    return { status: response.statusCode, body: await response.body.text(), headers: response.headers };
  } catch {
    return { status: 0, body: '', headers: {} };
  }
}

/** Tallies of a load run. */
export interface LoadTally {
  total: number;
  byStatus: Record<number, number>;
  /** Distinct first lines of 200 bodies (`hello from <container hostname>`). */
  servers: Set<string>;
}

/**
 * Sends GETs from `concurrency` loops until `until()` is true, then resolves with the tally.
 */
export async function loadUntil(url: string, concurrency: number, until: () => boolean): Promise<LoadTally> {
  const tally: LoadTally = { total: 0, byStatus: {}, servers: new Set() };
  const loop = async () => {
    while (!until()) {
      const response = await get(url);
      tally.total += 1;
      tally.byStatus[response.status] = (tally.byStatus[response.status] ?? 0) + 1;
      if (response.status === 200) tally.servers.add(response.body.trim());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return tally;
}

/** Polls `condition` every 100 ms until it holds; rejects after `timeoutMs` with `what`. */
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when nothing accepts connections on 127.0.0.1:`port`. */
export function portClosed(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}

/** Containers still labelled with the run id. */
export async function containersOfRun(runId: string): Promise<number> {
  return (await containersWithLabel('wharf.run', runId)).length;
}

/** The local ports the cloud listens on (ingresses and the Cloud Map API). */
export function listeningPorts(cloud: LocalCloud): number[] {
  return cloud.endpoints.map((e) => Number(new URL(e.url).port));
}

/** The process runtime's command of the fixtures' `web` containers (run from the repository root). */
export const LOCAL_SERVER = 'node examples/local-server.mjs';

/**
 * `wharf dev --template … --runtime process --once` in this process: each container of
 * `commands` runs that command, logs go to a fresh folder, `extra` goes before `--once`.
 */
export function devOnceOnProcesses(
  templates: readonly string[],
  commands: Readonly<Record<string, string>>,
  extra: readonly string[] = [],
) {
  return runMain([
    'dev',
    ...templates.flatMap((template) => ['--template', template]),
    '--runtime',
    'process',
    ...Object.entries(commands).flatMap(([container, command]) => [
      '--process-command',
      `${container}=${command}`,
    ]),
    '--log-dir',
    mkdtempSync(join(tmpdir(), 'wharf-dev-logs-')),
    ...extra,
    '--once',
  ]);
}

/** A resolver that asks the run's Cloud Map DNS server (the address `dev` reported as `WHARF_DEV_DNS`). */
export function cloudMapResolver(started: StartedCloud): dns.Resolver {
  const info = started.io.withCode('WHARF_DEV_DNS')[0]?.data as { host: string; port: number } | undefined;
  if (!info) throw new Error('the run reported no Cloud Map DNS server (WHARF_DEV_DNS)');
  const resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`${info.host}:${info.port}`]);
  return resolver;
}

/** Containers and Docker networks still labelled with a run: `[0, 0]` once it is cleaned up. */
export async function dockerLeftoversOfRun(runId: string): Promise<[containers: number, networks: number]> {
  const label = [`wharf.run=${runId}`];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const networks = await docker.listNetworks({ filters: { label } });
  return [containers.length, networks.length];
}
