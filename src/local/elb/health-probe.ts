/**
 * One health check request of an ALB target group: an HTTP GET to the target's health port.
 *
 * Fidelity (aws-behavior.md §2.2): sends `GET <path>` with `Host: <target ip>:<port>` and
 * `User-Agent: ELB-HealthChecker/2.0` over a fresh connection that is closed afterwards ("After
 * each health check is completed, the load balancer node closes the connection"). The result maps
 * to the documented reason codes: a status outside the matcher gives `Target.ResponseCodeMismatch`
 * ("Health checks failed with these codes: [503]"), no answer before the timeout gives
 * `Target.Timeout` ("Request timed out"), a refused or reset connection gives
 * `Target.FailedHealthChecks`. The timeout itself is enforced by the caller (through the injected
 * clock) by aborting `signal`. HTTPS health checks are sent as plain HTTP (local targets speak HTTP).
 */

import { request } from 'node:http';
import type { StatusMatcher } from './health-check-matcher.js';

/** Reason codes an unhealthy target can have (the subset a probe can produce). */
export type HealthCheckFailureReason =
  | 'Target.ResponseCodeMismatch'
  | 'Target.Timeout'
  | 'Target.FailedHealthChecks';

/** The result of one health check. */
export type ProbeOutcome =
  | { readonly ok: true; readonly statusCode: number }
  | {
      readonly ok: false;
      readonly reason: HealthCheckFailureReason;
      /** The text `DescribeTargetHealth` shows, e.g. `Health checks failed with these codes: [503]`. */
      readonly description: string;
      readonly statusCode?: number;
    };

/** The outcome of a health check that got no answer in time. */
export const TIMED_OUT: ProbeOutcome = {
  ok: false,
  reason: 'Target.Timeout',
  description: 'Request timed out',
};

/** Where and what to probe. */
export interface HttpProbeRequest {
  /** Loopback host and port the target really listens on. */
  readonly host: string;
  readonly port: number;
  /** The `Host` header, i.e. the target's private `ip:port` as the ALB sees it. */
  readonly hostHeader: string;
  readonly path: string;
  readonly matcher: StatusMatcher;
  /** Aborted by the caller when the health check timeout elapses. */
  readonly signal: AbortSignal;
}

/** Sends one health check GET. Never rejects: every failure is a {@link ProbeOutcome}. */
export function probeHttp(probe: HttpProbeRequest): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const onAbort = (): void => {
      finish(TIMED_OUT);
      req.destroy();
    };
    const req = request(
      {
        host: probe.host,
        port: probe.port,
        method: 'GET',
        path: probe.path,
        agent: false,
        headers: { Host: probe.hostHeader, 'User-Agent': 'ELB-HealthChecker/2.0', Connection: 'close' },
      },
      (res) => {
        const statusCode = res.statusCode ?? 0;
        // The verdict needs only the status line; the body is still read so the target sees a clean
        // close (a body that never ends is cut when the timeout aborts `signal`).
        finish(
          probe.matcher(statusCode)
            ? { ok: true, statusCode }
            : {
                ok: false,
                reason: 'Target.ResponseCodeMismatch',
                description: `Health checks failed with these codes: [${statusCode}]`,
                statusCode,
              },
        );
        res.on('error', () => {});
        res.resume();
      },
    );
    req.on('error', () => finish(failed()));
    req.on('close', () => probe.signal.removeEventListener('abort', onAbort));
    if (probe.signal.aborted) {
      onAbort();
      return;
    }
    probe.signal.addEventListener('abort', onAbort);
    req.end();
  });
}

function failed(): ProbeOutcome {
  return { ok: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' };
}
