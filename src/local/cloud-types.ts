/**
 * The local cloud's public shapes: the options `startLocalCloud` takes, the endpoints it serves in
 * place of stack outputs, and the running cloud it returns (`cloud.ts` builds it).
 */

import type { IoHost } from '../io/io-host.js';
import type { PlainValue } from '../template/resolved.js';
import type { Clock } from './clock.js';
import type { ContainerOverrides } from './ecs/resolve.js';
import type { ServiceScheduler, ServiceSchedulerOptions } from './ecs/service-scheduler.js';
import type { StandaloneTask } from './ecs/standalone-tasks.js';
import type { RequestTap } from './http/request-tap.js';
import type { LocalModel } from './model.js';
import type { TemplateSource } from './source.js';
import type { LocalStatus } from './status.js';

/** Options of {@link startLocalCloud}. */
export interface LocalCloudOptions extends TemplateSource {
  /** Root parameter values (`--parameter Key=Value`). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** @default 'auto' */
  readonly runtime?: 'docker' | 'process' | 'auto';
  /** Per-container image and process-command overrides. */
  readonly overrides?: ContainerOverrides;
  /**
   * Host environment variables every task gets (`--pass-env NAME`): tasks get only their
   * definition's environment otherwise (and, on the process runtime, `PATH`, `HOME`, `TMPDIR`,
   * `TZ` and the locale). A definition's own value of the same name wins.
   */
  readonly passEnv?: readonly string[];
  /**
   * First local port for the ingresses (ALB listeners, then HTTP APIs, then custom domains, in
   * template order); each further ingress takes the next port. @default - free ports
   */
  readonly port?: number;
  /** Folder for log files, one sub-folder per log group. @default '<app folder>/.wharf/logs' */
  readonly logDir?: string;
  /** How long API Gateway may use a stale Cloud Map answer. @default 0 */
  readonly discoveryCacheMs?: number;
  /**
   * API Gateway's account-level throttle, shared by every HTTP API of the run (over it: 429).
   * Benchmarks lift it to measure the data path rather than the limit.
   * @default - AWS's: 10,000 requests/s, burst 5,000 (aws-behavior-2.md §2.5)
   */
  readonly apiGatewayAccountThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Delay before Cloud Map applies a custom health update (AWS: about 30 s). @default 0 */
  readonly healthPropagationMs?: number;
  /** Also serve the Cloud Map API (AWS JSON 1.1) for SDK clients. @default true */
  readonly cloudMapEndpoint?: boolean;
  readonly io?: IoHost;
  /** @default the system clock */
  readonly clock?: Clock;
  /** Label value for this run's containers. @default - random */
  readonly runId?: string;
  /**
   * Keep the Docker volumes of EFS file systems after the run, for the next run with this option
   * (`--keep-volumes`). @default false: removed with the run, like its containers
   */
  readonly keepVolumes?: boolean;
  /** Scheduler tuning for tests (e.g. a shorter 40-second rule). */
  readonly schedulerOptions?: ServiceSchedulerOptions;
  /**
   * How many times faster than `clock` EventBridge schedules run (`--clock-speed`): at 60,
   * `rate(1 hour)` fires every minute. ECS, ALB and Cloud Map timings keep `clock`'s pace.
   * @default 1
   */
  readonly clockSpeed?: number;
  /** The local certificate authority's folder (HTTPS). @default - `$WHARF_CA_DIR`, else `~/.local/share/wharf/ca` */
  readonly caDir?: string;
  /**
   * How many times faster than `clock` target tracking's alarm periods and cooldowns run
   * (`--scaling-speed`): at 60, a 60 s datapoint takes a second and a 300 s cooldown 5 s.
   * @default 1
   */
  readonly scalingSpeed?: number;
}

/** One ingress URL, in place of a stack output on AWS. */
export interface LocalEndpoint {
  readonly kind: 'api-gateway' | 'load-balancer' | 'cloud-map' | 'custom-domain';
  /** The API or load balancer name. */
  readonly name: string;
  readonly url: string;
  /** What the value is on AWS (`https://abc123.execute-api…`, the ALB DNS name). */
  readonly awsValue?: string;
  /** A load balancer's listener on AWS, protocol and port (`HTTP:80`), served locally at `url`. */
  readonly listener?: string;
  /**
   * HTTPS endpoints: the local CA to trust, the name to ask for (SNI and `Host`; it resolves to
   * 127.0.0.1 only when the client is told so) and a curl line that does both. @default - plain HTTP
   */
  readonly https?: { readonly caFile: string; readonly serverName: string; readonly curl: string };
  /** The path `--once` probes. @default '/' */
  readonly probePath?: string;
  /** False for an endpoint that answers 404 by design (`DisableExecuteApiEndpoint`). @default true */
  readonly probe?: boolean;
}

/** A running local cloud. */
export interface LocalCloud {
  readonly runId: string;
  /** The model as started (images built from source replaced by their local tags). */
  readonly model: LocalModel;
  /** Which runtime runs the tasks, and why it was chosen. */
  readonly runtime: { readonly name: 'docker' | 'process'; readonly reason: string };
  readonly endpoints: readonly LocalEndpoint[];
  /** The root stack's outputs (with several root templates, each one's as `<stack>.<output>`), with AWS endpoints replaced by the local URLs. */
  readonly outputs: Readonly<Record<string, PlainValue>>;
  readonly logDir: string;
  readonly services: ReadonlyMap<string, ServiceScheduler>;
  /** The ingresses hand finished requests to `requestTap.listener` while one is set (the dashboard). */
  readonly requestTap: RequestTap;
  status(): LocalStatus;
  /**
   * Runs a task definition once as `aws ecs run-task` does (see `run-task.ts`): `reference` is an
   * ARN, `family:revision`, family or logical id. Throws a `UsageError` for an unknown one. Its
   * logs go to the IoHost as `WHARF_DEV_LOG`; `stopped` of each task resolves with how it ended.
   */
  runTask(reference: string, options?: { readonly startedBy?: string }): readonly StandaloneTask[];
  /**
   * Resolves when every service runs its desired count of healthy tasks (and every scheduled rule
   * is registered); with `steadyState`, only once every service also reached ECS's steady state
   * (`readiness.ts`), what `--once` waits for when there is no ingress to probe. Rejects with
   * `WHARF_DEV_NOT_READY` on timeout, or `WHARF_DEV_DEPLOYMENT_FAILED` as soon as a service's
   * deployment FAILED (it launches no more tasks).
   */
  waitUntilReady(timeoutMs?: number, options?: { readonly steadyState?: boolean }): Promise<void>;
  /**
   * Rolls services to new templates: images built from source are built again when their folder
   * changed (a failed build rejects and changes nothing), then changed task definitions (a new
   * revision) and desired counts deploy like ECS. Resolves what changed, one line per service.
   */
  update(next: LocalModel): Promise<string[]>;
  /** Stops every task, server and pool this run started. Idempotent. */
  stop(): Promise<void>;
}
