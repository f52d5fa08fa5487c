import { Fn, Stack, Token } from 'aws-cdk-lib';
import { CfnCertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { CfnRecordSet } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import type { PropsOwner } from './validate.js';

/**
 * HTTPS on a domain of your own, for either ingress: the name, the Route 53 hosted zone its alias
 * record goes in, and the certificate (one of yours, or a new ACM certificate validated by DNS in
 * that zone). Facts: docs/reference/aws-behavior-2.md §2 (HTTP API custom domains) and §3 (ALB
 * HTTPS, ACM DNS validation, Route 53 aliases).
 *
 * How `hostedZone` is used: a zone **id** (`Z…`) goes into the certificate's
 * `DomainValidationOptions[].HostedZoneId`, so ACM writes its validation CNAME there and
 * CloudFormation waits for the certificate to be issued (§3.4), and into the alias record's
 * `HostedZoneId`. A zone **name** (`example.com`) can only name the alias record's zone
 * (`HostedZoneName: example.com.`): turning a name into an id needs a Route 53 call, and Wharf
 * synthesizes offline without AWS credentials, so with a zone name you give the `certificate`
 * yourself (a certificate created without a zone id would leave the stack waiting up to 72 hours
 * for a validation record nobody writes, §3.4).
 *
 * @example { name: 'api.example.com', hostedZone: 'Z0123456789ABCDEFGHIJ' }
 * @example { name: 'api.example.com', hostedZone: 'example.com', certificate: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789' }
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html
 */
export interface DomainOptions {
  /**
   * The name clients use: lower case, labels of letters, digits and `-` (not at either end of a
   * label, at most 63 characters each), at least two labels, at most 253 characters, no trailing
   * dot. A wildcard `*.` may be the whole first label (`*.example.com`, §2.1, §3.5; the
   * certificate then covers one level of subdomains, and the URL output stays the default
   * endpoint's, since a wildcard has no one URL).
   * @example 'api.example.com'
   */
  readonly name: string;
  /**
   * The Route 53 public hosted zone that holds `name`: its id (`Z` and up to 31 upper-case
   * letters and digits, as `aws route53 list-hosted-zones-by-name --dns-name example.com`
   * prints it without `/hostedzone/`) or its name (`example.com`; then `certificate` is
   * required, see above). `name` must be the zone's name or end with `.<zone name>`.
   * @default - the zone named like `name` without its first label (`api.example.com` →
   * `example.com`; a two-label name is its own zone), by name
   * @example 'Z0123456789ABCDEFGHIJ'
   */
  readonly hostedZone?: string;
  /**
   * ARN of an ACM certificate for `name` (issued, in the stack's Region: ACM certificates are
   * regional, §2.1 and §3.1).
   * @default - a new ACM certificate for `name`, validated by DNS in `hostedZone` (which must then
   * be an id); creating the stack waits until ACM has issued it, usually minutes (§3.4)
   * @example 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789'
   */
  readonly certificate?: string;
}

/** {@link DomainOptions} for the API Gateway pattern, which can also switch the default endpoint off. */
export interface ApiGatewayDomainOptions extends DomainOptions {
  /**
   * Turn off the API's default `https://<api-id>.execute-api.<region>.amazonaws.com` endpoint
   * (`DisableExecuteApiEndpoint`), so clients can reach the API only through `name`; the old
   * endpoint then answers `404 Not Found` (§2.4). API Gateway pattern only.
   * @default false
   * @example true
   */
  readonly disableExecuteApiEndpoint?: boolean;
}

/** {@link DomainOptions}, checked, with the hosted zone resolved. */
export interface NormalizedDomain {
  /** The checked name. @example 'api.example.com' */
  readonly name: string;
  /** True for a `*.` name: it has no single URL. */
  readonly wildcard: boolean;
  /** The zone by id, or by name (without a trailing dot). @example { id: 'Z0123456789ABCDEFGHIJ' } */
  readonly hostedZone: { readonly id: string } | { readonly name: string };
  /** The certificate given. @default - none: one is created */
  readonly certificate?: string;
  /** Whether the `execute-api` endpoint is turned off. @default false */
  readonly disableExecuteApiEndpoint: boolean;
}

/** Which pattern a domain is for: only the HTTP API has `disableExecuteApiEndpoint`. */
export type DomainIngress = 'api-gateway' | 'load-balancer';

const KEYS: Record<DomainIngress, readonly string[]> = {
  'api-gateway': ['name', 'hostedZone', 'certificate', 'disableExecuteApiEndpoint'],
  'load-balancer': ['name', 'hostedZone', 'certificate'],
};

/** A label: 1-63 letters, digits and `-`, not starting or ending with `-`. */
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A Route 53 hosted zone id, as `CreateHostedZone` returns it without `/hostedzone/` (≤ 32 characters, §3.5). */
const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
/** An ACM certificate ARN: partition, Region, account, `certificate/<id>`. */
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z]{2}(-[a-z]+)+-\d):\d{12}:certificate\/[A-Za-z0-9-]{1,64}$/;

