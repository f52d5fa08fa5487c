/**
 * The pure decisions of local HTTPS, table-driven: API mapping selection (aws-behavior-2.md §2.3),
 * the redirect Location on a local port (§3.3), TLS versions by policy (§3.2, §2.1), certificate
 * name matching for SNI (§3.1), mapping key checks, and where the CA lives.
 */

import { describe, expect, it } from 'vitest';
import { selectApiMapping } from '../../../src/local/apigateway/api-mapping-selector.js';
import { keyProblem } from '../../../src/local/apigateway/domain-names.js';
import { localRedirectLocation } from '../../../src/local/elb/listener-actions.js';
import { caDirectory, curlCommand, trustInstructions } from '../../../src/local/tls/ca-location.js';
import {
  coversName,
  isCertificateName,
  selectCertificate,
  urlHost,
} from '../../../src/local/tls/server-names.js';
import { sslPolicyVersions } from '../../../src/local/tls/tls-policy.js';

describe('selectApiMapping (§2.3)', () => {
  // The AWS guide's example: (none)→API1, orders/v1/items→API2, orders/v2/items→API3,
  // orders/v2/items/categories→API4.
  const mappings = [
    { key: '', api: 'API1' },
    { key: 'orders/v1/items', api: 'API2' },
    { key: 'orders/v2/items', api: 'API3' },
    { key: 'orders/v2/items/categories', api: 'API4' },
  ];
  it.each([
    ['/orders/v1/items/123', 'API2', '/123'],
    ['/orders/v2/items/categories/5', 'API4', '/5'],
    ['/customers', 'API1', '/customers'],
    ['/orders/v2/items', 'API3', '/'],
    ['/orders/v2/items/', 'API3', '/'],
    ['/orders/v1/itemsX', 'API1', '/orders/v1/itemsX'],
    ['/', 'API1', '/'],
  ])('sends %s to %s with the route path %s', (path, api, routePath) => {
    const selected = selectApiMapping(mappings, path);
    expect([selected?.mapping.api, selected?.routePath]).toEqual([api, routePath]);
  });

  it('picks the longest key whatever the declaration order', () => {
    const reversed = [...mappings].reverse();
    expect(selectApiMapping(reversed, '/orders/v2/items/categories/5')?.mapping.api).toBe('API4');
    expect(selectApiMapping(reversed, '/x')?.mapping.api).toBe('API1');
  });

  it('finds nothing when no key matches and there is no empty mapping', () => {
    expect(selectApiMapping([{ key: 'shop' }], '/other')).toBeUndefined();
    expect(selectApiMapping([{ key: 'shop' }], '/Shop/x')).toBeUndefined();
  });
});

describe('ApiMappingKey checks (§2.3)', () => {
  it.each(['', 'orders', 'orders/v1/items', "a$-_.+!*'()b"])('accepts %j', (key) => {
    expect(keyProblem(key)).toBeUndefined();
  });
  it.each(['/', '/orders', 'orders/', 'a//b', 'a b', 'a?b', 'x'.repeat(301)])('refuses %j', (key) => {
    expect(keyProblem(key)).toBeDefined();
  });
});

describe('localRedirectLocation (§3.3)', () => {
  const ports = new Map([
    [80, 8080],
    [443, 8443],
  ]);
  it.each([
    ['https://shop.example.com:443/a?b=1', 'shop.example.com', 'https://shop.example.com:8443/a?b=1'],
    ['https://SHOP.example.com:443/', 'shop.example.com', 'https://SHOP.example.com:8443/'],
    ['http://shop.example.com:80/x', 'shop.example.com', 'http://shop.example.com:8080/x'],
    // Another host: AWS's Location, untouched.
    ['https://other.example.org:443/', 'shop.example.com', 'https://other.example.org:443/'],
    // A port no listener of this load balancer has on AWS: untouched.
    ['https://shop.example.com:8444/', 'shop.example.com', 'https://shop.example.com:8444/'],
  ])('%s (request host %s) → %s', (location, host, expected) => {
    expect(localRedirectLocation(location, host, ports)).toBe(expected);
  });
});

