/**
 * The runtime state of one ALB target group with `TargetType: ip`: its registered targets, their
 * health, and deregistration with draining.
 *
 * Fidelity (aws-behavior.md §2.2, §2.3, §3.6):
 * - a registered target is `initial` (`Elb.RegistrationInProgress` until its first health check is
 *   sent, then `Elb.InitialHealthChecking`), then `healthy` or `unhealthy` as the
 *   {@link HealthChecker} decides, with the documented reason codes and descriptions;
 * - health checks run only while the group is attached to a load balancer, from that load balancer
 *   (its security groups and address), so security groups that do not let the load balancer in
 *   make the checks time out (`Target.Timeout`), as an unanswered SYN does on AWS;
 * - `deregisterTarget` makes the target `draining` at once (no new requests), resolves when its
 *   in-flight requests are done (at once when there are none: "immediately completes the
 *   deregistration process"), and keeps it listed as `draining` until `deregistration_delay` has
 *   elapsed; then requests still in flight are cut (the client gets a 502), the target turns
 *   `unused` and is removed.
 *
 * Deviations: AWS refuses to re-register an IP before its deregistration delay is over; here
 * re-registering a draining `ip:port` cancels the drain and starts it again as `initial` (local IPs
 * may be reused sooner). "Active connections" are not tracked apart from in-flight requests (idle
 * keep-alive connections to a draining target are closed by the load balancer). When a group is
 * attached to several load balancers, only the first one health-checks (AWS checks from each node).
 * A group used by no load balancer keeps its targets `initial` (AWS shows `unused`,
 * `Target.NotInUse`).
 */

import { EventEmitter } from 'node:events';
import { type Clock, SYSTEM_CLOCK, type Timer } from '../clock.js';
import type { ConnectionSource, NetworkPath } from '../network/types.js';
import { selectTarget } from './balancer.js';
import { parseHealthCheckMatcher, type StatusMatcher } from './health-check-matcher.js';
import { HealthChecker, type HealthStatus, type InitialHealthyAfter } from './health-checker.js';
import { type ProbeOutcome, probeHttp, TIMED_OUT } from './health-probe.js';
import type { TargetGroupConfig, TargetState } from './types.js';

/** Reason codes `DescribeTargetHealth` can show for a target here. */
export type TargetHealthReason =
  | 'Elb.RegistrationInProgress'
  | 'Elb.InitialHealthChecking'
  | 'Target.ResponseCodeMismatch'
  | 'Target.Timeout'
  | 'Target.FailedHealthChecks'
  | 'Target.DeregistrationInProgress'
  | 'Target.NotRegistered';

/** One entry of {@link TargetGroup.describeTargetHealth}, shaped like `TargetHealthDescription`. */
export interface TargetHealthDescription {
  /** The target's private IP. */
  readonly id: string;
  readonly port: number;
  readonly state: TargetState;
  readonly reason?: TargetHealthReason;
  readonly description?: string;
}

/** Emitted as `state` whenever a target's state changes (including registration and removal). */
export interface TargetStateChange extends TargetHealthDescription {
  readonly targetGroupArn: string;
  /** `undefined` for a new registration. */
  readonly previousState: TargetState | undefined;
  readonly meta?: Readonly<Record<string, string>>;
}

/** Emitted as `health-check` after every health check (health checks are not access-logged). */
export interface HealthCheckEvent {
  readonly targetGroupArn: string;
  readonly id: string;
  readonly port: number;
  readonly outcome: ProbeOutcome;
  readonly state: TargetState;
}

/** What `registerTarget` takes: the task's private IP and container port. */
export interface TargetRegistration {
  readonly id: string;
  readonly port: number;
  /** Free-form data for the caller (e.g. the ECS task id); echoed in {@link TargetStateChange}. */
  readonly meta?: Readonly<Record<string, string>>;
}

