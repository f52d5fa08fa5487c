/**
 * The root stack's outputs (each root template's, with several) as `wharf dev` prints them: the values the templates compute, with each
 * AWS endpoint (the HTTP API's `execute-api` URL, the load balancer's DNS name) replaced by the
 * local URL that serves it. A custom domain served over HTTPS (an HTTP API's, or a name an HTTPS
 * listener's certificate covers) keeps its name and gains the local port:
 * `https://api.example.com` → `https://api.example.com:8443`.
 */

import { hostPattern } from '../aws/dns-names.js';
import type { PlainValue } from '../template/resolved.js';
import type { LocalEndpoint } from './cloud.js';
import type { LocalModel } from './model.js';

/** Root outputs with each AWS endpoint replaced by its local URL. */
export function localOutputs(
  model: LocalModel,
  endpoints: readonly LocalEndpoint[],
): Record<string, PlainValue> {
  const replacements: Array<[string, string]> = [];
  // `https://<name>` not followed by more of a host name or a port: gains the local port.
  const domains: Array<[RegExp, string]> = [];
  const addDomain = (name: string, port: string) => {
    if (name.startsWith('*.')) return;
    const escaped = hostPattern(name);
    // A record's `Ref` keeps a trailing dot as written (`https://api.example.com./x`): same name.
    domains.push([new RegExp(`https://${escaped}\\.?(?![\\w.:-])`, 'gi'), `https://${name}:${port}`]);
  };
  for (const endpoint of endpoints) {
    if (endpoint.kind === 'custom-domain') addDomain(endpoint.name, new URL(endpoint.url).port);
  }
  for (const lb of model.loadBalancers) {
    for (const listener of lb.listeners) {
      const endpoint = endpoints.find(
        (e) => e.kind === 'load-balancer' && e.name === lb.name && e.listener === `HTTPS:${listener.port}`,
      );
      if (!endpoint?.https) continue;
      for (const certificate of listener.tls?.certificates ?? [])
        for (const name of certificate.names) addDomain(name, new URL(endpoint.url).port);
    }
  }
  for (const endpoint of endpoints) {
    if (!endpoint.awsValue) continue;
    if (endpoint.kind === 'api-gateway') replacements.push([endpoint.awsValue, endpoint.url]);
  }
  for (const lb of model.loadBalancers) {
    const listeners = endpoints.filter((e) => e.kind === 'load-balancer' && e.name === lb.name);
    const http = listeners.find((e) => !e.https)?.url ?? listeners[0]?.url;
    const secure = listeners.find((e) => e.https)?.url;
    if (http) {
      replacements.push(
        [`https://${lb.dnsName}`, secure ?? http],
        [`http://${lb.dnsName}`, http],
        [lb.dnsName, http.replace(/^https?:\/\//, '')],
      );
    }
  }
  const replace = (value: PlainValue): PlainValue => {
    if (typeof value !== 'string') return value;
    for (const [pattern, to] of domains) {
      pattern.lastIndex = 0;
      if (pattern.test(value)) return value.replace(pattern, to);
    }
    for (const [from, to] of replacements) if (value.includes(from)) return value.split(from).join(to);
    return value;
  };
  // Several root templates: each one's outputs, named `<stack>.<output>` so none hides another.
  const roots = model.app.roots ?? [model.app.root];
  const prefix = (stack: (typeof roots)[number]) => (roots.length > 1 ? `${stack.stackName}.` : '');
  return Object.fromEntries(
    roots.flatMap((stack) =>
      Object.entries(stack.outputs).map(([key, value]) => [`${prefix(stack)}${key}`, replace(value)]),
    ),
  );
}
