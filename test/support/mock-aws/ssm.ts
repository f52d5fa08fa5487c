/**
 * Mocked SSM (awsJson1_1): `GetParameter` answers from the `AWS::SSM::Parameter` resources of the
 * stacks that exist, so the CDK bootstrap version parameter exists exactly when the `CDKToolkit`
 * stack does.
 */

import type { CloudFormationEngine } from './cloudformation.js';
import { type Action, AwsError, epochSeconds } from './protocol.js';
import type { MockWorld } from './world.js';

/** The SSM actions. */
export function ssmActions(world: MockWorld, engine: CloudFormationEngine): Record<string, Action> {
  return {
    GetParameter(input) {
      const name = String(input.Name ?? '');
      for (const stack of engine.liveStacks()) {
        for (const resource of stack.resources.values()) {
          if (resource.type !== 'AWS::SSM::Parameter' || resource.physicalId !== name) continue;
          const scope = engine.scope(stack);
          const value = scope.property(resource.logicalId, 'Value');
          return {
            Parameter: {
              Name: name,
              Type: String(scope.property(resource.logicalId, 'Type') ?? 'String'),
              Value: String(value ?? ''),
              Version: 1,
              LastModifiedDate: epochSeconds(resource.lastUpdated),
              ARN: world.arn('ssm', `parameter${name.startsWith('/') ? '' : '/'}${name}`),
              DataType: 'text',
            },
          };
        }
      }
      throw new AwsError(400, 'ParameterNotFound', `Parameter ${name} not found.`);
    },
  };
}
