/**
 * The server behind one local listener: node:http for an HTTP listener, node:https for an HTTPS
 * one, both with the ALB's connection limits.
 *
 * Fidelity (aws-behavior-2.md §3.1, §3.2): an HTTPS listener serves its default certificate, or
 * the certificate of its SNI list that covers the name the client asks for
 * (`../tls/server-names.ts`); each is a leaf from Wharf's local CA for the names the templates
 * give it (`../tls/certificate-names.ts`). The TLS versions offered follow `SslPolicy`
 * (`../tls/tls-policy.ts`); cipher suites are Node's. HTTP/2 (which ALB HTTPS listeners also
 * speak) and mutual TLS are not served: clients negotiate HTTP/1.1.
 */

import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import { WharfError } from '../../errors.js';
import type { CertificateIssuer, ServerCertificate } from '../tls/certificate-authority.js';
import { selectCertificate } from '../tls/server-names.js';
import { DEFAULT_SSL_POLICY, sslPolicyVersions } from '../tls/tls-policy.js';
import type { ListenerConfig } from './types.js';

/** The server of a listener, and for HTTPS the certificates it serves. */
export interface ListenerServer {
  readonly server: Server | TlsServer;
  /** HTTPS: the certificates, default first. @default - none */
  readonly certificates?: readonly ServerCertificate[];
}

/** node:http options every listener uses, from the load balancer's idle timeout. */
export function listenerServerOptions(idleTimeoutMs: number): ServerOptions {
  return {
    keepAliveTimeout: idleTimeoutMs,
    headersTimeout: idleTimeoutMs,
    // node:http checks headersTimeout on this period (30 s by default), so a client that
    // never finishes its headers would otherwise wait up to 30 s past the idle timeout.
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(idleTimeoutMs / 4))),
    // The idle timeout, not a total: a slow upload that keeps sending is not cut (proxy.ts
    // closes one whose body stops arriving).
    requestTimeout: 0,
    maxHeaderSize: 64 * 1024,
    // request-checks.ts answers a missing Host with the ALB's page.
    requireHostHeader: false,
  };
}

/**
 * Creates the (not yet listening) server of `listener`.
 *
 * @throws WharfError `WHARF_ELB_NO_CERTIFICATE_ISSUER` for an HTTPS listener when no issuer is given.
 */
export function createListenerServer(
  listener: ListenerConfig,
  idleTimeoutMs: number,
  handle: RequestListener,
  issue: CertificateIssuer | undefined,
  loadBalancerName: string,
): ListenerServer {
  const options = listenerServerOptions(idleTimeoutMs);
  if (listener.protocol !== 'HTTPS') return { server: createServer(options, handle) };
  const certificateConfigs = listener.tls?.certificates ?? [];
  if (!issue || certificateConfigs.length === 0) {
    throw new WharfError(
      'WHARF_ELB_NO_CERTIFICATE_ISSUER',
      `Load balancer ${loadBalancerName}: the HTTPS:${listener.port} listener needs certificates and an issuer for them (the local certificate authority).`,
      { source: 'internal' },
    );
  }
  const certificates = certificateConfigs.map((config) => issue(config.names));
  const versions =
    sslPolicyVersions(listener.tls?.sslPolicy) ??
    (sslPolicyVersions(DEFAULT_SSL_POLICY) as NonNullable<ReturnType<typeof sslPolicyVersions>>);
  const contexts: SecureContext[] = certificates.map((certificate) =>
    createSecureContext({ cert: certificate.cert, key: certificate.key, ...versions }),
  );
  const names = certificates.map((certificate) => certificate.names);
  const first = certificates[0] as ServerCertificate;
  const server = createTlsServer(
    {
      ...options,
      ...versions,
      cert: first.cert,
      key: first.key,
      ALPNProtocols: ['http/1.1'],
      SNICallback: (serverName, done) => done(null, contexts[selectCertificate(names, serverName)]),
    },
    handle,
  );
  return { server, certificates };
}
