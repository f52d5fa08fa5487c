/**
 * The local cloud: runs one application's templates on this machine. It wires the emulators
 * together the way AWS does: ECS services start tasks on a runtime (Docker or processes), put each
 * task's ENI in the local VPC, register it in Cloud Map and in its target groups; the HTTP API
 * reaches tasks through its VPC link and Cloud Map, the ALB through its target groups; security
 * groups decide what may connect. `startLocalCloud` is what `wharf dev` calls.
 *
 * Nothing is left behind: everything started is stopped by `stop()`, and if start-up fails
 * half-way, what was started is stopped before the error is rethrown. Containers carry the run's
 * label, task processes are recorded in a state file per run, and the leftovers of a crashed
 * earlier run are removed at start.
 */

import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { WharfError } from '../errors.js';
import { type IoHost, SILENT_IO } from '../io/io-host.js';
import { resolveApp } from '../template/evaluate.js';
import { startAutoscaling } from './autoscaling/local-autoscaling.js';
import { SYSTEM_CLOCK } from './clock.js';
import type { LocalCloud, LocalCloudOptions, LocalEndpoint } from './cloud-types.js';
import { CloudMapRegistry } from './cloudmap/registry.js';
import { type CloudMapEndpoint, startCloudMapEndpoint } from './cloudmap/server.js';
import { unsetSecretWarnings } from './ecs/resolve.js';
import { ServiceScheduler } from './ecs/service-scheduler.js';
import { latestRevisions, registerRevision } from './ecs/task-definition-revision.js';
import { TaskStopReporter } from './ecs/task-stop-report.js';
import type { EcsServiceConfig, TaskDefinitionConfig } from './ecs/types.js';
import { processRuntimeVolumeWarnings } from './ecs/volume-warnings.js';
import type { RequestTap } from './http/request-tap.js';
import { LocalImageBuilds } from './image-builds.js';
import { startIngresses } from './ingress-wiring.js';
import { localOutputs } from './local-outputs.js';
import { LogFiles } from './log-files.js';
import { buildLocalModel, type LocalModel } from './model.js';
import { LocalVpc } from './network/vpc.js';
import { waitUntilReady, waitUntilSteady } from './readiness.js';
import { DockerRuntime } from './runtime/docker.js';
import { type PassedEnvironment, passedEnvironment } from './runtime/process-environment.js';
import { selectRuntime } from './runtime/select.js';
import { notifyUnusedTaskDefinitions, startScheduledTasks } from './scheduled-tasks-wiring.js';
import { serviceAttachments } from './service-wiring.js';
import { loadSource } from './source.js';
import { describeStatus } from './status.js';
import { startTaskDns } from './task-dns.js';

export type { LocalCloud, LocalCloudOptions, LocalEndpoint } from './cloud-types.js';

/** Loads the templates, checks them, and starts the local cloud. */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const io = options.io ?? SILENT_IO;
  const passed = passedEnvironment(options.passEnv ?? []);
  const source = await loadSource(options, io);
  const cleanups: Array<() => Promise<void> | void> = [() => source.dispose()];
  const runStop = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        io.notify({
          level: 'warn',
          code: 'WHARF_DEV_CLEANUP',
          message: `cleanup failed: ${(error as Error).message}`,
        });
      }
    }
    cleanups.length = 0;
  };
  try {
    const resolved = resolveApp(source.app, { parameters: options.parameters });
    const model = buildLocalModel(resolved, options.overrides);
    return await startModel(model, source.workingDir, { ...options, passed }, io, cleanups, runStop);
  } catch (error) {
    await runStop();
    throw error;
  }
}