/**
 * A request in flight to a target; cut when the target's deregistration delay ends.
 *
 * The target keeps its in-flight requests in a list linked through the requests themselves (the
 * two link fields, which only {@link TargetGroup} sets). A `Set` was used before: under load its
 * hash table is rebuilt every few dozen requests, and V8 links each replaced table to its successor,
 * so once one table had been promoted to the old generation every later table, and every request
 * in it, survived the minor GCs until the next full GC (≈ 2 MB promoted per scavenge at 4,000
 * req/s, pauses of 3–10 ms). A removed request has both links cleared, so nothing chains.
 */
export interface InFlightRequest {
  abortForDeregistration(): void;
  /** @internal The previous request in the target's in-flight list. */
  previousInFlight: InFlightRequest | undefined;
  /** @internal The next request in the target's in-flight list. */
  nextInFlight: InFlightRequest | undefined;
}

/** The load balancer a target group serves, from which health checks are sent. */
export interface LoadBalancerAttachment {
  readonly network: NetworkPath;
  /** The load balancer as a connection source (its security groups and private IP). */
  readonly source: ConnectionSource;
  /** Called when a security group blocks a health check (the caller deduplicates). */
  readonly onBlocked?: (message: string) => void;
}

/** Options of a {@link TargetGroup}. */
export interface TargetGroupOptions {
  /** @default SYSTEM_CLOCK */
  readonly clock?: Clock;
  /** @default 'threshold' (see health-checker.ts for why) */
  readonly initialHealthyAfter?: InitialHealthyAfter;
}

const DESCRIPTIONS: Readonly<Partial<Record<TargetHealthReason, string>>> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.NotRegistered': 'Target is not registered to the target group',
};

/** One registered target and its live state. Read-only outside this module. */
export class Target {
  /** `ip:port` */
  readonly key: string;
  state: TargetState = 'initial';
  reason: TargetHealthReason | undefined = 'Elb.RegistrationInProgress';
  description: string | undefined = DESCRIPTIONS['Elb.RegistrationInProgress'];
  /** Requests sent and not yet answered (used by least outstanding requests and draining). */
  inFlight = 0;
  /** @internal First of the in-flight requests (see {@link InFlightRequest}). */
  firstRequest: InFlightRequest | undefined;
  /** @internal */ checker: HealthChecker | undefined;
  /** @internal */ drainTimer: Timer | undefined;
  /** @internal */ drained: Promise<void> | undefined;
  /** @internal */ resolveDrained: (() => void) | undefined;

  constructor(
    readonly id: string,
    readonly port: number,
    public meta: Readonly<Record<string, string>> | undefined,
  ) {
    this.key = `${id}:${port}`;
  }
}

/** Events of a {@link TargetGroup}. */
export interface TargetGroupEvents {
  state: [TargetStateChange];
  'health-check': [HealthCheckEvent];
}

/** Runtime state of a target group: see the Fidelity note at the top of this file. */
export class TargetGroup extends EventEmitter<TargetGroupEvents> {
  private readonly byKey = new Map<string, Target>();
  private list: Target[] = [];
  private sequence = 0;
  private readonly clock: Clock;
  private readonly initialHealthyAfter: InitialHealthyAfter;
  private readonly matcher: StatusMatcher;
  private readonly attachments: LoadBalancerAttachment[] = [];
  private forwarded = 0;

  constructor(
    readonly config: TargetGroupConfig,
    options: TargetGroupOptions = {},
  ) {
    super();
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.initialHealthyAfter = options.initialHealthyAfter ?? 'threshold';
    this.matcher = parseHealthCheckMatcher(config.healthCheck.matcher);
  }

  /** The target group ARN. */
  get arn(): string {
    return this.config.arn;
  }

  /**
   * Requests forwarded to the group's targets since it was created (CloudWatch's `RequestCount`
   * per target group; the local autoscaler reads it for `ALBRequestCountPerTarget`).
   */
  get requestCount(): number {
    return this.forwarded;
  }

  /** Live targets in registration order, including draining ones. */
  get targets(): readonly Target[] {
    return this.list;
  }

  /** True when at least one target is registered and not draining (otherwise the ALB answers 503). */
  hasRegisteredTargets(): boolean {
    return this.list.some((target) => target.state !== 'draining' && target.state !== 'unused');
  }

