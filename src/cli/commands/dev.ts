import { relative } from 'node:path';
import { isWharfError, UsageError } from '../../errors.js';
import type { IoHost } from '../../io/io-host.js';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../local/cloud.js';
import { DashboardFeed } from '../../local/dashboard/feed.js';
import { type RunningDashboard, startDashboard } from '../../local/dashboard/server.js';
import { probeIngresses } from '../../local/probe.js';
import { renderRuleLines, renderScalingLines, renderTaskLines } from '../../local/status.js';
import { watchApp } from '../../local/watch.js';
import { ALLOW_PATH_OPTION, appSourceArgs } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';
import { runTaskOnce } from './dev-run-task.js';

/** `Key=Value` pairs from a repeatable option of `wharf <command>`, checked. */
export function parsePairs(
  flag: string,
  values: readonly string[] | undefined,
  command = 'dev',
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0) {
      throw new UsageError(
        `wharf ${command}: --${flag} '${value}' is not Key=Value, e.g. --${flag} ${flag === 'parameter' ? 'DesiredCount=1' : 'web=my/image:dev'}.`,
      );
    }
    result[value.slice(0, at)] = value.slice(at + 1);
  }
  return result;
}

function parseNumber(flag: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(
      `wharf dev: --${flag} '${String(value)}' is not allowed; allowed: an integer from ${min} to ${max}.`,
    );
  }
  return number;
}