describe('sslPolicyVersions (§3.2)', () => {
  it.each([
    ['ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', 'TLSv1.2', 'TLSv1.3'],
    ['ELBSecurityPolicy-TLS13-1-2-2021-06', 'TLSv1.2', 'TLSv1.3'],
    ['ELBSecurityPolicy-TLS13-1-3-2021-06', 'TLSv1.3', 'TLSv1.3'],
    ['ELBSecurityPolicy-TLS13-1-0-2021-06', 'TLSv1', 'TLSv1.3'],
    ['ELBSecurityPolicy-TLS-1-2-Ext-2018-06', 'TLSv1.2', 'TLSv1.2'],
    ['ELBSecurityPolicy-FS-1-2-Res-2020-10', 'TLSv1.2', 'TLSv1.2'],
    ['ELBSecurityPolicy-TLS-1-1-2017-01', 'TLSv1.1', 'TLSv1.2'],
    ['ELBSecurityPolicy-2016-08', 'TLSv1', 'TLSv1.2'],
    [undefined, 'TLSv1', 'TLSv1.2'],
  ])('%s offers %s to %s', (policy, min, max) => {
    const versions = sslPolicyVersions(policy);
    expect([versions?.minVersion, versions?.maxVersion]).toEqual([min, max]);
  });

  it('knows no policy outside the ELB families', () => {
    expect(sslPolicyVersions('MyPolicy')).toBeUndefined();
  });
});

describe('certificate names and SNI (§3.1)', () => {
  it.each([
    ['api.example.com', 'api.example.com', true],
    ['api.example.com', 'API.Example.com.', true],
    ['*.example.com', 'api.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['api.example.com', 'www.example.com', false],
  ])('%s covers %s: %s', (name, host, covered) => {
    expect(coversName(name, host)).toBe(covered);
  });

  it('serves the first certificate that covers the SNI name, else the default', () => {
    const certificates = [['shop.example.com'], ['*.example.org'], ['api.example.org']];
    expect(selectCertificate(certificates, 'api.example.org')).toBe(1);
    expect(selectCertificate(certificates, 'nothing.example.net')).toBe(0);
    expect(selectCertificate(certificates, undefined)).toBe(0);
  });

  it.each([
    ['api.example.com', true],
    ['*.example.com', true],
    ['api.example.com.', true],
    ['api..example.com', false],
    ['-api.example.com', false],
    ['api.example.com/x', false],
    ['', false],
  ])('%j is a certificate name: %s', (name, valid) => {
    expect(isCertificateName(name)).toBe(valid);
  });
});

describe('urlHost: the host name of a local HTTPS URL', () => {
  it('takes the first name that is not a wildcard, else the wildcard with www, a name it covers', () => {
    expect(urlHost(['*.example.com', 'api.example.com'])).toBe('api.example.com');
    expect(urlHost(['*.example.com'])).toBe('www.example.com');
    expect(coversName('*.example.com', urlHost(['*.example.com']) ?? '')).toBe(true);
    expect(urlHost([])).toBeUndefined();
  });
});

describe('where the local CA lives', () => {
  it.each([
    [{ WHARF_CA_DIR: '/tmp/ca' }, '/tmp/ca'],
    [{ XDG_DATA_HOME: '/data' }, '/data/wharf/ca'],
    [{ XDG_DATA_HOME: 'relative' }, '/home/ana/.local/share/wharf/ca'],
    [{}, '/home/ana/.local/share/wharf/ca'],
  ])('%j → %s', (env, dir) => {
    expect(caDirectory(env, '/home/ana')).toBe(dir);
  });

  it('tells how to trust the CA with curl, on Debian and on macOS', () => {
    const lines = trustInstructions('/home/ana/.local/share/wharf/ca/ca.pem', true).join('\n');
    expect(lines).toContain('Created the local certificate authority /home/ana/.local/share/wharf/ca/ca.pem');
    expect(lines).toContain('curl --cacert /home/ana/.local/share/wharf/ca/ca.pem');
    expect(lines).toContain('update-ca-certificates');
    expect(lines).toContain(
      'security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain /home/ana/.local/share/wharf/ca/ca.pem',
    );
    expect(curlCommand('/tmp/my ca/ca.pem', 'api.example.com', 8443)).toBe(
      "curl --cacert '/tmp/my ca/ca.pem' --resolve api.example.com:8443:127.0.0.1 https://api.example.com:8443/",
    );
  });
});
