/**
 * Deterministic look-alike identifiers: every id, name suffix, hash and address Wharf invents for a
 * resource comes from a SHA-256 of a seed (the app, stack path and logical id) and a purpose, so
 * the same template always gives the same ids, and different resources (or different purposes on
 * one resource) practically never collide.
 */

import { createHash } from 'node:crypto';

const HEX = '0123456789abcdef';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DIGITS = '0123456789';

/** Random-looking but reproducible characters for one resource. */
export class IdSource {
  constructor(private readonly seed: string) {}

  /** `length` characters of `alphabet`, derived from the seed and `purpose`. */
  chars(alphabet: string, length: number, purpose: string): string {
    let out = '';
    for (let round = 0; out.length < length; round++) {
      const digest = createHash('sha256').update(`${this.seed}\u0000${purpose}\u0000${round}`).digest();
      for (const byte of digest) {
        if (out.length === length) break;
        out += alphabet[byte % alphabet.length];
      }
    }
    return out;
  }

  /** Lowercase hexadecimal, e.g. the 17 digits of `vpc-0a1b…`. */
  hex(length: number, purpose = 'id'): string {
    return this.chars(HEX, length, purpose);
  }

  /** Lowercase letters and digits, e.g. an API id. */
  lower(length: number, purpose = 'id'): string {
    return this.chars(LOWER_ALNUM, length, purpose);
  }

  /** Uppercase letters and digits, e.g. CloudFormation's name suffix. */
  upper(length: number, purpose = 'id'): string {
    return this.chars(UPPER_ALNUM, length, purpose);
  }

  /** Mixed-case letters and digits, e.g. a Secrets Manager ARN suffix. */
  mixed(length: number, purpose = 'id'): string {
    return this.chars(MIXED_ALNUM, length, purpose);
  }

  /** Decimal digits, e.g. the number in an ALB DNS name. */
  digits(length: number, purpose = 'id'): string {
    return `${this.chars('123456789', 1, `${purpose}/first`)}${this.chars(DIGITS, length - 1, purpose)}`;
  }

  /** A version-4-shaped UUID, e.g. the tail of a stack id. */
  uuid(purpose = 'uuid'): string {
    const h = this.hex(32, purpose);
    const variant = HEX[8 + (Number.parseInt(h[16], 16) % 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A public-looking IPv4 address in 3.0.0.0/8, like an Elastic IP. */
  publicIp(purpose = 'ip'): string {
    const h = this.hex(6, purpose);
    const octet = (i: number) => Number.parseInt(h.slice(i, i + 2), 16);
    return `3.${octet(0)}.${octet(2)}.${Math.max(1, octet(4) % 255)}`;
  }
}

/**
 * A name the way CloudFormation generates one for a resource whose name property is not set:
 * `<stackName>-<LogicalId>-<SUFFIX>`, with a 12-character uppercase suffix, the stack and logical
 * id parts shortened (each keeping at least half the room) so the whole fits `maxLength`, and
 * characters other than letters, digits and hyphens dropped.
 *
 * @example
 * generatedName('parent-ServiceStack-1A2B3C4D5E6F', 'PublicLoadBalancer', ids, 32); // 'parent-Se-PublicLoa-7QK2…'
 */
export function generatedName(stackName: string, logicalId: string, ids: IdSource, maxLength = 255): string {
  const suffix = ids.upper(12, 'name');
  const clean = (text: string) => text.replace(/[^A-Za-z0-9-]/g, '');
  let stack = clean(stackName);
  let logical = clean(logicalId);
  const room = maxLength - suffix.length - 2;
  if (stack.length + logical.length > room) {
    const half = Math.floor(room / 2);
    const stackRoom = Math.max(half, room - logical.length);
    stack = stack.slice(0, stackRoom);
    logical = logical.slice(0, room - stack.length);
  }
  return `${stack.replace(/-+$/, '')}-${logical}-${suffix}`;
}