/** `wharf dev`: the whole ingress path on this machine. */
export const devCommand: Command = {
  name: 'dev',
  summary: 'Run the app locally: API Gateway or ALB, Cloud Map and ECS emulated, tasks on Docker.',
  usage: '[dir | file] [--template <file>]... [options]',
  details: `
Reads the same CloudFormation that deploys (a CDK app synthesized offline, or --template for
hand-written YAML/JSON with nested stacks; repeat --template to run several stacks linked by
Export and Fn::ImportValue as one app, e.g. a cluster stack and a service stack: each is
evaluated after the ones it imports from, and each root stack is named after its file, so a
service that takes the cluster's stack name as a parameter gets it with --parameter) and runs it here: each ECS service's tasks as Docker
containers (or processes, --runtime process), Cloud Map with the attributes ECS registers, the HTTP
API's routes, VPC link and integration, the ALB's listeners, target groups and health checks, and
the security groups between them. Prints the local URLs in place of the stack outputs, then the
tasks' status and logs; each stopped task once with its stopped reason and last log lines (a
crash loop's repeats collapsed into "… ×N"). Ctrl-C stops and removes everything it started;
processes or containers left by a crashed run are removed at the next start.

Nothing a template carries runs on this machine unless you say so: --runtime auto uses Docker
for a --template input and exits 2 when Docker or an image is missing; --runtime process is the
consent to run the template's wharf:local:command. A template's container HealthCheck command
never runs here: a TCP connect to the container's port replaces it (with a warning). A CDK app is
your own code: auto falls back to processes for it, and its health checks run as written, except
for containers given --process-command (TCP connect).

Task processes get their task definition's Environment, PORT/PORT_<n>/HOST/WHARF_TASK_ID, and
only PATH, HOME, TMPDIR, TZ, LANG, LANGUAGE and LC_* of your environment: never your AWS
credentials. --pass-env NAME gives one more variable to every task (Docker too); Secrets are not
read from AWS, pass them the same way. --process-command paths resolve from the current folder;
a template's wharf:local:command runs in the template's (or the CDK app's) folder.

HTTPS listeners and HTTP API custom domains are served over TLS on 127.0.0.1 with certificates
from a local certificate authority made once per user ($WHARF_CA_DIR, else
$XDG_DATA_HOME/wharf/ca or ~/.local/share/wharf/ca); the run prints where it is, how to trust it,
and a curl --cacert … --resolve … line per HTTPS endpoint.

A task that fails within 10 s of its launch is relaunched no sooner than 5 s after that launch
(locally a launch takes milliseconds, on Fargate 20-90 s). --once exits 0 when every ingress
answered below 400, 1 when one did not, a deployment failed (circuit breaker) or the services
were not ready within --timeout, 2 for bad input. Without an ingress (workers, private services,
scheduled tasks), --once waits until every service reached its steady state as ECS counts it
(healthy by its container health check, or 40 s RUNNING without one) and every scheduled rule
is registered, says that no ingress was probed, and exits 0.

An AWS::Events::Rule with a ScheduleExpression (rate(...) or EventBridge's six-field cron(...),
UTC) and ECS targets runs TaskCount tasks of its task definition at each firing, in its
network configuration; the status view shows each rule's next firing. --clock-speed N runs
EventBridge's clock N times faster (rate(1 hour) fires every minute at 60; the ECS, ALB and
Cloud Map timings keep real time). --run-task <task definition> runs one task of a task
definition (family, family:revision, ARN or logical id) once, as aws ecs run-task would, in the
network configuration of a rule or service that runs it (else the private subnets), streams its
logs, stops everything and exits with the code of the essential container that stopped it (1 if
it never ran).

Target tracking (an AWS::ApplicationAutoScaling::ScalableTarget on ecs:service:DesiredCount with
TargetTrackingScaling policies on ECSServiceAverageCPUUtilization, ...MemoryUtilization or
ALBRequestCountPerTarget) runs as on AWS: one datapoint a minute from the tasks' Docker stats
(/proc for processes) or the local ALB's request count, AlarmHigh above the target for 3
datapoints, AlarmLow below 0.9 × the target for 15, cooldowns (300 s unless set), min/max. Each
scaling activity is printed in AWS's words with the metric that drove it. --scaling-speed N runs
the alarm periods and cooldowns N times faster (60: a datapoint a second, a 300 s cooldown in 5 s);
task launches and health checks keep real time, and a warning says when the 15-datapoint scale-in
window gets shorter than twice a new task's health checks.

What AWS would refuse, dev refuses before anything starts, with AWS's message and exit 4 (a
service whose load balancer names a container port its container does not map). Properties it
does not emulate (DependsOn, Ulimits, placement, ECS Exec, an EC2 launch type, …) print one
warning each and the run goes on; the README lists what is emulated.
Task volumes: each EFS file system directory a task definition mounts (the file system's root,
its RootDirectory, or an access point's directory, created with its CreationInfo) is one Docker
volume shared by every task of the run and kept while tasks restart; it is removed with the run
unless --keep-volumes. Host: {} volumes live as long as their task; MountPoints' ReadOnly holds.
A Host.SourcePath is refused, as on Fargate. The process runtime mounts nothing (a warning).

Images built from a Dockerfile (CDK Docker image assets) are built first, tagged by the content
of their folder (an unchanged folder is not built again); with --watch, a change in that folder
rebuilds the image and rolls the service like an ECS deployment. A failed build exits 1.

The live page: an interactive run serves a dashboard on 127.0.0.1 (printed with the outputs
as "Dashboard: http://127.0.0.1:PORT/"; --dashboard-port picks the port, --no-dashboard serves
none): the architecture with each task's state, each service's counts, deployments and events,
the requests through the ingresses (sampled above 50 a second while a page is open; nothing is
counted while none is), each task's log lines, the Cloud Map instances; it can stop a task and
force a new deployment, as ECS StopTask and UpdateService do. It answers only requests addressed
to its own 127.0.0.1:PORT, and actions only from its own page. --once and --run-task serve none.

Examples:
  npx wharf dev examples/api-gateway-fargate
  npx wharf dev --template parent.yml --parameter DesiredCount=1 --image web=my/web:dev
  npx wharf dev --template cluster.yml --template service.yml --parameter ClusterStack=cluster --once
  npx wharf dev examples/public-alb-fargate --runtime process --once
  npx wharf dev --template parent.yml --runtime process --process-command web='node server.js' --pass-env GREETING
  npx wharf dev --template jobs.yml --clock-speed 60
  npx wharf dev --template jobs.yml --run-task migrate
  npx wharf dev --template scaled.yml --scaling-speed 60`,
  maxPositionals: 1,
  options: {
    template: {
      type: 'string',
      short: 't',
      multiple: true,
      value: '<file>',
      description:
        'Run a CloudFormation template instead of a CDK app (repeatable: several templates run as one app, exports before imports)',
    },
    ...CDK_APP_OPTIONS,
    ...ALLOW_PATH_OPTION,
    parameter: {
      type: 'string',
      short: 'p',
      multiple: true,
      value: '<Key=Value>',
      description: 'Root stack parameter (repeatable; lists comma-separated)',
    },
    runtime: {
      type: 'string',
      value: '<name>',
      choices: ['auto', 'docker', 'process'],
      default: 'auto',
      description: "What runs the tasks (process: consent to run a template's commands here)",
    },
    port: {
      type: 'string',
      value: '<n>',
      description: 'First local port for the ingresses (default: free ports)',
    },
    image: {
      type: 'string',
      multiple: true,
      value: '<container=image>',
      description: 'Run this image for the container (repeatable), e.g. a locally built one',
    },
    'process-command': {
      type: 'string',
      multiple: true,
      value: '<container=command>',
      description:
        'Command the process runtime runs for the container, with PORT set, in the current folder (repeatable)',
    },
    'pass-env': {
      type: 'string',
      multiple: true,
      value: '<NAME>',
      description: 'Give every task this variable of your environment (repeatable)',
    },
    watch: {
      type: 'boolean',
      description:
        'Roll the services like ECS on change: re-synthesize the CDK app, rebuild images whose folder changed',
    },
    once: {
      type: 'boolean',
      description: 'Start, wait until ready, send one request through each ingress, print, stop',
    },
    timeout: {
      type: 'string',
      value: '<seconds>',
      description: 'How long --once waits for readiness (default 120)',
    },
    'keep-volumes': {
      type: 'boolean',
      description:
        'Keep the Docker volumes of EFS file systems after the run, for the next run with this flag',
    },
    'run-task': {
      type: 'string',
      value: '<task definition>',
      description:
        'Run one task of this task definition once (like aws ecs run-task), then exit with its code',
    },
    'clock-speed': {
      type: 'string',
      value: '<n>',
      description: 'Run EventBridge schedules n times faster (1 to 3600; default 1: real time)',
    },
    'scaling-speed': {
      type: 'string',
      value: '<n>',
      description:
        'Run target tracking alarm periods and cooldowns n times faster (1 to 600; default 1: real time)',
    },
    'log-dir': {
      type: 'string',
      value: '<dir>',
      description: 'Where log files go (default <app>/.wharf/logs)',
    },
    'discovery-cache-ms': {
      type: 'string',
      value: '<ms>',
      description: 'How long API Gateway may use a stale Cloud Map answer (default 0)',
    },
    'dashboard-port': {
      type: 'string',
      value: '<n>',
      description: 'Port of the live page on 127.0.0.1 (default: a free port)',
    },
    'no-dashboard': { type: 'boolean', description: 'Do not serve the live page' },
    json: { type: 'boolean', description: 'With --once or --run-task: print the result as JSON' },
    verbose: { type: 'boolean', description: 'Show debug messages' },
  },
  async run({ positionals, options, io, stdout }) {
    const source = appSourceArgs('dev', positionals, options);
    if (options.watch && source.dir === undefined) {
      throw new UsageError('wharf dev: --watch re-synthesizes a CDK app; it does not apply to --template.');
    }
    const runTask = options['run-task'] as string | undefined;
    if (runTask !== undefined && (options.once || options.watch)) {
      throw new UsageError(
        'wharf dev: --run-task runs one task and exits; give it without --once and --watch.',
      );
    }
    const cloudOptions: LocalCloudOptions = {
      dir: source.dir,
      template: source.templates[0],
      templates: source.templates,
      allowPaths: source.allowPaths,
      app: options.app as string | undefined,
      stack: options.stack as string | undefined,
      parameters: parsePairs('parameter', options.parameter as string[] | undefined),
      runtime: options.runtime as 'auto' | 'docker' | 'process',
      overrides: {
        images: parsePairs('image', options.image as string[] | undefined),
        commands: parsePairs('process-command', options['process-command'] as string[] | undefined),
      },
      passEnv: (options['pass-env'] as string[] | undefined) ?? [],
      port: parseNumber('port', options.port, 1, 65_535),
      logDir: options['log-dir'] as string | undefined,
      keepVolumes: options['keep-volumes'] === true,
      discoveryCacheMs: parseNumber('discovery-cache-ms', options['discovery-cache-ms'], 0, 600_000),
      clockSpeed: parseNumber('clock-speed', options['clock-speed'], 1, 3600),
      scalingSpeed: parseNumber('scaling-speed', options['scaling-speed'], 1, 600),
      io,
    };
    const timeoutSeconds = parseNumber('timeout', options.timeout, 1, 3600) ?? 120;
    const dashboardPort = parseNumber('dashboard-port', options['dashboard-port'], 1, 65_535);
    const interactive = runTask === undefined && !options.once;
    if (dashboardPort !== undefined && (!interactive || options['no-dashboard'])) {
      throw new UsageError(
        `wharf dev: --dashboard-port serves the live page of an interactive run; it does not apply with ${interactive ? '--no-dashboard' : '--once or --run-task (they stop before a page could be used)'}.`,
      );
    }
    // The page hears the same messages the terminal prints (task logs, task changes).
    const feed = interactive && !options['no-dashboard'] ? new DashboardFeed() : undefined;
    const cloud = await startLocalCloud(feed ? { ...cloudOptions, io: feed.tee(io) } : cloudOptions);
    if (runTask !== undefined) return runTaskOnce(cloud, runTask, options.json === true, io, stdout);
    if (options.once) return runOnce(cloud, timeoutSeconds, options.json === true, io, stdout);
    let dashboard: RunningDashboard | undefined;
    if (feed) {
      try {
        dashboard = await startDashboard(cloud, feed, { port: dashboardPort });
      } catch (error) {
        await cloud.stop();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') {
          throw new UsageError(
            `wharf dev: --dashboard-port ${dashboardPort}: the port is ${code === 'EADDRINUSE' ? 'in use' : 'not allowed'} on 127.0.0.1; give another or leave it out for a free one.`,
          );
        }
        throw error;
      }
    }
    return runInteractive(cloud, cloudOptions, options.watch === true, io, stdout, dashboard);
  },
};

