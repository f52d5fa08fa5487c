/**
 * Which TLS versions a local HTTPS endpoint offers: an ALB listener's by its `SslPolicy`, an HTTP
 * API custom domain's by its `SecurityPolicy`. Pure.
 *
 * Fidelity (aws-behavior-2.md §3.2, §2.1; ELB guide, "Security policies for your Application
 * Load Balancer", describe-ssl-policies): a listener without `SslPolicy` gets
 * `ELBSecurityPolicy-2016-08` (TLS 1.0–1.2) from CloudFormation; the `ELBSecurityPolicy-TLS13-1-N-*`
 * family offers TLS 1.N to 1.3 (`-TLS13-1-3-*`: 1.3 only), `ELBSecurityPolicy-TLS-1-2-*` and
 * `-FS-1-2-*` TLS 1.2 only, `ELBSecurityPolicy-TLS-1-1-*` and `-FS-1-1-*` 1.1–1.2, and the older
 * policies (`2016-08`, `2015-05`, `FS-2018-06`) 1.0–1.2. An HTTP API custom domain offers TLS 1.2
 * only ("For HTTP APIs, TLS 1.2 is the only supported TLS version", §2.1). Cipher suites are
 * Node's defaults, not the policy's. TLS 1.0 and 1.1 are offered with OpenSSL's security level 0,
 * without which OpenSSL 3 refuses them whatever the version range says.
 */

import type { SecureVersion } from 'node:tls';

/** The versions a server offers, as `tls.createServer` takes them. */
export interface TlsVersions {
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  /** `ciphers` for a range that reaches below TLS 1.2. @default - Node's defaults */
  readonly ciphers?: string;
}

/** What CloudFormation gives a listener that names no `SslPolicy` (§3.2). */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/** AWS's current recommendation (§3.2). */
export const RECOMMENDED_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';

const VERSION: Readonly<Record<string, SecureVersion>> = {
  '0': 'TLSv1',
  '1': 'TLSv1.1',
  '2': 'TLSv1.2',
  '3': 'TLSv1.3',
};

function range(min: SecureVersion, max: SecureVersion): TlsVersions {
  const legacy = min === 'TLSv1' || min === 'TLSv1.1';
  return legacy
    ? { minVersion: min, maxVersion: max, ciphers: 'DEFAULT@SECLEVEL=0' }
    : { minVersion: min, maxVersion: max };
}

/**
 * The TLS versions of an ALB security policy, or `undefined` for a name outside the families
 * above (the caller warns and uses the default policy's).
 *
 * @example
 * sslPolicyVersions('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09'); // { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }
 * sslPolicyVersions('ELBSecurityPolicy-TLS-1-2-2017-01'); // { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }
 * sslPolicyVersions(undefined); // TLS 1.0–1.2 (ELBSecurityPolicy-2016-08)
 */
export function sslPolicyVersions(policy: string | undefined): TlsVersions | undefined {
  const name = policy ?? DEFAULT_SSL_POLICY;
  const tls13 = /^ELBSecurityPolicy-TLS13-1-([0-3])-/.exec(name);
  if (tls13) return range(VERSION[tls13[1] as string] as SecureVersion, 'TLSv1.3');
  const tls12 = /^ELBSecurityPolicy-(?:TLS|FS)-1-([12])-/.exec(name);
  if (tls12) return range(VERSION[tls12[1] as string] as SecureVersion, 'TLSv1.2');
  if (/^ELBSecurityPolicy-(?:2016-08|2015-05|2015-03|2015-02|2014-10|2014-01|2011-08|FS-2018-06)$/.test(name))
    return range('TLSv1', 'TLSv1.2');
  return undefined;
}

/** An HTTP API custom domain: TLS 1.2 only (§2.1), whatever `SecurityPolicy` says. */
export const HTTP_API_DOMAIN_VERSIONS: TlsVersions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