  /** Picks the target for the next request (see balancer.ts), or `undefined` when none is routable. */
  selectTarget(): Target | undefined {
    return selectTarget(this.list, this.config.algorithm, this.sequence++);
  }

  /** Registers `ip:port` (`RegisterTargets`). Registering a registered target only updates `meta`. */
  registerTarget(registration: TargetRegistration): void {
    const existing = this.byKey.get(`${registration.id}:${registration.port}`);
    if (existing && existing.state !== 'draining') {
      existing.meta = registration.meta ?? existing.meta;
      return;
    }
    let target = existing;
    if (target) {
      target.drainTimer?.cancel();
      target.drainTimer = undefined;
      this.settleDrain(target);
      target.drained = undefined;
      target.meta = registration.meta ?? target.meta;
    } else {
      target = new Target(registration.id, registration.port, registration.meta);
      this.byKey.set(target.key, target);
      this.list = [...this.list, target];
    }
    this.setState(target, 'initial', 'Elb.RegistrationInProgress', undefined, !existing);
    if (this.attachments.length > 0) this.startChecking(target);
  }

  /**
   * Deregisters `ip:port` (`DeregisterTargets`): the target is `draining` at once and gets no new
   * requests. Resolves when its in-flight requests have finished or the deregistration delay has
   * elapsed, whichever comes first; the target stays `draining` until the delay is over, then turns
   * `unused` and is removed. Unknown targets resolve at once (AWS accepts them too).
   */
  deregisterTarget(ip: string, port: number): Promise<void> {
    const target = this.byKey.get(`${ip}:${port}`);
    if (!target) return Promise.resolve();
    if (target.state === 'draining' && target.drained) return target.drained;
    target.checker?.stop();
    target.checker = undefined;
    target.drained = new Promise<void>((resolve) => {
      target.resolveDrained = resolve;
    });
    const drained = target.drained;
    this.setState(target, 'draining', 'Target.DeregistrationInProgress');
    const delayMs = this.config.deregistrationDelaySeconds * 1000;
    if (delayMs <= 0) this.finishDeregistration(target);
    else {
      target.drainTimer = this.clock.setTimeout(() => this.finishDeregistration(target), delayMs);
      if (target.inFlight === 0) this.settleDrain(target);
    }
    return drained;
  }

  /** `DescribeTargetHealth` for every target still listed (draining ones included). */
  describeTargetHealth(): TargetHealthDescription[] {
    return this.list.map((target) => describe(target));
  }

  /** Records that `request` was sent to `target` (call {@link requestFinished} exactly once after). */
  requestStarted(target: Target, request: InFlightRequest): void {
    if (target.firstRequest === request || request.previousInFlight !== undefined) return;
    this.forwarded++;
    target.inFlight++;
    const first = target.firstRequest;
    request.previousInFlight = undefined;
    request.nextInFlight = first;
    if (first) first.previousInFlight = request;
    target.firstRequest = request;
  }

  /** Records that `request` to `target` is over (answered, failed or cut); repeated calls are no-ops. */
  requestFinished(target: Target, request: InFlightRequest): void {
    const previous = request.previousInFlight;
    const next = request.nextInFlight;
    if (previous) previous.nextInFlight = next;
    else if (target.firstRequest === request) target.firstRequest = next;
    else return;
    if (next) next.previousInFlight = previous;
    request.previousInFlight = undefined;
    request.nextInFlight = undefined;
    target.inFlight--;
    if (target.inFlight === 0 && target.state === 'draining') this.settleDrain(target);
  }

  /**
   * Attaches the group to a load balancer: health checks start (from the first attached load
   * balancer). Returns the function that detaches it; health checks stop when none is left.
   */
  attachLoadBalancer(attachment: LoadBalancerAttachment): () => void {
    this.attachments.push(attachment);
    if (this.attachments.length === 1) for (const target of this.list) this.startChecking(target);
    return () => {
      const index = this.attachments.indexOf(attachment);
      if (index < 0) return;
      this.attachments.splice(index, 1);
      if (index !== 0) return;
      for (const target of this.list) {
        target.checker?.stop();
        target.checker = undefined;
      }
      if (this.attachments.length > 0) for (const target of this.list) this.startChecking(target);
    };
  }

