import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Context key `wharf check` sets when it synthesizes an app: Wharf's constructs then register
 * cdk-nag's AwsSolutions pack as a CDK validation plugin, and the findings land in the cloud
 * assembly's `validation-report.json`.
 */
export const NAG_CONTEXT_KEY = '@wharf/check:nag';

const REGISTERED = Symbol.for('wharf.nag-registered');

/**
 * Registers cdk-nag's AwsSolutions checks on the app holding `scope`, once per app, when
 * `wharf check` asked for it (context {@link NAG_CONTEXT_KEY}). Wharf's pattern constructs call
 * this; call it yourself in an app built from the lower-level constructs.
 *
 * @example
 * const app = new App();
 * enableWharfChecks(app);
 */
export function enableWharfChecks(scope: IConstruct): void {
  const app = App.of(scope);
  if (app?.node.tryGetContext(NAG_CONTEXT_KEY) !== true) return;
  const marked = app as unknown as Record<symbol, boolean>;
  if (marked[REGISTERED]) return;
  marked[REGISTERED] = true;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledges a cdk-nag AwsSolutions finding on `scope` with the reason a reviewer reads. The
 * namespaced form keeps the finding in the validation report as "suppressed", so `wharf check`
 * can list every acknowledgment with its reason.
 *
 * @param rule - the rule id as nag reports it, e.g. `AwsSolutions-EC23` or
 *   `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/…]`
 */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${rule}`, reason });
}
