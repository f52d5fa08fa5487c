/**
 * `wharf dev --watch`: when a file of the CDK app changes, synthesize again and roll the services
 * to the new templates as ECS would (a new task definition revision per changed service, deployed
 * under the service's minimum healthy and maximum percent, health checks and deregistration
 * delay), so requests keep being served. When a file in a folder an image is built from changes,
 * the image is built again directly, without a new synthesis, and the services using it roll to a
 * new revision running it (on the process runtime: their commands restart the same way). A failed
 * synthesis or build changes nothing: the old tasks keep serving, the error is printed, and the
 * next good save recovers. Changes to anything else (routes, listeners, security groups) are
 * reported as needing a restart.
 *
 * Files are watched with chokidar, which follows a file replaced by a rename (how vim, `sed -i` and
 * many IDEs save): Node's own recursive `fs.watch` on Linux stops reporting such a file after its
 * first save. Changes are debounced; which ones count is decided in `watch-filter.ts`.
 */

import { resolve } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { type IoHost, SILENT_IO } from '../io/io-host.js';
import { resolveApp } from '../template/evaluate.js';
import type { LocalCloud, LocalCloudOptions } from './cloud.js';
import { buildLocalModel, type LocalModel } from './model.js';
import { dockerignoreOf } from './runtime/build-context.js';
import { loadSource } from './source.js';
import { appChangeIgnored, imageChangeIgnored, insideFolder } from './watch-filter.js';

/** A running watch. */
export interface AppWatch {
  /** Resolves once every folder is being watched (changes before that may be missed). */
  ready(): Promise<void>;
  /** Resolves when the redeploy in progress (if any) has been handed to the schedulers. */
  idle(): Promise<void>;
  /** Stops watching. */
  close(): Promise<void>;
}

/** The folders images are built from, with the Dockerfile each uses (relative to the folder). */
function imageFolders(model: LocalModel): Map<string, string> {
  const folders = new Map<string, string>();
  for (const service of model.services) {
    for (const container of service.taskDefinition.containers) {
      if (container.build) folders.set(container.build.directory, container.build.file ?? 'Dockerfile');
    }
  }
  return folders;
}

/** Watches the CDK app folder `options.dir` and every image folder of `cloud`; redeploys on change. */
export function watchApp(
  cloud: LocalCloud,
  options: LocalCloudOptions,
  io: IoHost = SILENT_IO,
  debounceMs = 100,
): AppWatch {
  const appDir = resolve(options.dir ?? '.');
  let model: LocalModel = cloud.model;
  let folders = imageFolders(model);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  const pending = { synth: false, images: new Set<string>() };

  const redeploy = async () => {
    const synth = pending.synth;
    const changedImages = [...pending.images];
    pending.synth = false;
    pending.images.clear();
    if (!synth && changedImages.length === 0) return;
    try {
      if (synth) {
        io.notify({ level: 'info', code: 'WHARF_DEV_WATCH', message: 'Change detected: synthesizing…' });
        const source = await loadSource(options, io);
        try {
          model = buildLocalModel(
            resolveApp(source.app, { parameters: options.parameters }),
            options.overrides,
          );
        } finally {
          source.dispose();
        }
      } else {
        const where = changedImages.map((dir) => insideFolder(appDir, dir) || dir).join(', ');
        io.notify({
          level: 'info',
          code: 'WHARF_DEV_WATCH',
          message: `Change detected in ${where}: ${cloud.runtime.name === 'docker' ? 'building the image again' : 'restarting its tasks'}…`,
          data: { folders: changedImages },
        });
      }
      const changes = await cloud.update(model);
      io.notify({
        level: 'info',
        code: 'WHARF_DEV_WATCH',
        message: changes.length > 0 ? `Deploying: ${changes.join('; ')}` : 'No change to the services.',
        data: { changes },
      });
    } catch (error) {
      io.notify({
        level: 'error',
        code: 'WHARF_DEV_WATCH_FAILED',
        message: `not redeployed (the running tasks keep serving): ${(error as Error).message}`,
        data: { error },
      });
    }
    const next = imageFolders(model);
    if ([...next].join('\n') !== [...folders].join('\n')) {
      folders = next;
      await resetImageWatchers();
    }
  };

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(redeploy);
    }, debounceMs);
  };

  const appWatcher = watch(appDir, {
    ignoreInitial: true,
    ignored: (path: string) => appChangeIgnored(appDir, path, [...folders.keys()]),
  });
  appWatcher.on('all', () => {
    pending.synth = true;
    schedule();
  });

  let imageWatchers: FSWatcher[] = [];
  const watchImageFolder = (dir: string, dockerfile: string): FSWatcher => {
    // With exceptions (`!pattern`) an excluded folder may hold included files: watch all, the
    // content hash decides whether the image changed.
    const { ignores, hasExceptions } = dockerignoreOf(dir);
    const watcher = watch(dir, {
      ignoreInitial: true,
      ignored: (path: string) =>
        imageChangeIgnored(dir, path, hasExceptions ? () => false : ignores, dockerfile),
    });
    watcher.on('all', (_event, path) => {
      pending.images.add(dir);
      if (insideFolder(dir, path) === '.dockerignore') void resetImageWatchers();
      schedule();
    });
    return watcher;
  };
  let watchersReady: Promise<unknown> = Promise.resolve();
  const resetImageWatchers = async () => {
    const old = imageWatchers;
    imageWatchers = closed ? [] : [...folders].map(([dir, file]) => watchImageFolder(dir, file));
    watchersReady = Promise.all(imageWatchers.map(whenReady));
    await Promise.all(old.map((w) => w.close()));
  };
  void resetImageWatchers();
  const appReady = whenReady(appWatcher);

  return {
    async ready() {
      await appReady;
      await watchersReady;
    },
    idle: () => running,
    async close() {
      closed = true;
      clearTimeout(timer);
      await Promise.all([appWatcher.close(), ...imageWatchers.map((w) => w.close())]);
      imageWatchers = [];
    },
  };
}

function whenReady(watcher: FSWatcher): Promise<void> {
  return new Promise((resolveReady) => watcher.once('ready', () => resolveReady()));
}