async function startModel(
  model: LocalModel,
  workingDir: string,
  options: LocalCloudOptions & { readonly passed: PassedEnvironment },
  io: IoHost,
  cleanups: Array<() => Promise<void> | void>,
  runStop: () => Promise<void>,
): Promise<LocalCloud> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const runId = options.runId ?? randomBytes(4).toString('hex');
  const logDir = resolve(options.logDir ?? join(workingDir, '.wharf', 'logs'));
  for (const warning of model.warnings)
    io.notify({ level: 'warn', code: 'WHARF_DEV_NOT_EMULATED', message: warning });
  if (model.noLocalEffect.length > 0) {
    io.notify({
      level: 'info',
      code: 'WHARF_DEV_NO_LOCAL_EFFECT',
      message: `No local effect: ${model.noLocalEffect.map((t) => `${t.type} (${t.count})`).join(', ')}`,
      data: model.noLocalEffect,
    });
  }
  notifyUnusedTaskDefinitions(model, io);

  for (const name of options.passed.unset) {
    io.notify({
      level: 'warn',
      code: 'WHARF_DEV_PASS_ENV_UNSET',
      message: `--pass-env ${name}: not set here; tasks run without it`,
    });
  }
  for (const warning of unsetSecretWarnings(model.services, new Set(Object.keys(options.passed.environment))))
    io.notify({ level: 'warn', code: 'WHARF_DEV_SECRETS_UNSET', message: warning });

  if (options.runtime === 'process') requireLocalCommands(model);
  // The user's own CDK app may fall back to processes and run its health check commands here; a
  // template only under --runtime process, and never its health check commands.
  const ownCode = options.template === undefined && (options.templates?.length ?? 0) === 0;
  const selected = await selectRuntime(options.runtime ?? 'auto', {
    runId,
    io,
    workingDir,
    allowProcessFallback: ownCode,
    processOptions: { trusted: ownCode },
    // Images built from source are not pulled: they are built below, once the runtime is known.
    images: scheduledDefinitions(model).flatMap((td) =>
      td.containers.filter((c) => !c.build).map((c) => c.image),
    ),
    imageContainers: Object.fromEntries(
      scheduledDefinitions(model).flatMap((td) => td.containers.map((c) => [c.image, c.name])),
    ),
    processReady: scheduledDefinitions(model).every((td) => td.containers.every((c) => c.localCommand)),
    // The images the Dockerfiles build on: pulled now like registry images, so a missing one is
    // known before anything starts (and auto can fall back to processes, saying why).
    baseImages: LocalImageBuilds.baseImages(model),
    keepVolumes: options.keepVolumes,
  });
  io.notify({
    level: 'info',
    code: 'WHARF_DEV_RUNTIME',
    message: `Runtime: ${selected.runtime.name} (${selected.reason})`,
    data: { runtime: selected.runtime.name, reason: selected.reason },
  });
  const runtime = selected.runtime;
  cleanups.push(() => runtime.close());
  if (runtime.name === 'process') {
    for (const warning of processRuntimeVolumeWarnings(model.services))
      io.notify({ level: 'warn', code: 'WHARF_DEV_NOT_EMULATED', message: warning });
  }
  // Containers of crashed earlier runs (the runtime reports how many it removed).
  await runtime.removeLeftovers();
  // Images from the CDK app's Dockerfiles: built before any task starts (a failed build stops here).
  const images = new LocalImageBuilds(runtime instanceof DockerRuntime ? runtime.docker : undefined, io);
  model = await images.prepare(model);

  const vpc = new LocalVpc(model.subnets, model.securityGroups);
  const logFiles = new LogFiles();
  cleanups.push(() => logFiles.close());
  const registry = new CloudMapRegistry({
    namespaces: model.namespaces,
    services: model.discoveryServices,
    clock,
    healthPropagationMs: options.healthPropagationMs ?? 0,
  });
  cleanups.push(() => registry.close());
  const endpoints: LocalEndpoint[] = [];
  const blocked = new Set<string>();
  const onBlocked = (message: string) => {
    if (blocked.has(message)) return;
    blocked.add(message);
    io.notify({ level: 'error', code: 'WHARF_DEV_SG_BLOCKED', message });
  };
  // The dashboard listens here while a page is open; the ingresses read it per request.
  const requestTap: RequestTap = { listener: undefined };
  let nextPort = options.port;
  const takePort = () => (nextPort === undefined ? 0 : nextPort++);

  // The ingresses: load balancers with their target groups, HTTP APIs, their custom domains.
  const { targetGroups } = await startIngresses(model, {
    vpc,
    clock,
    io,
    onBlocked,
    logDir,
    logFiles,
    registry,
    requestTap,
    caDir: options.caDir,
    discoveryCacheMs: options.discoveryCacheMs,
    apiGatewayAccountThrottle: options.apiGatewayAccountThrottle,
    takePort,
    endpoints,
    cleanups,
  });

  // Task-to-task: Docker networks per VPC and security group, and the Cloud Map DNS server.
  const dns = await startTaskDns(model, runtime, { runId, vpc, registry, io, onBlocked });
  if (dns) cleanups.push(() => dns.close());

  let cloudMap: CloudMapEndpoint | undefined;
  if (options.cloudMapEndpoint !== false && model.discoveryServices.length > 0) {
    cloudMap = await startCloudMapEndpoint(registry, {});
    cleanups.push(() => cloudMap?.close());
    endpoints.push({ kind: 'cloud-map', name: 'servicediscovery', url: cloudMap.url });
  }

  // ECS services last: their tasks register into everything above.
  const services = new Map<string, ServiceScheduler>();
  const stopReports = new TaskStopReporter();
  const configs = new Map<string, EcsServiceConfig>();
  const startService = (config: EcsServiceConfig) => {
    const wiring = serviceAttachments(config, {
      registry,
      targetGroups,
      region: model.app.environment.region,
    });
    const scheduler = new ServiceScheduler({
      service: config,
      runtime,
      clock,
      runId,
      attachments: wiring.attachments,
      network: vpc,
      onEvent: (event) =>
        io.notify({
          level: 'info',
          code: 'WHARF_DEV_SERVICE_EVENT',
          message: event.message,
          data: { service: config.name, event },
        }),
      onLog: (taskId, container, line, stream) => {
        stopReports.log(taskId, container, line);
        io.notify({
          level: 'info',
          code: 'WHARF_DEV_LOG',
          message: `${config.name}/${taskId.slice(0, 8)} ${line}`,
          data: { service: config.name, taskId, container, stream, line },
        });
      },
      // Each stop once, with its reason and last log lines; a crash loop's repeats collapsed.
      onTaskChange: (task) => {
        io.notify({
          level: 'debug',
          code: 'WHARF_DEV_TASK_CHANGE',
          message: `${config.name}/${task.taskId.slice(0, 8)} ${task.lastStatus} ${task.healthStatus}`,
          data: { service: config.name, task },
        });
        stopReports.notifyStop(io, task, { service: config.name });
      },
      options: {
        logDir,
        environment: options.passed.environment,
        // AWS backs off up to 15 minutes between failing starts; locally a minute is enough.
        throttle: { maxDelayMs: 60_000 },
        // A launch takes milliseconds here, not Fargate's 20–90 s: pace tasks that fail at once.
        launchPacing: {},
        // Register a task once its ports take connections (at most 5 s), as AWS's slower start allows.
        registrationWaitMs: 5_000,
        ...options.schedulerOptions,
      },
    });
    configs.set(config.name, config);
    wiring.connect(scheduler);
    services.set(config.name, scheduler);
    return scheduler;
  };
  // Services stop first on the way down (tasks deregister while the ingresses still run).
  cleanups.push(async () => {
    await Promise.all([...services.values()].map((s) => s.stop()));
  });
  for (const config of model.services) startService(config).start();

  // Target tracking on the services' desired counts.
  const scaling = startAutoscaling({
    targets: model.scalableTargets,
    services,
    serviceConfigs: model.services,
    targetGroups,
    runtime,
    clock,
    speed: options.scalingSpeed ?? 1,
    io,
  });
  cleanups.push(() => scaling.stop());

  // Standalone tasks (RunTask) and the EventBridge rules that start them.
  const scheduled = startScheduledTasks(model, {
    runtime,
    clock,
    clockSpeed: options.clockSpeed ?? 1,
    runId,
    network: vpc,
    environment: options.passed.environment,
    logDir,
    io,
    stopReports,
  });
  cleanups.push(() => scheduled.stop());

  const outputs = localOutputs(model, endpoints);
  // The highest revision of each family, so a rebuilt definition never reuses one (watch).
  const familyRevisions = latestRevisions(model.taskDefinitions);
  let stopped: Promise<void> | undefined;
  const cloud: LocalCloud = {
    runId,
    model,
    runtime: { name: selected.runtime.name, reason: selected.reason },
    endpoints,
    outputs,
    logDir,
    services,
    requestTap,
    status: () => describeStatus(services, targetGroups, registry, scheduled, scaling),
    runTask: (reference, runOptions) => scheduled.runTask(reference, runOptions),
    waitUntilReady: async (timeoutMs = 120_000, readyOptions = {}) => {
      const started = Date.now();
      await waitUntilReady(services, configs, clock, timeoutMs);
      if (readyOptions.steadyState)
        await waitUntilSteady(services, Math.max(1, timeoutMs - (Date.now() - started)));
      // Registration happens at start; this says so rather than assuming it.
      if (!scheduled.rules.registered)
        throw new WharfError('WHARF_DEV_NOT_READY', 'scheduled rules were not registered', {
          source: 'internal',
        });
    },
    async update(templates) {
      const next = await images.prepare(templates);
      for (const [family, revision] of latestRevisions(next.taskDefinitions))
        familyRevisions.set(family, Math.max(familyRevisions.get(family) ?? 0, revision));
      const changes: string[] = [];
      const rulesOf = (m: LocalModel) =>
        JSON.stringify(m.scheduledRules.map((r) => [r.name, r.state, r.schedule.expression, r.targets]));
      if (rulesOf(next) !== rulesOf(model))
        changes.push('scheduled rules: changes need a restart of wharf dev');
      for (const pending of next.services) {
        const scheduler = services.get(pending.name);
        if (!scheduler) {
          changes.push(`${pending.name}: new services need a restart of wharf dev`);
          continue;
        }
        const current = configs.get(pending.name) ?? pending;
        // A changed task definition is registered as the family's next revision, as on AWS.
        const family = pending.taskDefinition.family;
        const latest = familyRevisions.get(family) ?? 0;
        const config = {
          ...pending,
          taskDefinition: registerRevision(current.taskDefinition, pending.taskDefinition, latest),
        };
        familyRevisions.set(family, Math.max(latest, config.taskDefinition.revision));
        configs.set(config.name, config);
        const parts: string[] = [];
        if (config.taskDefinition !== current.taskDefinition) {
          parts.push(`new task definition ${config.taskDefinition.family}:${config.taskDefinition.revision}`);
        }
        if (current.desiredCount !== config.desiredCount) {
          parts.push(`desired count ${current.desiredCount} → ${config.desiredCount}`);
        }
        if (parts.length > 0) {
          scheduler.updateService({
            taskDefinition: config.taskDefinition,
            desiredCount: config.desiredCount,
          });
          changes.push(`${config.name}: ${parts.join(', ')}`);
        }
      }
      return changes;
    },
    stop() {
      stopped ??= runStop();
      return stopped;
    },
  };
  return cloud;
}

