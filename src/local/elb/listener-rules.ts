/**
 * Listener rules of an Application Load Balancer: which rule's action a request gets. Pure
 * functions, compiled once per listener, evaluated once per request.
 *
 * Fidelity (aws-behavior-2.md §4):
 * - rules are evaluated from the lowest priority to the highest; the first whose conditions all
 *   match wins; the listener's default action serves when none does (§4.2);
 * - conditions are AND-ed, the values within a condition OR-ed (§4.1);
 * - `host-header`: the `Host` without its port, case-insensitive, `*` (0 or more characters) and
 *   `?` (exactly one), matched against the whole name (`*.example.com` does not match
 *   `example.com`);
 * - `path-pattern`: the path only (never the query string), case-sensitive, the same wildcards,
 *   matched against the whole path (`/api/*` does not match `/api`); `*` crosses `/`
 *   [UNCONFIRMED]; the path is compared as the client sent it (percent-encoded);
 * - `http-header`: every header of that name, in order (a repeated header is searched), name and
 *   values case-insensitive, wildcards in values;
 * - `http-request-method`: exact and case-sensitive, no wildcards;
 * - `query-string`: each `Key`/`Value` (the key optional: any key) against each `key=value` pair of
 *   the query, case-insensitive, wildcards, `\*` and `\?` for a literal `*` or `?`; pairs are
 *   compared after percent-decoding ("Any character can be percentage encoded" in the request)
 *   [UNCONFIRMED whether AWS decodes `+`: it is kept as `+` here];
 * - `source-ip`: the TCP peer address (never `X-Forwarded-For`) in any of the IPv4/IPv6 CIDR
 *   blocks; an IPv4-mapped IPv6 peer (`::ffff:10.0.0.1`) counts as its IPv4 address. Locally the
 *   peer is the loopback address the client connects from (`127.0.0.1`), not its internet address.
 * Not emulated: `RegexValues`, rule `Transforms`, `authenticate-*` actions (resolve.ts refuses them).
 */

import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { stripPort } from './forwarded-headers.js';
import type { ListenerAction, ListenerRuleConfig, RuleCondition } from './types.js';

/** What a rule looks at in a request. */
export interface RuleRequest {
  /** The method as sent (case kept). */
  readonly method: string;
  /** `Host` without its port (empty when absent). */
  readonly host: string;
  /** The path, without the query string. */
  readonly path: string;
  /** The query string without `?` (may be empty). */
  readonly query: string;
  /** `[name, value, name, value, …]` as received (node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  /** The TCP peer's IP address. */
  readonly sourceIp: string;
}

/** What the rules see of a request (the `Host` without its port, the path without its query). */
export function ruleRequestOf(req: IncomingMessage): RuleRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const remote = req.socket.remoteAddress ?? '';
  return {
    method: req.method ?? '',
    host: req.headers.host ? stripPort(req.headers.host) : '',
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    rawHeaders: req.rawHeaders,
    sourceIp: remote.startsWith('::ffff:') ? remote.slice(7) : remote,
  };
}

/** The action a request gets, and the rule it came from. */
export interface RuleDecision {
  readonly action: ListenerAction | undefined;
  /** The matched rule's priority; 0 for the default action (as the access log shows it). */
  readonly priority: number;
  readonly rule: ListenerRuleConfig | undefined;
}

/**
 * A regular expression for an ALB wildcard value: `*` is 0 or more characters, `?` exactly one.
 * With `escapes`, `\*` and `\?` stand for the literal characters (query-string conditions).
 */
export function wildcardRegExp(value: string, options: { ignoreCase: boolean; escapes?: boolean }): RegExp {
  let source = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    const next = value[i + 1];
    if (options.escapes && char === '\\' && (next === '*' || next === '?')) {
      source += `\\${next}`;
      i++;
    } else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|+(){}[\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
}

/** How many wildcard characters a value has (`\*`/`\?` escapes not counted when `escapes`). */
export function countWildcards(value: string, escapes = false): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    if (escapes && value[i] === '\\' && (value[i + 1] === '*' || value[i + 1] === '?')) i++;
    else if (value[i] === '*' || value[i] === '?') count++;
  }
  return count;
}

