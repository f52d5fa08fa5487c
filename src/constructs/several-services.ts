import { PropsValidationError } from '../errors.js';
import type { ContainerOptions } from './container-options.js';
import { pascalCase } from './route-key.js';

/**
 * The services of an app with several: their names (DNS labels in the Cloud Map namespace), which
 * are public (reached through the ingress) and which private (reached by other services only, by
 * their Cloud Map name), who may call a private service, and the order to build them in. Pure.
 */

/** What every service of an app with several declares, besides its container. */
export interface SeveralServicesEntry extends Omit<ContainerOptions, 'serviceName'> {
  /**
   * The services allowed to call this one, by name (private services only). Its security group
   * admits exactly their security groups on the container port, and each caller gets the
   * environment variable `<NAME>_URL` (`INVENTORY_URL=http://inventory.internal:8080`) unless it
   * sets one itself. A private service without callers is reachable by nobody.
   * @default - no callers
   * @example ['orders']
   */
  readonly callers?: string[];
}

/** One service of the set, checked and placed. */
export interface PlannedService<T extends SeveralServicesEntry> {
  /** The service name: the key in `services`, also the ECS service, family, container and Cloud Map name. */
  readonly name: string;
  /** `orders-api` → `OrdersApi`: the prefix of its nested stack and logical ids. */
  readonly id: string;
  /** `services.<name>`, for errors. */
  readonly prop: string;
  readonly options: T;
  /** Reached through the ingress (a route, a rule, the default action) or not. */
  readonly isPublic: boolean;
  /** Names of the services allowed to call it (private services only). */
  readonly callers: string[];
}

/** A service name in an app with several: an RFC 1123 DNS label, lower case. */
export const DNS_LABEL_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const DNS_LABEL_RULE =
  'a DNS label: 1-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit';

/**
 * Checks the set of services and orders it so that every caller comes before the services it
 * calls (a private service's security group names its callers' groups, so in the nested layout
 * its stack takes their ids as parameters). Pure.
 *
 * @param isPublic whether the ingress reaches a service (it has routes or rules, or is the default)
 * @example planServices('Stack/Api', { orders: { routes: ['ANY /orders'] }, inventory: { callers: ['orders'] } }, (n, o) => !!o.routes)
 *   // → [orders (public), inventory (private, callers ['orders'])]
 */
export function planServices<T extends SeveralServicesEntry>(
  owner: string,
  services: Readonly<Record<string, T>>,
  isPublic: (name: string, options: T) => boolean,
): PlannedService<T>[] {
  const names = Object.keys(services);
  if (names.length === 0) {
    throw new PropsValidationError(owner, 'services', 'is empty; allowed: one or more services by name.');
  }
  const byId = new Map<string, string>();
  const planned = new Map<string, PlannedService<T>>();
  for (const name of names) {
    const prop = `services.${name}`;
    if (!DNS_LABEL_PATTERN.test(name)) {
      throw new PropsValidationError(
        owner,
        prop,
        `the service name '${name}' is not allowed; allowed: ${DNS_LABEL_RULE} (callers reach it as <name>.<namespace>).`,
      );
    }
    const options = services[name] as T;
    const given = (options as { serviceName?: unknown }).serviceName;
    if (given !== undefined && given !== name) {
      throw new PropsValidationError(
        owner,
        `${prop}.serviceName`,
        `got '${String(given)}'; in 'services' the key is the service name: leave serviceName out.`,
      );
    }
    const id = pascalCase(name);
    const twin = byId.get(id.toLowerCase());
    if (twin !== undefined) {
      throw new PropsValidationError(
        owner,
        prop,
        `'${name}' and '${twin}' would both name their resources ${id}…; allowed: names that differ in more than hyphens.`,
      );
    }
    byId.set(id.toLowerCase(), name);
    planned.set(name, {
      name,
      id,
      prop,
      options,
      isPublic: isPublic(name, options),
      callers: [...(options.callers ?? [])],
    });
  }
  if (![...planned.values()].some((s) => s.isPublic)) {
    throw new PropsValidationError(
      owner,
      'services',
      'has no public service; allowed: at least one service the ingress reaches (with routes, rules or as the default).',
    );
  }
  for (const service of planned.values()) {
    const seen = new Set<string>();
    for (const [i, caller] of service.callers.entries()) {
      const prop = `${service.prop}.callers[${i}]`;
      if (service.isPublic) {
        throw new PropsValidationError(
          owner,
          prop,
          `'${service.name}' is public (the ingress reaches it); allowed: callers on private services only (services without routes or rules).`,
        );
      }
      if (!planned.has(caller)) {
        throw new PropsValidationError(
          owner,
          prop,
          `names '${caller}', which is not a service of this app; allowed: ${names.filter((n) => n !== service.name).join(', ')}.`,
        );
      }
      if (caller === service.name) {
        throw new PropsValidationError(
          owner,
          prop,
          `a service does not call itself through its security group; remove '${caller}'.`,
        );
      }
      if (seen.has(caller)) throw new PropsValidationError(owner, prop, `'${caller}' is listed twice.`);
      seen.add(caller);
    }
  }
  return callersFirst(owner, [...planned.values()]);
}

/** Depth-first order with every caller before the services it calls; a cycle is an error. */
function callersFirst<T extends SeveralServicesEntry>(
  owner: string,
  services: PlannedService<T>[],
): PlannedService<T>[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const visiting: string[] = [];
  const order: PlannedService<T>[] = [];
  const visit = (service: PlannedService<T>) => {
    if (done.has(service.name)) return;
    const at = visiting.indexOf(service.name);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), service.name].join(' → ');
      throw new PropsValidationError(
        owner,
        `${service.prop}.callers`,
        `the services call each other in a cycle (${cycle}, each listed in the next one's callers); each service's stack would wait for the other's security group. Allowed: callers without a cycle.`,
      );
    }
    visiting.push(service.name);
    for (const caller of service.callers) visit(byName.get(caller) as PlannedService<T>);
    visiting.pop();
    done.add(service.name);
    order.push(service);
  };
  for (const service of services) visit(service);
  return order;
}

/**
 * The environment variable a caller finds a private service's URL in: `inventory` →
 * `INVENTORY_URL`, `stock-levels` → `STOCK_LEVELS_URL`.
 */
export function serviceUrlVariable(name: string): string {
  return `${name.toUpperCase().replace(/-/g, '_')}_URL`;
}

/** `http://<name>.<namespace>:<port>`: how a caller reaches a private service (Cloud Map A records). */
export function privateServiceUrl(name: string, namespace: string, port: number): string {
  return `http://${name}.${namespace}:${port}`;
}