/** The task definitions that start on their own: the services' and the scheduled rules'. */
function scheduledDefinitions(model: LocalModel): TaskDefinitionConfig[] {
  return [
    ...model.services.map((s) => s.taskDefinition),
    ...model.scheduledRules.flatMap((r) => r.targets.map((t) => t.taskDefinition)),
  ];
}

/** The process runtime needs a command for every container: say which ones lack it, before anything starts. */
function requireLocalCommands(model: LocalModel): void {
  const runners = [
    ...model.services.map((s) => ({ definition: s.taskDefinition, by: `service ${s.name}` })),
    ...model.scheduledRules.flatMap((r) =>
      r.targets.map((t) => ({ definition: t.taskDefinition, by: `rule ${r.name}` })),
    ),
  ];
  const missing = runners.flatMap(({ definition, by }) =>
    definition.containers
      .filter((container) => !container.localCommand)
      .map((container) => {
        const where = definition.origin;
        return `container '${container.name}' of ${by}${where ? ` (${where.file}: ${where.logicalId})` : ''}`;
      }),
  );
  if (missing.length > 0) {
    throw new WharfError(
      'WHARF_PROCESS_NO_COMMAND',
      `the process runtime has no command for ${missing.join(', ')}. Give one with --process-command <container>=<command> ` +
        "(it gets PORT in its environment), set the task definition's 'wharf:local:command' metadata (the constructs' localCommand prop), or use --runtime docker.",
    );
  }
}
