/**
 * Template → the DNS names a local certificate must cover. An ACM certificate the templates
 * declare (`AWS::CertificateManager::Certificate`) covers its `DomainName` and
 * `SubjectAlternativeNames`; a certificate ARN from elsewhere (a parameter, an imported ARN) has
 * names Wharf cannot read, so it covers the names that point at what serves it: the Route 53
 * alias records whose `AliasTarget.DNSName` is the load balancer's DNS name, else that DNS name.
 *
 * Fidelity (aws-behavior-2.md §3.4, §3.5, §12.2): ACM's names are the certificate's; an alias
 * record's `Name` with or without its trailing dot is the same name, and an alias target may carry
 * the `dualstack.` prefix Route 53 accepts for load balancers. Names are read only; nothing is
 * validated the way ACM validates ownership.
 */

import { aliasTargetName, canonicalDomainName } from '../../aws/dns-names.js';
import { TemplateError } from '../../errors.js';
import { plainArray, plainRecord, plainText } from '../../template/plain-values.js';
import type { ResolvedApp, ResolvedResource } from '../../template/resolved.js';
import { resourcesOfType } from '../network/resolve.js';
import { PropertyReader } from '../props.js';
import { isCertificateName } from './server-names.js';

/** The names ACM certificates and alias records give, read once per app. */
export class CertificateNames {
  private readonly byArn = new Map<string, string[]>();
  private readonly aliases: Array<{ readonly target: string; readonly name: string }> = [];

  constructor(app: ResolvedApp) {
    for (const resource of resourcesOfType(app, 'AWS::CertificateManager::Certificate')) {
      const props: PropertyReader = new PropertyReader(resource);
      const names = [props.string('DomainName'), ...props.strings('SubjectAlternativeNames')];
      names.forEach((name, index) => {
        if (!isCertificateName(name))
          props.fail(
            index === 0 ? 'DomainName' : `SubjectAlternativeNames.${index - 1}`,
            `got '${name}'; allowed: a DNS name of letters, digits and hyphens, optionally starting with '*.'`,
          );
      });
      this.byArn.set(resource.ref, [...new Set(names.map(canonicalDomainName))]);
    }
    const addAlias = (target: string | undefined, name: string | undefined) => {
      if (target && name && isCertificateName(name))
        this.aliases.push({ target: aliasTargetName(target), name: canonicalDomainName(name) });
    };
    for (const resource of resourcesOfType(app, 'AWS::Route53::RecordSet')) {
      const props: PropertyReader = new PropertyReader(resource);
      addAlias(props.optionalString('AliasTarget.DNSName'), props.optionalString('Name'));
    }
    // A RecordSetGroup's entries are record sets too.
    for (const group of resourcesOfType(app, 'AWS::Route53::RecordSetGroup')) {
      for (const entry of plainArray(group.properties.RecordSets).map(plainRecord)) {
        addAlias(plainText(plainRecord(entry.AliasTarget).DNSName), plainText(entry.Name));
      }
    }
  }

  /** The names of a certificate the templates declare, or `undefined` for an ARN from elsewhere. */
  ofCertificate(arn: string): readonly string[] | undefined {
    return this.byArn.get(arn);
  }

  /** The alias record names that point at `dnsName` (a load balancer's, an API domain's). */
  aliasesOf(dnsName: string): string[] {
    const target = aliasTargetName(dnsName);
    return [...new Set(this.aliases.filter((alias) => alias.target === target).map((alias) => alias.name))];
  }

  /**
   * The names a load balancer's certificate covers locally: the ACM certificate's, else the alias
   * records pointing at the load balancer, else its DNS name.
   */
  forLoadBalancer(arn: string, dnsName: string): string[] {
    const declared = this.ofCertificate(arn);
    if (declared) return [...declared];
    const aliases = this.aliasesOf(dnsName);
    return aliases.length > 0 ? aliases : [canonicalDomainName(dnsName)];
  }
}

/** Throws a TemplateError for a name a certificate cannot carry. */
export function requireCertificateName(resource: ResolvedResource, path: string, name: string): void {
  if (isCertificateName(name)) return;
  throw new TemplateError(
    { file: resource.stack.loaded.file, logicalId: resource.logicalId, propertyPath: `Properties.${path}` },
    `got '${name}'; allowed: a DNS name of letters, digits and hyphens, optionally starting with '*.'`,
    { code: 'WHARF_LOCAL_UNSUPPORTED' },
  );
}
