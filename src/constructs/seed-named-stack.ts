import {
  CfnElement,
  CfnOutput,
  CfnParameter,
  CfnResource,
  NestedStack,
  type NestedStackProps,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * A nested stack whose CloudFormation logical ids are the construct ids themselves
 * (`TaskDefinition`, `ServiceSecurityGroup`, …) instead of CDK's path-plus-hash ids, so that the
 * synthesized templates read like the seed templates and keep stable, meaningful names.
 *
 * An id is used bare only when no other element of the same namespace (resources and parameters
 * together, since `Ref` names either; outputs; …) in this stack has the same construct id; otherwise CDK's default allocation applies,
 * so two constructs can never silently share a logical id.
 *
 * The `AWS::CloudFormation::Stack` resource in the parent is named `logicalId` (e.g. `VpcStack`).
 */
export class SeedNamedNestedStack extends NestedStack {
  constructor(scope: Construct, logicalId: string, props: NestedStackProps = {}) {
    super(scope, logicalId, props);
    this.nestedStackResource?.overrideLogicalId(logicalId);
  }

  protected override allocateLogicalId(element: CfnElement): string {
    const id = element.node.id;
    const section = sectionOf(element);
    const twins = this.node
      .findAll()
      .filter((c): c is CfnElement => CfnElement.isCfnElement(c) && c.stack === this)
      .filter((c) => c !== element && c.node.id === id && sectionOf(c) === section);
    if (twins.length === 0 && /^[A-Za-z0-9]+$/.test(id)) {
      return id;
    }
    return super.allocateLogicalId(element);
  }
}

function sectionOf(element: CfnElement): string {
  // Resources and parameters share one namespace: `Ref` names either.
  if (element instanceof CfnResource || element instanceof CfnParameter) return 'Resources+Parameters';
  if (element instanceof CfnOutput) return 'Outputs';
  return element.constructor.name;
}