  private startChecking(target: Target): void {
    if (target.state === 'draining' || target.checker) return;
    const healthCheck = this.config.healthCheck;
    const healthPort = healthCheck.port === 'traffic-port' ? target.port : healthCheck.port;
    const checker = new HealthChecker({
      config: healthCheck,
      clock: this.clock,
      initialHealthyAfter: this.initialHealthyAfter,
      probe: (signal) => this.probe(target, healthPort, signal),
      onFirstProbe: () => {
        if (target.state === 'initial') {
          target.reason = 'Elb.InitialHealthChecking';
          target.description = DESCRIPTIONS['Elb.InitialHealthChecking'];
        }
      },
      onResult: (status, outcome) => this.applyHealth(target, status, outcome),
    });
    target.checker = checker;
    checker.start();
  }

  private probe(target: Target, healthPort: number, signal: AbortSignal): Promise<ProbeOutcome> {
    const attachment = this.attachments[0];
    if (!attachment) return Promise.resolve(TIMED_OUT);
    const route = attachment.network.route(attachment.source, target.id, healthPort);
    if (!route.ok) {
      if (route.reason === 'blocked') attachment.onBlocked?.(route.message);
      // Nothing answers the SYN: the check fails when its timeout aborts `signal`.
      return new Promise((resolve) => {
        if (signal.aborted) resolve(TIMED_OUT);
        else signal.addEventListener('abort', () => resolve(TIMED_OUT), { once: true });
      });
    }
    return probeHttp({
      host: route.host,
      port: route.port,
      hostHeader: `${target.id}:${healthPort}`,
      path: this.config.healthCheck.path,
      matcher: this.matcher,
      signal,
    });
  }

  private applyHealth(target: Target, status: HealthStatus, outcome: ProbeOutcome): void {
    if (target.state === 'draining' || target.state === 'unused') return;
    if (status.state === 'healthy') this.setState(target, 'healthy', undefined);
    else if (status.state === 'unhealthy' && status.lastFailure)
      this.setState(target, 'unhealthy', status.lastFailure.reason, status.lastFailure.description);
    else this.setState(target, 'initial', 'Elb.InitialHealthChecking');
    this.emit('health-check', {
      targetGroupArn: this.arn,
      id: target.id,
      port: target.port,
      outcome,
      state: target.state,
    });
  }

  private finishDeregistration(target: Target): void {
    target.drainTimer = undefined;
    // "The deregistration delay period elapsed for a request being handled by a target that was
    // deregistered" → 502 (§2.5).
    const cut: InFlightRequest[] = [];
    for (let request = target.firstRequest; request; request = request.nextInFlight) cut.push(request);
    for (const request of cut) request.abortForDeregistration();
    this.settleDrain(target);
    this.byKey.delete(target.key);
    this.list = this.list.filter((candidate) => candidate !== target);
    this.setState(target, 'unused', 'Target.NotRegistered');
  }

  private settleDrain(target: Target): void {
    const resolve = target.resolveDrained;
    target.resolveDrained = undefined;
    resolve?.();
  }

  /** Sets state and reason; emits `state` when the state changed or the target is `fresh` (new). */
  private setState(
    target: Target,
    state: TargetState,
    reason: TargetHealthReason | undefined,
    description: string | undefined = reason ? DESCRIPTIONS[reason] : undefined,
    fresh = false,
  ): void {
    const previous = fresh ? undefined : target.state;
    target.reason = reason;
    target.description = description;
    if (previous === state) return;
    target.state = state;
    this.emit('state', {
      targetGroupArn: this.arn,
      previousState: previous,
      ...describe(target),
      ...(target.meta ? { meta: target.meta } : {}),
    });
  }
}

function describe(target: Target): TargetHealthDescription {
  return {
    id: target.id,
    port: target.port,
    state: target.state,
    ...(target.reason ? { reason: target.reason } : {}),
    ...(target.description ? { description: target.description } : {}),
  };
}
