/**
 * The local certificate authority: made once per user, reused by every later `wharf dev` run, and
 * the issuer of the short-lived leaf certificates the local ALB's HTTPS listeners and the local
 * API Gateway custom domains serve.
 *
 * Fidelity: where ACM issues a public certificate for a validated domain (aws-behavior-2.md §3.4),
 * the local CA signs one for the names the templates give, without any validation: it is trusted
 * only by clients told to trust it (`ca-location.ts` prints how). The CA is a 2048-bit RSA root
 * valid 10 years (`BasicConstraints CA:true, pathlen 0`, `keyCertSign`); each leaf is RSA 2048,
 * SHA-256, valid 30 days from an hour ago, with the names as DNS `subjectAltName`s, `serverAuth`
 * only, issued anew at each start and never written to disk. The key file is created 0600 in a
 * 0700 folder; a key others can read is refused, since anyone holding it could sign certificates
 * the user's clients would trust.
 *
 * Certificates are built with node-forge (a maintained pure-JavaScript X.509 library with no
 * dependencies); keys come from Node's own `generateKeyPairSync`.
 */

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import forge from 'node-forge';
import { WharfError } from '../../errors.js';
import { CA_DIR_VARIABLE, CA_FILES, caDirectory } from './ca-location.js';

/** How long a leaf certificate is valid, days. */
export const LEAF_VALIDITY_DAYS = 30;
/** How long the CA is valid, years. */
export const CA_VALIDITY_YEARS = 10;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A leaf certificate and its key, PEM, as `tls.createSecureContext` takes them. */
export interface ServerCertificate {
  /** The DNS names it covers (`subjectAltName`), as given. */
  readonly names: readonly string[];
  readonly cert: string;
  readonly key: string;
}

/** Something that issues server certificates (the CA, or a test's stand-in). */
export type CertificateIssuer = (names: readonly string[]) => ServerCertificate;

/** The user's local certificate authority. */
export class LocalCertificateAuthority {
  /** The CA certificate, PEM (what clients trust). */
  readonly certificatePem: string;
  private readonly caCert: forge.pki.Certificate;
  private readonly caKey: forge.pki.rsa.PrivateKey;
  private leafKeys: { readonly pem: string; readonly publicKey: forge.pki.rsa.PublicKey } | undefined;
  private readonly issued = new Map<string, ServerCertificate>();

  private constructor(
    /** The CA folder. */
    readonly dir: string,
    /** True when this run made the CA (first run for this user). */
    readonly created: boolean,
    certificatePem: string,
    keyPem: string,
  ) {
    this.certificatePem = certificatePem;
    this.caCert = forge.pki.certificateFromPem(certificatePem);
    this.caKey = forge.pki.privateKeyFromPem(keyPem);
  }

  /** The CA certificate file, `<dir>/ca.pem`. */
  get certificateFile(): string {
    return join(this.dir, CA_FILES.certificate);
  }