function renderOutputs(cloud: LocalCloud, dashboard?: RunningDashboard): string {
  const lines = [`Local cloud ${cloud.runId} (runtime: ${cloud.runtime.name})`, 'Outputs:'];
  for (const [key, value] of Object.entries(cloud.outputs)) lines.push(`  ${key}: ${String(value)}`);
  for (const endpoint of cloud.endpoints) {
    lines.push(
      `  ${endpoint.kind === 'cloud-map' ? 'Cloud Map API' : `${endpoint.kind} ${endpoint.name}`}${endpoint.listener ? ` (${endpoint.listener})` : ''}: ${endpoint.url}`,
    );
    // HTTPS on a name only this run serves: how to reach it (the CA was printed once above).
    if (endpoint.https) lines.push(`    ${endpoint.https.curl}`);
  }
  if (dashboard) lines.push(`Dashboard: ${dashboard.url}`);
  lines.push(`Logs: ${relative(process.cwd(), cloud.logDir) || '.'}`, '');
  return lines.join('\n');
}

/** What `--once` reports as "the app did not come up" (exit 1), rather than bad input. */
const NOT_READY_CODES = new Set(['WHARF_DEV_DEPLOYMENT_FAILED', 'WHARF_DEV_NOT_READY']);

async function runOnce(
  cloud: LocalCloud,
  timeoutSeconds: number,
  json: boolean,
  io: IoHost,
  stdout: (t: string) => void,
): Promise<number> {
  try {
    if (!json) stdout(renderOutputs(cloud));
    // Without an ingress nothing is probed: steady state is the whole answer.
    const ingress = cloud.endpoints.some((e) => e.kind !== 'cloud-map');
    try {
      await cloud.waitUntilReady(timeoutSeconds * 1000, { steadyState: !ingress });
    } catch (error) {
      if (!isWharfError(error) || !NOT_READY_CODES.has(error.code)) throw error;
      io.notify({ level: 'error', code: error.code, message: error.message });
      if (json) {
        const failure = { code: error.code, message: error.message };
        stdout(
          `${JSON.stringify({ runId: cloud.runId, runtime: cloud.runtime, error: failure, status: cloud.status() }, null, 2)}\n`,
        );
      }
      return EXIT.findings;
    }
    const probes = await probeIngresses(cloud);
    const ok =
      !ingress || (probes.length > 0 && probes.every((p) => p.status !== undefined && p.status < 400));
    const status = cloud.status();
    const unprobed =
      `No ingress was probed (the templates have none): ${status.services.length} service(s) reached a steady state, ` +
      `${status.rules.length} scheduled rule(s) registered.`;
    if (json) {
      stdout(
        `${JSON.stringify({ runId: cloud.runId, runtime: cloud.runtime, outputs: cloud.outputs, endpoints: cloud.endpoints, probes, ...(ingress ? {} : { note: unprobed }), status }, null, 2)}\n`,
      );
    } else {
      for (const line of [
        ...renderTaskLines(status),
        ...renderRuleLines(status),
        ...renderScalingLines(status),
      ])
        stdout(`  ${line}\n`);
      for (const probe of probes) {
        stdout(`GET ${probe.url} → ${probe.status ?? probe.error} ${probe.bodyFirstLine ?? ''}\n`);
      }
      if (!ingress) stdout(`${unprobed}\n`);
      else stdout(ok ? 'All ingresses answered.\n' : 'Some ingress did not answer with success.\n');
    }
    return ok ? EXIT.ok : EXIT.findings;
  } finally {
    await cloud.stop();
  }
}

