/**
 * A finding is one thing `wharf check` reports about a template: from AWS's CloudFormation
 * validator, from cdk-nag, or from Wharf's own known-trap rules.
 */

/** How bad a finding is. Any `error` makes `wharf check` exit with code 1. */
export type Severity = 'error' | 'warning' | 'info';

/** Which checker produced a finding. */
export type FindingOrigin = 'cfn-validate' | 'cdk-nag' | 'wharf-trap';

export interface Finding {
  /** Stable rule id, e.g. `apigw-cloudmap-not-srv`, `AwsSolutions-IAM4`, `E3002`. */
  readonly ruleId: string;
  readonly origin: FindingOrigin;
  readonly severity: Severity;
  /** What is wrong, naming the values involved. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** The template (file path, or cloud-assembly template path) the finding is in. */
  readonly file: string;
  /** The stack's display name (root file name or nested-stack logical id chain, e.g. `ServiceStack`). */
  readonly stack: string;
  /** Logical id of the resource concerned, when there is one. */
  readonly logicalId?: string;
  /** Resource type, when known. */
  readonly resourceType?: string;
  /** Property path inside the resource, e.g. `Properties.DnsConfig.DnsRecords`. */
  readonly propertyPath?: string;
  /** Line in `file`, when the checker knows it. */
  readonly line?: number;
}
