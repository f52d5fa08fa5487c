/**
 * Elastic Load Balancing security policies: which TLS protocol versions a policy named in a
 * listener's `SslPolicy` accepts, what CloudFormation gives a listener that names none, and what
 * AWS recommends. One table for every command: `wharf check` (`tls-policy-outdated`), the
 * constructs (the ALB's HTTPS listener) and `wharf dev` (the versions a local HTTPS listener offers).
 *
 * Facts (docs/reference/aws-behavior-2.md §3.2; ELB guide, "Security policies for your Application
 * Load Balancer"): `ELBSecurityPolicy-TLS13-1-N-*` accepts TLS 1.N to 1.3 (`-TLS13-1-3-*`: 1.3
 * only); `ELBSecurityPolicy-TLS-1-2-*` and `-FS-1-2-*` TLS 1.2 only; `-TLS-1-1-*` and `-FS-1-1-*`
 * 1.1–1.2; `ELBSecurityPolicy-TLS-1-0-2015-04` and the older policies (`2016-08`, `2015-05` "identical
 * to 2016-08", `FS-2018-06`, and the pre-2016 dated ones) 1.0–1.2. The TLS 1.3 family is read from
 * its name, so a later policy of that family is known too.
 */

/** A TLS protocol version, as the policy tables write it. */
export type TlsProtocol = '1.0' | '1.1' | '1.2' | '1.3';

/** The oldest and newest protocol a policy accepts. */
export interface TlsProtocolRange {
  readonly oldest: TlsProtocol;
  readonly newest: TlsProtocol;
}

/**
 * AWS's current recommendation and console default: TLS 1.3 and 1.2 with hybrid post-quantum key
 * exchange (§3.2, re-checked 2026-12: "AWS recommends … ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html).
 */
export const RECOMMENDED_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';

/** What CloudFormation, the CLI and the CDK give an HTTPS listener without `SslPolicy` (§3.2). */
export const CLOUDFORMATION_DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/** Policies named by date (not by protocol) that accept TLS 1.0 to 1.2 (§3.2). */
const TLS_1_0_TO_1_2: ReadonlySet<string> = new Set([
  'ELBSecurityPolicy-2016-08',
  'ELBSecurityPolicy-2015-05',
  'ELBSecurityPolicy-2015-03',
  'ELBSecurityPolicy-2015-02',
  'ELBSecurityPolicy-2014-10',
  'ELBSecurityPolicy-2014-01',
  'ELBSecurityPolicy-2011-08',
  'ELBSecurityPolicy-TLS-1-0-2015-04',
  'ELBSecurityPolicy-FS-2018-06',
]);

/**
 * The protocols an ELB security policy accepts, or `undefined` for a name outside the families
 * above (a custom or later policy: callers do not judge it).
 *
 * @example
 * sslPolicyProtocols('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09'); // { oldest: '1.2', newest: '1.3' }
 * sslPolicyProtocols('ELBSecurityPolicy-FS-1-1-2019-08');           // { oldest: '1.1', newest: '1.2' }
 * sslPolicyProtocols('ELBSecurityPolicy-2016-08');                  // { oldest: '1.0', newest: '1.2' }
 */
export function sslPolicyProtocols(policy: string): TlsProtocolRange | undefined {
  const tls13 = /^ELBSecurityPolicy-TLS13-1-([0-3])-/.exec(policy)?.[1];
  if (tls13 !== undefined) return { oldest: `1.${tls13}` as TlsProtocol, newest: '1.3' };
  const tls12 = /^ELBSecurityPolicy-(?:TLS|FS)-1-([12])-/.exec(policy)?.[1];
  if (tls12 !== undefined) return { oldest: `1.${tls12}` as TlsProtocol, newest: '1.2' };
  if (TLS_1_0_TO_1_2.has(policy)) return { oldest: '1.0', newest: '1.2' };
  return undefined;
}
