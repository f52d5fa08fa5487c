/**
 * The root stack's outputs (each root template's, with several) as `wharf dev` prints them: the values the templates compute, with each
 * AWS endpoint (the HTTP API's `execute-api` URL, the load balancer's DNS name) replaced by the
 * local URL that serves it.
 */

import type { PlainValue } from '../template/resolved.js';
import type { LocalEndpoint } from './cloud.js';
import type { LocalModel } from './model.js';

/** Root outputs with each AWS endpoint replaced by its local URL. */
export function localOutputs(
  model: LocalModel,
  endpoints: readonly LocalEndpoint[],
): Record<string, PlainValue> {
  const replacements: Array<[string, string]> = [];
  for (const endpoint of endpoints) {
    if (!endpoint.awsValue) continue;
    if (endpoint.kind === 'api-gateway') replacements.push([endpoint.awsValue, endpoint.url]);
  }
  for (const lb of model.loadBalancers) {
    const listeners = endpoints.filter((e) => e.kind === 'load-balancer' && e.name === lb.name);
    const http = listeners[0]?.url;
    if (http) {
      replacements.push(
        [`https://${lb.dnsName}`, http],
        [`http://${lb.dnsName}`, http],
        [lb.dnsName, http.replace(/^http:\/\//, '')],
      );
    }
  }
  const replace = (value: PlainValue): PlainValue => {
    if (typeof value !== 'string') return value;
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
