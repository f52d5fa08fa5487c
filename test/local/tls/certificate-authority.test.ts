/**
 * The local certificate authority on a real file system (temp folders, removed after): made once
 * with a key only its user can read, reused by later runs, refused when it cannot be trusted, and
 * issuing leaves that chain to it with the names asked for and a short validity.
 */

import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import {
  LEAF_VALIDITY_DAYS,
  LocalCertificateAuthority,
} from '../../../src/local/tls/certificate-authority.js';

const roots: string[] = [];
function caDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'wharf-ca-test-'));
  roots.push(root);
  return join(root, 'nested', 'ca');
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('LocalCertificateAuthority', () => {
  it('creates the CA once, its key readable by the user only (0600) in a 0700 folder, and reuses it on later runs', () => {
    const dir = caDir();
    const first = LocalCertificateAuthority.openOrCreate(dir);
    expect(first.created).toBe(true);
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const ca = new X509Certificate(readFileSync(first.certificateFile));
    expect(ca.ca).toBe(true);
    expect(ca.checkIssued(ca)).toBe(true);

    const again = LocalCertificateAuthority.openOrCreate(dir);
    expect(again.created).toBe(false);
    expect(again.certificatePem).toBe(first.certificatePem);
  });

  it('issues a leaf for the names asked for, signed by the CA, valid for a short time', () => {
    const authority = LocalCertificateAuthority.openOrCreate(caDir());
    const now = new Date('2026-12-05T12:00:00Z');
    const issued = authority.issue(['api.example.com', '*.api.example.com'], now);
    const leaf = new X509Certificate(issued.cert);
    const ca = new X509Certificate(authority.certificatePem);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subjectAltName).toBe('DNS:api.example.com, DNS:*.api.example.com');
    expect(leaf.checkHost('api.example.com')).toBe('api.example.com');
    expect(leaf.checkHost('other.example.com')).toBeUndefined();
    const days = (Date.parse(leaf.validTo) - now.getTime()) / 86_400_000;
    expect(days).toBe(LEAF_VALIDITY_DAYS);
    expect(authority.issue(['*.api.example.com', 'api.example.com'], now)).toBe(issued);
  });

  it('refuses a CA whose key other users can read, saying how to fix it', () => {
    const dir = caDir();
    LocalCertificateAuthority.openOrCreate(dir);
    chmodSync(join(dir, 'ca.key'), 0o644);
    let error: unknown;
    try {
      LocalCertificateAuthority.openOrCreate(dir);
    } catch (e) {
      error = e;
    }
    expect(isWharfError(error) && error.code).toBe('WHARF_CA_UNUSABLE');
    expect((error as Error).message).toContain(`chmod 600 ${join(dir, 'ca.key')}`);
  });

  it('refuses a key that is not the key of the CA certificate', () => {
    const dir = caDir();
    LocalCertificateAuthority.openOrCreate(dir);
    const other = LocalCertificateAuthority.openOrCreate(caDir());
    writeFileSync(join(dir, 'ca.pem'), other.certificatePem);
    expect(() => LocalCertificateAuthority.openOrCreate(dir)).toThrow(/ca\.key is not the key of ca\.pem/);
  });

  it('refuses a CA that expires within a leaf validity', () => {
    const dir = caDir();
    LocalCertificateAuthority.openOrCreate(dir, new Date('2020-01-01T00:00:00Z'));
    expect(() => LocalCertificateAuthority.openOrCreate(dir, new Date('2029-12-15T00:00:00Z'))).toThrow(
      /expires on 2030-01-01/,
    );
  });
});

describe('LocalCertificateAuthority where it cannot be made', () => {
  it('says which folder could not be created and how to choose another', () => {
    const root = mkdtempSync(join(tmpdir(), 'wharf-ca-test-'));
    roots.push(root);
    // A file where the CA's parent folder should be.
    writeFileSync(join(root, 'not-a-folder'), '');
    expect(() => LocalCertificateAuthority.openOrCreate(join(root, 'not-a-folder', 'ca'))).toThrow(
      /cannot be created: .*set WHARF_CA_DIR to another folder/,
    );
  });
});
