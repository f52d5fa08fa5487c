/**
 * DNS names as the services of an app use them: does a value (an environment variable, a URL)
 * name a host? Shared by `wharf check` (who calls a private service) and `wharf diagram` (its
 * caller edges), so both agree on who the callers are.
 */

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
  const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9.-])${escaped}\\.?($|[^a-z0-9.-])`, 'i').test(text);
}