function pathOf(owner: PropsOwner): string {
  return typeof owner === 'string' ? owner : owner.node.path;
}

/** A value as errors quote it: JSON, cut after 100 characters. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/**
 * Why `name` is not a domain name Wharf accepts, or `undefined` when it is; pure.
 *
 * @example domainNameProblem('api.example.com') // → undefined
 * @example domainNameProblem('API.example.com') // → "has upper-case letters; …"
 */
export function domainNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > 253) return `has ${name.length} characters; at most 253 are allowed`;
  if (name !== name.toLowerCase())
    return `has upper-case letters; write it in lower case ('${name.toLowerCase()}')`;
  if (name.endsWith('.')) return `ends with a dot; write it without ('${name.slice(0, -1)}')`;
  const labels = name.split('.');
  if (labels.length < 2) return 'has one label; a domain has at least two (api.example.com)';
  for (const [i, label] of labels.entries()) {
    if (label === '*' && i === 0) continue;
    if (label.includes('*'))
      return `has '*' in the label '${label}'; a wildcard may only be the whole first label (*.example.com)`;
    if (!LABEL.test(label))
      return `has the label '${label}'; each label is 1-63 letters, digits or '-', not starting or ending with '-'`;
  }
  if (labels.length === 2 && labels[0] === '*') return 'is a wildcard over a top-level domain';
  return undefined;
}

/**
 * The zone a name is in when none is given: the name without its first label, or the name itself
 * when it has two labels; pure.
 *
 * @example defaultHostedZoneName('api.example.com') // → 'example.com'
 * @example defaultHostedZoneName('example.com') // → 'example.com'
 */
export function defaultHostedZoneName(name: string): string {
  const labels = name.split('.');
  return labels.length <= 2 ? name : labels.slice(1).join('.');
}

/**
 * Checks a `domain` prop (at `prop`, e.g. `domain`) and resolves its hosted zone; pure. `region`
 * is the stack's Region when it is known at synth (a certificate elsewhere cannot be used, §2.1,
 * §3.1).
 *
 * @example normalizeDomain('Stack/Api', 'domain', { name: 'api.example.com', hostedZone: 'Z0123456789ABC' }, 'api-gateway')
 * @throws PropsValidationError naming `domain.<key>` and what is allowed
 */
export function normalizeDomain(
  owner: PropsOwner,
  prop: string,
  domain: ApiGatewayDomainOptions,
  ingress: DomainIngress,
  region?: string,
): NormalizedDomain {
  const fail: (key: string, reason: string) => never = (key, reason) => {
    throw new PropsValidationError(pathOf(owner), key ? `${prop}.${key}` : prop, reason);
  };
  if (typeof domain !== 'object' || domain === null || Array.isArray(domain)) {
    fail(
      '',
      `allowed: { name, hostedZone?, certificate?${ingress === 'api-gateway' ? ', disableExecuteApiEndpoint?' : ''} }.`,
    );
  }
  for (const key of Object.keys(domain)) {
    if (KEYS[ingress].includes(key)) continue;
    if (key === 'disableExecuteApiEndpoint') {
      fail(
        key,
        'applies to the API Gateway pattern only (its execute-api endpoint); a load balancer has no endpoint to turn off.',
      );
    }
    fail(key, `is not a domain option; allowed: ${KEYS[ingress].join(', ')}.`);
  }
  const { name, hostedZone, certificate } = domain;
  if (typeof name !== 'string')
    fail('name', `got ${quoted(name)}; allowed: a domain name such as 'api.example.com'.`);
  if (Token.isUnresolved(name))
    fail(
      'name',
      'must be known at synth (a literal string): the URL output and the hosted zone are derived from it.',
    );
  const problem = domainNameProblem(name);
  if (problem) fail('name', `'${name}' ${problem}.`);

  let zone: NormalizedDomain['hostedZone'];
  if (hostedZone === undefined) {
    zone = { name: defaultHostedZoneName(name.replace(/^\*\./, '')) };
  } else if (typeof hostedZone !== 'string' || hostedZone.length === 0) {
    fail(
      'hostedZone',
      `got ${quoted(hostedZone)}; allowed: a hosted zone id ('Z…') or name ('example.com').`,
    );
  } else if (Token.isUnresolved(hostedZone)) {
    zone = { id: hostedZone };
  } else if (hostedZone.startsWith('/hostedzone/')) {
    fail(
      'hostedZone',
      `${quoted(hostedZone)}: give the id without '/hostedzone/' (${quoted(hostedZone.slice(12))}).`,
    );
  } else if (!hostedZone.includes('.')) {
    if (!ZONE_ID.test(hostedZone)) {
      fail(
        'hostedZone',
        `${quoted(hostedZone)} is neither a hosted zone id nor a name; allowed: an id, 'Z' and 1-31 upper-case letters or digits ('Z0123456789ABCDEFGHIJ'), or a zone name ('example.com').`,
      );
    }
    zone = { id: hostedZone };
  } else {
    const zoneName = hostedZone.replace(/\.$/, '');
    const zoneProblem = domainNameProblem(zoneName);
    if (zoneProblem || zoneName.includes('*')) {
      fail(
        'hostedZone',
        `'${hostedZone}' ${zoneProblem ?? 'is a wildcard'}; allowed: a hosted zone id ('Z…') or name ('example.com').`,
      );
    }
    const bare = name.replace(/^\*\./, '');
    if (bare !== zoneName && !name.endsWith(`.${zoneName}`)) {
      fail(
        'name',
        `'${name}' is outside its hosted zone '${zoneName}'; allowed: '${zoneName}' or a name ending in '.${zoneName}'.`,
      );
    }
    zone = { name: zoneName };
  }

  if (certificate !== undefined && !Token.isUnresolved(certificate)) {
    const match = typeof certificate === 'string' ? CERTIFICATE_ARN.exec(certificate) : null;
    if (!match) {
      fail(
        'certificate',
        `got ${quoted(certificate)}; allowed: an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<id>.`,
      );
    }
    const certificateRegion = match?.[1];
    if (region !== undefined && !Token.isUnresolved(region) && certificateRegion !== region) {
      fail(
        'certificate',
        `is in ${certificateRegion}, but the stack deploys to ${region}; allowed: a certificate in ${region} (ACM certificates are regional: request or import it there).`,
      );
    }
  }
  if (certificate === undefined && !('id' in zone)) {
    fail(
      'hostedZone',
      `${hostedZone === undefined ? `is not given (so it is the zone named '${zone.name}')` : `'${hostedZone}' is a zone name`}, and a certificate validated by DNS needs the zone's id, which Wharf cannot look up offline; allowed: the id ('Z…', from aws route53 list-hosted-zones-by-name --dns-name ${zone.name}), or a certificate ARN in ${prop}.certificate.`,
    );
  }
  const disable = domain.disableExecuteApiEndpoint;
  if (disable !== undefined && typeof disable !== 'boolean') {
    fail('disableExecuteApiEndpoint', `got ${quoted(disable)}; allowed: true or false.`);
  }
  return {
    name,
    wildcard: name.startsWith('*.'),
    hostedZone: zone,
    certificate,
    disableExecuteApiEndpoint: disable === true,
  };
}

