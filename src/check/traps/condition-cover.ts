/**
 * Pure decisions about ALB listener-rule conditions: does one condition match every request
 * another matches? Used by `listener-rule-shadowed`.
 *
 * Matching rules, per `docs/reference/aws-behavior-2.md` §4.1: the values of one condition are
 * OR-ed, the conditions of a rule AND-ed; `path-pattern` and `http-request-method` compare
 * case-sensitively, `host-header`, `http-header` values and `query-string` case-insensitively;
 * `*` matches 0 or more characters and `?` exactly one; `source-ip` matches CIDR blocks.
 *
 * Conservative by design: a "covers" answer is only `true` when it holds for every request. A
 * pattern with two `*` or any `?`, an escaped wildcard (`\*`), regex values or an IPv6 block
 * covers only its exact equal. A wrong `false` costs a missed warning; a wrong `true` would be a
 * false alarm, which the trap must never give.
 */

/** One query-string pair of a `query-string` condition; `key` absent matches any key. */
export interface QueryPair {
  readonly key?: string;
  readonly value: string;
}

/** A listener-rule condition with every value known. */
export type RuleCondition =
  | {
      readonly field: 'path-pattern' | 'host-header' | 'http-request-method' | 'source-ip';
      readonly values: readonly string[];
    }
  | { readonly field: 'http-header'; readonly header: string; readonly values: readonly string[] }
  | { readonly field: 'query-string'; readonly pairs: readonly QueryPair[] };

const WILDCARD = /[*?]/;

/**
 * True when every string the pattern `b` matches is matched by the pattern `a` (both in AWS's
 * `*`/`?` syntax). Exact for patterns with at most one `*` and no `?` in `a`; otherwise only equal
 * patterns cover each other.
 *
 * @example
 * patternCovers('/api/*', '/api/users/*', false); // true
 * patternCovers('*.example.com', 'shop.example.com', true); // true
 * patternCovers('/api/*', '/api', false); // false: `/api/*` needs the slash
 */
export function patternCovers(a: string, b: string, caseInsensitive: boolean): boolean {
  const [pa, pb] = caseInsensitive ? [a.toLowerCase(), b.toLowerCase()] : [a, b];
  if (pa.includes('\\') || pb.includes('\\')) return pa === pb;
  if (pa === pb) return true;
  const stars = pa.split('*').length - 1;
  if (pa.includes('?') || stars !== 1) return false;
  const [prefix, suffix] = pa.split('*') as [string, string];
  if (!WILDCARD.test(pb)) {
    return pb.length >= prefix.length + suffix.length && pb.startsWith(prefix) && pb.endsWith(suffix);
  }
  // b = literal head, then wildcards and literals, then a literal tail: every string it matches
  // starts with the head and ends with the tail, which do not overlap.
  const head = pb.slice(0, pb.search(WILDCARD));
  const tail = pb.slice(Math.max(pb.lastIndexOf('*'), pb.lastIndexOf('?')) + 1);
  return head.startsWith(prefix) && tail.endsWith(suffix);
}

function ipv4(cidr: string): { network: number; bits: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((sum, o) => sum * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return { network: Math.floor(address / size) * size, bits };
}

/**
 * True when the CIDR block `a` contains the block `b` (IPv4; IPv6 blocks only when equal).
 *
 * @example
 * cidrCovers('10.0.0.0/8', '10.1.2.0/24'); // true
 */
export function cidrCovers(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) return true;
  const [na, nb] = [ipv4(a), ipv4(b)];
  if (!na || !nb || na.bits > nb.bits) return false;
  const size = 2 ** (32 - na.bits);
  return Math.floor(nb.network / size) * size === na.network;
}

function valueCovers(field: RuleCondition['field'], a: string, b: string): boolean {
  switch (field) {
    case 'path-pattern':
      return patternCovers(a, b, false);
    case 'host-header':
    case 'http-header':
      return patternCovers(a, b, true);
    case 'http-request-method':
      return a === b;
    case 'source-ip':
      return cidrCovers(a, b);
    default:
      return false;
  }
}

function pairCovers(a: QueryPair, b: QueryPair): boolean {
  if (a.key !== undefined) {
    if (b.key === undefined || !patternCovers(a.key, b.key, true)) return false;
  }
  return patternCovers(a.value, b.value, true);
}

/**
 * True when every request that meets condition `b` also meets condition `a`: same field (same
 * header name for `http-header`), and each value of `b` covered by some value of `a`.
 */
export function conditionCovers(a: RuleCondition, b: RuleCondition): boolean {
  if (a.field !== b.field) return false;
  if (a.field === 'query-string' || b.field === 'query-string') {
    if (a.field !== 'query-string' || b.field !== 'query-string' || b.pairs.length === 0) return false;
    return b.pairs.every((pb) => a.pairs.some((pa) => pairCovers(pa, pb)));
  }
  if (a.field === 'http-header' && b.field === 'http-header') {
    if (a.header.toLowerCase() !== b.header.toLowerCase()) return false;
  }
  if (b.values.length === 0) return false;
  return b.values.every((vb) => a.values.some((va) => valueCovers(a.field, va, vb)));
}

/**
 * The condition of `earlier` and the one of `later` it covers, for every condition of `earlier`,
 * when `earlier` matches every request `later` matches (so `later`, evaluated after it, never
 * matches); `undefined` otherwise. A rule with no conditions shadows nothing here.
 *
 * @example
 * shadowingPairs(
 *   [{ field: 'path-pattern', values: ['/api/*'] }],
 *   [{ field: 'path-pattern', values: ['/api/v2/*'] }, { field: 'http-request-method', values: ['GET'] }],
 * ); // → one pair: /api/* covers /api/v2/*
 */
export function shadowingPairs(
  earlier: readonly RuleCondition[],
  later: readonly RuleCondition[],
): { earlier: RuleCondition; later: RuleCondition }[] | undefined {
  if (earlier.length === 0) return undefined;
  const pairs: { earlier: RuleCondition; later: RuleCondition }[] = [];
  for (const a of earlier) {
    const b = later.find((candidate) => conditionCovers(a, candidate));
    if (!b) return undefined;
    pairs.push({ earlier: a, later: b });
  }
  return pairs;
}

/** A condition as a short text for messages: `path-pattern [/api/*]`. */
export function describeCondition(condition: RuleCondition): string {
  if (condition.field === 'query-string') {
    const pairs = condition.pairs.map((p) => (p.key === undefined ? p.value : `${p.key}=${p.value}`));
    return `query-string [${pairs.join(', ')}]`;
  }
  const name = condition.field === 'http-header' ? `http-header ${condition.header}` : condition.field;
  return `${name} [${condition.values.join(', ')}]`;
}
