/**
 * DNS names on certificates: which names are valid, whether a name a client asks for (SNI) is
 * covered by a certificate's name, and which of a listener's certificates serves it. Pure.
 *
 * Fidelity (aws-behavior-2.md §3.1): a listener has one default certificate and a list of others;
 * the client's SNI name picks a certificate that covers it, and the default serves when none does
 * or the client sent no name. A wildcard `*.example.com` covers one label (`a.example.com`, not
 * `example.com` nor `a.b.example.com`, RFC 6125 §6.4.3). Names compare case-insensitively. AWS's
 * "smart selection" among several covering certificates (by key type and client support) is not
 * reproduced: the first covering certificate serves.
 */

import { canonicalDomainName } from '../../aws/dns-names.js';
/** A DNS name a certificate may carry: labels of letters, digits and hyphens, an optional leading `*.`. */
export function isCertificateName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = (name.startsWith('*.') ? name.slice(2) : name).replace(/\.$/, '').split('.');
  return (
    labels.length >= 1 &&
    labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label))
  );
}

/**
 * Whether a certificate name covers a host name.
 *
 * @example
 * coversName('*.example.com', 'api.example.com'); // true
 * coversName('*.example.com', 'example.com'); // false
 * coversName('api.example.com', 'API.example.com'); // true
 */
export function coversName(certificateName: string, host: string): boolean {
  const pattern = canonicalDomainName(certificateName);
  const name = canonicalDomainName(host);
  if (!pattern.startsWith('*.')) return pattern === name;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === pattern.slice(2);
}

/**
 * The index of the certificate that serves a client's SNI name: the first whose names cover it,
 * else 0 (the default certificate).
 *
 * @example
 * selectCertificate([['shop.example.com'], ['api.example.com']], 'api.example.com'); // 1
 * selectCertificate([['shop.example.com'], ['api.example.com']], undefined); // 0
 */
export function selectCertificate(
  certificates: readonly (readonly string[])[],
  serverName: string | undefined,
): number {
  if (!serverName) return 0;
  const index = certificates.findIndex((names) => names.some((name) => coversName(name, serverName)));
  return Math.max(index, 0);
}

/**
 * A host name to put in a local URL for a certificate's names: the first that is not a wildcard,
 * else the first wildcard with `www` in place of `*` (a name the certificate covers).
 *
 * @example
 * urlHost(['*.example.com', 'api.example.com']); // 'api.example.com'
 * urlHost(['*.example.com']); // 'www.example.com'
 */
export function urlHost(names: readonly string[]): string | undefined {
  const plain = names.find((name) => !name.startsWith('*.'));
  if (plain !== undefined) return plain;
  const wildcard = names[0];
  return wildcard === undefined ? undefined : `www.${wildcard.slice(2)}`;
}
