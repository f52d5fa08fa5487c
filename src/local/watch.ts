/**
 * `wharf dev --watch`: when a file of the CDK app changes, synthesize again and roll the services
 * to the new templates as ECS would (a new deployment per changed task definition or desired
 * count, under the service's minimum healthy and maximum percent), so requests keep being served.
 * Changes to anything else (routes, listeners, security groups) are reported as needing a restart.
 */

import { type FSWatcher, watch } from 'node:fs';
import { resolve } from 'node:path';
import { type IoHost, SILENT_IO } from '../io/io-host.js';
import { resolveApp } from '../template/evaluate.js';
import type { LocalCloud, LocalCloudOptions } from './cloud.js';
import { buildLocalModel } from './model.js';
import { loadSource } from './source.js';

/** Paths under the app folder whose changes are ignored. */
const IGNORED = /(^|[/\\])(cdk\.out|node_modules|\.wharf|\.git|dist)([/\\]|$)/;

/** A running watch. */
export interface AppWatch {
  /** Resolves when the redeploy in progress (if any) has been handed to the schedulers. */
  idle(): Promise<void>;
  close(): void;
}

/** Watches `options.dir` and redeploys `cloud` on change. */
export function watchApp(
  cloud: LocalCloud,
  options: LocalCloudOptions,
  io: IoHost = SILENT_IO,
  debounceMs = 300,
): AppWatch {
  const dir = resolve(options.dir ?? '.');
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const redeploy = async () => {
    io.notify({ level: 'info', code: 'WHARF_DEV_WATCH', message: 'Change detected: synthesizing…' });
    try {
      const source = await loadSource(options, io);
      try {
        const model = buildLocalModel(
          resolveApp(source.app, { parameters: options.parameters }),
          options.overrides,
        );
        const changes = await cloud.update(model);
        io.notify({
          level: 'info',
          code: 'WHARF_DEV_WATCH',
          message: changes.length > 0 ? `Deploying: ${changes.join('; ')}` : 'No change to the services.',
          data: { changes },
        });
      } finally {
        source.dispose();
      }
    } catch (error) {
      io.notify({
        level: 'error',
        code: 'WHARF_DEV_WATCH_FAILED',
        message: `not redeployed: ${(error as Error).message}`,
      });
    }
  };
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, file) => {
    if (file && IGNORED.test(String(file))) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(redeploy);
    }, debounceMs);
  });
  return {
    idle: () => running,
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
