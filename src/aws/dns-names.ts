/**
 * DNS names as the services of an app use them: does a value (an environment variable, a URL)
 * name a host (`wharf check`'s callers of a private service and `wharf diagram`'s caller edges
 * agree through it), when are two names the same, and is a name in a hosted zone (check, cost,
 * diagram and `wharf dev` all compare record, certificate and domain names this way).
 */

/** `api.example.com.` and `API.Example.com` are the same name: lower case, no trailing dot. */
export function canonicalDomainName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * The host an alias record's `AliasTarget.DNSName` points at, comparable with a load balancer's or
 * API domain's DNS name: canonical, without the `dualstack.` prefix Route 53 accepts for load
 * balancers (aws-behavior-2.md §3.5).
 *
 * @example aliasTargetName('dualstack.My-LB-1.us-east-1.elb.amazonaws.com.') // 'my-lb-1.us-east-1.elb.amazonaws.com'
 */
export function aliasTargetName(dnsName: string): string {
  return canonicalDomainName(dnsName).replace(/^dualstack\./, '');
}

/**
 * True when `name` is `zone` or a name under it (`api.example.com` in `example.com`); a wildcard
 * `*.example.com` is under `example.com`, not equal to it. Case and trailing dots do not matter.
 *
 * @example
 * isWithinZone('api.example.com', 'example.com.') // true
 * isWithinZone('api.example.org', 'example.com')  // false
 * isWithinZone('badexample.com', 'example.com')   // false
 */
export function isWithinZone(name: string, zone: string): boolean {
  const n = canonicalDomainName(name);
  const z = canonicalDomainName(zone);
  return n === z || n.endsWith(`.${z}`);
}

/**
 * True when `text` names `host` as a host name, not as part of a longer name: the characters
 * either side are not letters, digits, dots or hyphens (a trailing root dot is allowed).
 * Case-insensitive, as DNS is.
 *
 * @example
 * mentionsHost('http://inventory.internal:8080/', 'inventory.internal'); // true
 * mentionsHost('http://a.inventory.internal/', 'inventory.internal'); // false
 */
export function mentionsHost(text: string, host: string): boolean {
  return new RegExp(`(^|[^a-z0-9.-])${hostPattern(host)}\\.?($|[^a-z0-9.-])`, 'i').test(text);
}

/** A host name as a regular expression source matching it literally (its dots escaped). */
export function hostPattern(host: string): string {
  return host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