  /**
   * Opens the CA in `dir`, creating it when the folder does not exist. Two runs that create it at
   * once both end up with the same CA (the folder is made aside, then renamed into place).
   *
   * @default dir - {@link caDirectory}: `$WHARF_CA_DIR`, `$XDG_DATA_HOME/wharf/ca` or `~/.local/share/wharf/ca`
   * @throws WharfError `WHARF_CA_UNUSABLE` when the files are unreadable, mismatched, expired or
   *   the key is readable by others.
   */
  static openOrCreate(dir: string = caDirectory(), now: Date = new Date()): LocalCertificateAuthority {
    let created = false;
    if (!exists(join(dir, CA_FILES.key))) {
      let staging: string;
      try {
        mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
        staging = mkdtempSync(`${dir}.tmp-`);
        const made = makeCa(now);
        writeFileSync(join(staging, CA_FILES.key), made.keyPem, { mode: 0o600, flag: 'wx' });
        writeFileSync(join(staging, CA_FILES.certificate), made.certificatePem, { mode: 0o644, flag: 'wx' });
      } catch (error) {
        throw unusable(dir, `it cannot be created: ${(error as Error).message}`, error);
      }
      try {
        renameSync(staging, dir);
        created = true;
      } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        // Another run won the race (the folder now exists): use its CA. Anything else is real.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw unusable(dir, (error as Error).message, error);
      }
    }
    return LocalCertificateAuthority.open(dir, created, now);
  }

  private static open(dir: string, created: boolean, now: Date): LocalCertificateAuthority {
    const keyFile = join(dir, CA_FILES.key);
    let keyPem: string;
    let certificatePem: string;
    try {
      const mode = statSync(keyFile).mode;
      if ((mode & 0o077) !== 0) {
        throw unusable(
          dir,
          `its key ${keyFile} is readable by other users (mode ${(mode & 0o777).toString(8)}): anyone who reads it can sign certificates your clients trust. Run: chmod 600 ${keyFile}`,
        );
      }
      keyPem = readFileSync(keyFile, 'utf8');
      certificatePem = readFileSync(join(dir, CA_FILES.certificate), 'utf8');
    } catch (error) {
      if (error instanceof WharfError) throw error;
      throw unusable(dir, (error as Error).message, error);
    }
    let ca: LocalCertificateAuthority;
    try {
      ca = new LocalCertificateAuthority(dir, created, certificatePem, keyPem);
    } catch (error) {
      throw unusable(
        dir,
        `its files are not a PEM certificate and RSA key (${(error as Error).message})`,
        error,
      );
    }
    const publicKey = ca.caCert.publicKey as forge.pki.rsa.PublicKey;
    if (publicKey.n.compareTo(ca.caKey.n) !== 0)
      throw unusable(dir, `${CA_FILES.key} is not the key of ${CA_FILES.certificate}`);
    if (ca.caCert.validity.notAfter.getTime() < now.getTime() + LEAF_VALIDITY_DAYS * DAY_MS)
      throw unusable(dir, `it expires on ${ca.caCert.validity.notAfter.toISOString()}`);
    return ca;
  }

  /**
   * A leaf certificate for `names` (DNS names, `*.` wildcards allowed), signed by the CA. The
   * same names in the same run get the same certificate.
   */
  issue(names: readonly string[], now: Date = new Date()): ServerCertificate {
    const key = [...names].sort().join(' ');
    const known = this.issued.get(key);
    if (known) return known;
    if (names.length === 0)
      throw new WharfError('WHARF_CA_NO_NAMES', 'a certificate needs at least one name', {
        source: 'internal',
      });
    // One key pair for every leaf of the run: generating RSA keys is the slow part.
    this.leafKeys ??= leafKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = this.leafKeys.publicKey;
    cert.serialNumber = serialNumber();
    cert.validity.notBefore = new Date(now.getTime() - HOUR_MS);
    cert.validity.notAfter = new Date(now.getTime() + LEAF_VALIDITY_DAYS * DAY_MS);
    const first = names[0] as string;
    // A common name holds at most 64 characters; clients read the subjectAltName anyway.
    cert.setSubject(first.length <= 64 ? [{ name: 'commonName', value: first }] : []);
    cert.setIssuer(this.caCert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
      { name: 'subjectKeyIdentifier' },
      {
        name: 'authorityKeyIdentifier',
        keyIdentifier: this.caCert.generateSubjectKeyIdentifier().getBytes(),
      },
    ]);
    cert.sign(this.caKey, forge.md.sha256.create());
    const issued = { names: [...names], cert: forge.pki.certificateToPem(cert), key: this.leafKeys.pem };
    this.issued.set(key, issued);
    return issued;
  }
}

function makeCa(now: Date): { keyPem: string; certificatePem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - HOUR_MS);
  cert.validity.notAfter = new Date(now.getTime());
  cert.validity.notAfter.setUTCFullYear(now.getUTCFullYear() + CA_VALIDITY_YEARS);
  // A name that says what it is in a trust store, unique per CA.
  const attributes = [
    { name: 'organizationName', value: 'Wharf local development' },
    { name: 'commonName', value: `Wharf local CA ${randomBytes(4).toString('hex')}` },
  ];
  cert.setSubject(attributes);
  cert.setIssuer(attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { keyPem, certificatePem: forge.pki.certificateToPem(cert) };
}

function leafKeyPair(): { pem: string; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey: forge.pki.publicKeyFromPem(
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ) as forge.pki.rsa.PublicKey,
  };
}

/** 16 random bytes, the first bit clear so the DER integer stays positive (RFC 5280 §4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

function unusable(dir: string, why: string, cause?: unknown): WharfError {
  return new WharfError(
    'WHARF_CA_UNUSABLE',
    `The local certificate authority in ${dir} cannot be used: ${why}. Remove the folder to make a new one (clients that trusted the old one must trust the new one), or set ${CA_DIR_VARIABLE} to another folder.`,
    { cause },
  );
}