/** The stack's Region when synth knows it (an `env` on the stack), else `undefined`. */
export function knownRegion(scope: Construct): string | undefined {
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? undefined : region;
}

/**
 * The certificate ARN for `domain`: the one given, or a new `Certificate`
 * (`AWS::CertificateManager::Certificate`, DNS validation in the hosted zone by id, so ACM writes
 * the validation record and CloudFormation waits for issuance, §3.4) created in `scope`.
 */
export function domainCertificate(scope: Construct, domain: NormalizedDomain): string {
  if (domain.certificate !== undefined) return domain.certificate;
  if (!('id' in domain.hostedZone)) throw new Error('internal: a new certificate needs a hosted zone id');
  const certificate = new CfnCertificate(scope, 'Certificate', {
    domainName: domain.name,
    // Left out, CloudFormation validates by email (§3.4).
    validationMethod: 'DNS',
    // Its DomainName must equal the certificate's, or ACM creates no validation record (§3.4).
    domainValidationOptions: [{ domainName: domain.name, hostedZoneId: domain.hostedZone.id }],
  });
  return certificate.ref;
}

/**
 * The Route 53 alias `A` record `AliasRecord` for `domain` in its hosted zone, pointing at
 * `target` (§2.2, §3.5). A only: neither ingress is dual-stack here (no `IpAddressType`), so an
 * `AAAA` alias would have no IPv6 address to answer with.
 */
export function domainAliasRecord(
  scope: Construct,
  domain: NormalizedDomain,
  target: { readonly dnsName: string; readonly hostedZoneId: string },
): CfnRecordSet {
  return new CfnRecordSet(scope, 'AliasRecord', {
    ...('id' in domain.hostedZone
      ? { hostedZoneId: domain.hostedZone.id }
      : // HostedZoneName takes the trailing dot (docs/reference/aws-behavior-2.md §3.5).
        { hostedZoneName: `${domain.hostedZone.name}.` }),
    name: domain.name,
    type: 'A',
    aliasTarget: { dnsName: target.dnsName, hostedZoneId: target.hostedZoneId },
  });
}

/**
 * The URL clients use for `domain`: `https://` and the alias record (whose `Ref` is its name,
 * §12.2, so the output also waits for the record); for a wildcard, which has no one URL,
 * `fallback`.
 */
export function domainUrl(domain: NormalizedDomain, record: CfnRecordSet, fallback: string): string {
  return domain.wildcard ? fallback : Fn.join('', ['https://', record.ref]);
}