async function runInteractive(
  cloud: LocalCloud,
  options: LocalCloudOptions,
  watchChanges: boolean,
  io: IoHost,
  stdout: (t: string) => void,
  dashboard?: RunningDashboard,
): Promise<number> {
  stdout(renderOutputs(cloud, dashboard));
  stdout('Press Ctrl-C to stop and remove everything.\n');
  let previous = new Set<string>();
  const timer = setInterval(() => {
    const status = cloud.status();
    const lines = [...renderTaskLines(status), ...renderRuleLines(status), ...renderScalingLines(status)];
    const current = new Set(lines);
    for (const line of lines) if (!previous.has(line)) stdout(`[status] ${line}\n`);
    previous = current;
  }, 500);
  const watcher = watchChanges ? watchApp(cloud, options, io) : undefined;
  await new Promise<void>((done) => {
    let signals = 0;
    const onSignal = (signal: string) => {
      signals += 1;
      if (signals === 1) {
        io.notify({
          level: 'info',
          code: 'WHARF_DEV_STOPPING',
          message: `${signal}: stopping tasks and servers…`,
        });
        done();
      } else {
        io.notify({
          level: 'warn',
          code: 'WHARF_DEV_STOPPING',
          message: 'still stopping (tasks get SIGKILL after their stop timeout)…',
        });
      }
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
  clearInterval(timer);
  watcher?.close();
  await dashboard?.close();
  await cloud.stop();
  io.notify({ level: 'info', code: 'WHARF_DEV_STOPPED', message: 'Stopped; nothing left running.' });
  return EXIT.ok;
}
