/**
 * Which TLS versions a local HTTPS endpoint offers: an ALB listener's by its `SslPolicy`, an HTTP
 * API custom domain's by its `SecurityPolicy`. Pure.
 *
 * Fidelity (aws-behavior-2.md §3.2, §2.1): a listener offers the protocol range its `SslPolicy`
 * accepts (the table is `src/aws/elb-security-policies.ts`; no `SslPolicy` means
 * `ELBSecurityPolicy-2016-08`, TLS 1.0–1.2, as CloudFormation sets it). An HTTP API custom domain offers TLS 1.2
 * only ("For HTTP APIs, TLS 1.2 is the only supported TLS version", §2.1). Cipher suites are
 * Node's defaults, not the policy's. TLS 1.0 and 1.1 are offered with OpenSSL's security level 0,
 * without which OpenSSL 3 refuses them whatever the version range says.
 */

import type { SecureVersion } from 'node:tls';
import {
  CLOUDFORMATION_DEFAULT_SSL_POLICY,
  sslPolicyProtocols,
  type TlsProtocol,
} from '../../aws/elb-security-policies.js';

/** The versions a server offers, as `tls.createServer` takes them. */
export interface TlsVersions {
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  /** `ciphers` for a range that reaches below TLS 1.2. @default - Node's defaults */
  readonly ciphers?: string;
}

/** What CloudFormation gives a listener that names no `SslPolicy` (§3.2). */
export const DEFAULT_SSL_POLICY = CLOUDFORMATION_DEFAULT_SSL_POLICY;

const NODE_VERSION: Readonly<Record<TlsProtocol, SecureVersion>> = {
  '1.0': 'TLSv1',
  '1.1': 'TLSv1.1',
  '1.2': 'TLSv1.2',
  '1.3': 'TLSv1.3',
};

/**
 * The TLS versions of an ALB security policy, as `tls.createServer` takes them, or `undefined`
 * for a name {@link sslPolicyProtocols} does not know (the caller warns and uses the default
 * policy's).
 *
 * @example
 * sslPolicyVersions('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09'); // { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }
 * sslPolicyVersions('ELBSecurityPolicy-TLS-1-2-2017-01'); // { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }
 * sslPolicyVersions(undefined); // TLS 1.0–1.2 (ELBSecurityPolicy-2016-08)
 */
export function sslPolicyVersions(policy: string | undefined): TlsVersions | undefined {
  const protocols = sslPolicyProtocols(policy ?? DEFAULT_SSL_POLICY);
  if (!protocols) return undefined;
  const minVersion = NODE_VERSION[protocols.oldest];
  const maxVersion = NODE_VERSION[protocols.newest];
  const legacy = protocols.oldest === '1.0' || protocols.oldest === '1.1';
  return legacy ? { minVersion, maxVersion, ciphers: 'DEFAULT@SECLEVEL=0' } : { minVersion, maxVersion };
}

/** An HTTP API custom domain: TLS 1.2 only (§2.1), whatever `SecurityPolicy` says. */
export const HTTP_API_DOMAIN_VERSIONS: TlsVersions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
