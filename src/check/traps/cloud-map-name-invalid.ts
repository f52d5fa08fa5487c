/**
 * Catches: a Cloud Map service in a DNS namespace (it has a `DnsConfig`) whose `Name` is not a
 * valid DNS label: letters, digits and hyphens, 1–63 characters, no hyphen first or last. The
 * RFC 2782 form `_<service>._tcp` (or `._udp`) is allowed, as Cloud Map documents for SRV names
 * (`docs/reference/aws-behavior-2.md` §6.1), and so are dotted names whose every label is valid.
 *
 * Why: the service's records are named `<service-name>.<namespace-name>`, and callers find a
 * private service by that name (`inventory.internal`). CloudFormation's schema refuses labels
 * that start or end with a hyphen or run past 63 characters (an error); it accepts `_` anywhere,
 * which is not valid in a host name (RFC 1123), and many HTTP clients and TLS libraries refuse
 * such a URL (a warning).
 * https://docs.aws.amazon.com/cloud-map/latest/dg/services-values.html
 * https://datatracker.ietf.org/doc/html/rfc1123#section-2.1
 *
 * Names that do not trace to a literal (a parameter without a default) are left alone; services
 * in HTTP namespaces (no `DnsConfig`) may use any name and are not checked.
 */

import type { LoadedApp } from '../../template/model.js';
import { listResources } from '../../template/query.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { literalAt, trapFinding } from './support.js';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const SRV_NAME = /^_[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\._(?:tcp|udp)$/;

/** What is wrong with a service name, and how bad it is. */
export interface NameProblem {
  readonly problem: string;
  /** `warning` for names AWS accepts but host-name parsers may refuse (`_`), else `error`. */
  readonly severity: 'error' | 'warning';
}

/**
 * Why `name` is not a valid Cloud Map DNS service name, or `undefined` when it is: each
 * dot-separated label must be a host-name label (RFC 1123), unless the name is `_svc._tcp`.
 *
 * @example
 * dnsServiceNameProblem('inventory'); // undefined
 * dnsServiceNameProblem('_orders._tcp'); // undefined
 * dnsServiceNameProblem('orders_api'); // { problem: "contains '_' …", severity: 'warning' }
 */
export function dnsServiceNameProblem(name: string): NameProblem | undefined {
  if (SRV_NAME.test(name)) return undefined;
  const labels = name.split('.');
  if (labels.every((label) => LABEL.test(label))) return undefined;
  if (name.length === 0 || labels.some((label) => label.length === 0))
    return { problem: 'has an empty label', severity: 'error' };
  const long = labels.find((label) => label.length > 63);
  if (long) return { problem: `has a label of ${long.length} characters (at most 63)`, severity: 'error' };
  const bad = [...new Set(name.replace(/[A-Za-z0-9.-]/g, ''))];
  if (bad.length === 0)
    return { problem: 'has a label that starts or ends with a hyphen', severity: 'error' };
  return {
    problem: `contains ${bad.map((c) => `'${c}'`).join(', ')} (a host name has letters, digits and hyphens only)`,
    severity: bad.every((c) => c === '_') ? 'warning' : 'error',
  };
}

/** A valid label made from `name`, for the fix. */
function suggestion(name: string): string {
  const label = name
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '')
    .toLowerCase();
  return label || 'my-service';
}

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const service of listResources(app, 'AWS::ServiceDiscovery::Service')) {
    if (service.resource.Properties?.DnsConfig === undefined) continue;
    const name = literalAt(service, 'Properties.Name');
    if (name === undefined) continue;
    const found = dnsServiceNameProblem(String(name));
    if (!found) continue;
    findings.push(
      trapFinding(cloudMapNameInvalid, service, {
        propertyPath: 'Properties.Name',
        severity: found.severity,
        message: `Cloud Map service ${service.logicalId} has Name '${String(name)}', which ${found.problem}. Its DNS records are named <Name>.<namespace> and callers use that as a host name in URLs: ${found.severity === 'warning' ? 'Route 53 accepts it, but many HTTP clients and TLS libraries refuse a host name with an underscore' : 'CloudFormation refuses it'}.`,
        fix: `Rename it to a DNS label such as '${suggestion(String(name))}' (letters, digits, hyphens; at most 63; no hyphen first or last), or '_name._tcp' for an RFC 2782 SRV name, and use that name in the callers' URLs.`,
      }),
    );
  }
  return findings;
}

/** Cloud Map service names in DNS namespaces must be DNS labels. */
export const cloudMapNameInvalid: TrapRule = {
  id: 'cloud-map-name-invalid',
  title: 'Cloud Map service name is not a valid DNS label',
  severity: 'error',
  description:
    'A Cloud Map service in a DNS namespace is found as <name>.<namespace>; its name must be a DNS label (letters, digits, hyphens, at most 63 characters) or an _service._tcp SRV name.',
  check,
};
