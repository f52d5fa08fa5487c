/**
 * The shape of a known-trap rule: a pure function from a loaded application to findings.
 */

import type { LoadedApp } from '../../template/model.js';
import type { Finding, Severity } from '../finding.js';

/** What a rule may know besides the templates. */
export interface TrapContext {
  /**
   * The region the templates will be deployed to (`wharf check --region`, else `AWS_REGION` /
   * `AWS_DEFAULT_REGION`). Templates alone do not say it: `AWS::Region` is unknown offline.
   * @default - unknown: rules that need it compare with what the templates pin (see
   *   `certificate-region-mismatch`)
   */
  readonly region?: string;
}

/** One known-trap rule. Rules read templates only, never constructs, and never throw on odd input. */
export interface TrapRule {
  /** Stable kebab-case id, e.g. `apigw-cloudmap-not-srv`; also the rule's file name. */
  readonly id: string;
  /** One-line summary for listings. */
  readonly title: string;
  /** The severity of its findings (a rule may lower one finding, e.g. to `warning`). */
  readonly severity: Severity;
  /** What it catches and why it matters on AWS. */
  readonly description: string;
  /** Returns one finding per offending resource or property; `[]` when the app is clean. */
  check(app: LoadedApp, context?: TrapContext): Finding[];
}