/** A CIDR block taken apart, or `undefined` when `cidr` is not `address/prefix` (IPv4 or IPv6). */
export function parseCidr(
  cidr: string,
): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const address = cidr.slice(0, slash);
  const prefixText = cidr.slice(slash + 1);
  const version = isIP(address);
  if (version === 0 || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}

type Matcher = (request: RuleRequest) => boolean;

/** A rule ready to be evaluated. */
export interface CompiledRule {
  readonly config: ListenerRuleConfig;
  readonly matches: Matcher;
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function compileCondition(condition: RuleCondition): Matcher {
  switch (condition.field) {
    case 'host-header': {
      const patterns = condition.values.map((v) => wildcardRegExp(v, { ignoreCase: true }));
      return (request) => patterns.some((p) => p.test(request.host));
    }
    case 'path-pattern': {
      const patterns = condition.values.map((v) => wildcardRegExp(v, { ignoreCase: false }));
      return (request) => patterns.some((p) => p.test(request.path));
    }
    case 'http-request-method': {
      const methods = new Set(condition.values);
      return (request) => methods.has(request.method);
    }
    case 'http-header': {
      const name = condition.headerName.toLowerCase();
      const patterns = condition.values.map((v) => wildcardRegExp(v, { ignoreCase: true }));
      return (request) => {
        const raw = request.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          if ((raw[i] as string).toLowerCase() !== name) continue;
          const value = raw[i + 1] as string;
          if (patterns.some((p) => p.test(value))) return true;
        }
        return false;
      };
    }
    case 'query-string': {
      const pairs = condition.values.map((v) => ({
        key: v.key === undefined ? undefined : wildcardRegExp(v.key, { ignoreCase: true, escapes: true }),
        value: wildcardRegExp(v.value, { ignoreCase: true, escapes: true }),
      }));
      return (request) => {
        if (request.query === '') return false;
        for (const part of request.query.split('&')) {
          const eq = part.indexOf('=');
          const key = percentDecode(eq < 0 ? part : part.slice(0, eq));
          const value = percentDecode(eq < 0 ? '' : part.slice(eq + 1));
          if (pairs.some((p) => (p.key === undefined || p.key.test(key)) && p.value.test(value))) return true;
        }
        return false;
      };
    }
    case 'source-ip': {
      const blocks = new BlockList();
      for (const value of condition.values) {
        const cidr = parseCidr(value);
        if (cidr) blocks.addSubnet(cidr.address, cidr.prefix, cidr.type);
      }
      return (request) => {
        const ip = request.sourceIp.startsWith('::ffff:') ? request.sourceIp.slice(7) : request.sourceIp;
        const version = isIP(ip);
        return version !== 0 && blocks.check(ip, version === 4 ? 'ipv4' : 'ipv6');
      };
    }
  }
}

/** Compiles one rule: its conditions, AND-ed. */
export function compileRule(config: ListenerRuleConfig): CompiledRule {
  const conditions = config.conditions.map(compileCondition);
  return { config, matches: (request) => conditions.every((matches) => matches(request)) };
}

/** The rules of one listener and its default action, compiled in priority order. */
export class ListenerRules {
  private readonly rules: readonly CompiledRule[];

  constructor(
    rules: readonly ListenerRuleConfig[],
    private readonly defaultAction: ListenerAction | undefined,
  ) {
    this.rules = [...rules].sort((a, b) => a.priority - b.priority).map(compileRule);
  }

  /** The first matching rule's action, or the default action (priority 0). */
  decide(request: RuleRequest): RuleDecision {
    for (const rule of this.rules) {
      if (rule.matches(request)) {
        return { action: rule.config.action, priority: rule.config.priority, rule: rule.config };
      }
    }
    return { action: this.defaultAction, priority: 0, rule: undefined };
  }
}
