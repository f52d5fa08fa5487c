/**
 * A TLS client for the local HTTPS tests: node:https with the local CA as its only trust anchor,
 * every name resolved to 127.0.0.1 (as `curl --resolve` does), and what the handshake negotiated.
 */

import { request } from 'node:https';
import type { PeerCertificate, SecureVersion, TLSSocket } from 'node:tls';
import { LOOPBACK_LOOKUP } from '../../../src/local/probe.js';

/** A response over TLS, with the peer certificate and the negotiated protocol. */
export interface TlsResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly protocol: string | null;
  readonly certificate: PeerCertificate;
  /** True when the chain verified against `ca` and the name matched. */
  readonly authorized: boolean;
}

/** `GET https://<name>:<port><path>` to 127.0.0.1, trusting only `ca`. */
export function getOverTls(
  url: string,
  ca: string,
  options: { readonly maxVersion?: SecureVersion; readonly servername?: string } = {},
): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca,
        lookup: LOOPBACK_LOOKUP,
        agent: false,
        ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
        ...(options.servername ? { servername: options.servername } : {}),
      },
      (res) => {
        const socket = res.socket as TLSSocket;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            protocol: socket.getProtocol(),
            certificate: socket.getPeerCertificate(),
            authorized: socket.authorized,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
