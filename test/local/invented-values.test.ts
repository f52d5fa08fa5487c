/**
 * Which invented attribute values `wharf dev` warns about: those a container receives, and those
 * no resource schema confirms; not those that only feed IAM policies or outputs.
 */

import { describe, expect, it } from 'vitest';
import { inventedValueWarnings } from '../../src/local/invented-values.js';
import { resolveApp } from '../../src/template/evaluate.js';
import type { CfnTemplate, LoadedApp, LoadedStack } from '../../src/template/model.js';

function inlineApp(template: CfnTemplate): LoadedApp {
  const root: LoadedStack = {
    name: 'app.yml',
    path: [],
    file: '/app/app.yml',
    template,
    children: new Map(),
  };
  return { source: 'template-file', name: 'app', root, stacks: [root] };
}

const TABLE = { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders' } };

describe('inventedValueWarnings', () => {
  it('says nothing about invented values that only feed IAM policies and outputs', () => {
    const app = resolveApp(
      inlineApp({
        Resources: {
          Table: TABLE,
          Policy: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: {
              PolicyDocument: {
                Statement: [{ Effect: 'Allow', Action: '*', Resource: { 'Fn::GetAtt': 'Table.Arn' } }],
              },
            },
          },
        },
        Outputs: { Stream: { Value: { 'Fn::GetAtt': 'Table.StreamArn' } } },
      }),
    );
    expect(app.inventedAttributes).toHaveLength(2);
    expect(inventedValueWarnings(app)).toEqual([]);
  });

  it('warns once, naming file, resource, property and attribute, when a container gets an invented value', () => {
    const app = resolveApp(
      inlineApp({
        Resources: {
          Table: TABLE,
          Task: {
            Type: 'AWS::ECS::TaskDefinition',
            Properties: {
              ContainerDefinitions: [
                {
                  Name: 'web',
                  Image: 'web',
                  Environment: [{ Name: 'TABLE_ARN', Value: { 'Fn::GetAtt': 'Table.Arn' } }],
                },
              ],
            },
          },
        },
      }),
    );
    expect(inventedValueWarnings(app)).toEqual([
      '/app/app.yml: Task: Properties.ContainerDefinitions.0.Environment.0.Value: the container gets Fn::GetAtt Table.Arn (AWS::DynamoDB::Table) as "arn:aws:dynamodb:us-east-1:123456789012:table/orders", a value Wharf invents: AWS::DynamoDB::Table is not created locally',
    ]);
  });

  it('warns about an attribute of a type no resource schema lists, wherever it is read', () => {
    const app = resolveApp(
      inlineApp({
        Resources: { Fn: { Type: 'AWS::Serverless::Function' } },
        Outputs: { FnArn: { Value: { 'Fn::GetAtt': 'Fn.Arn' } } },
      }),
    );
    expect(inventedValueWarnings(app)).toEqual([
      expect.stringMatching(
        /^\/app\/app\.yml: FnArn: Value: Fn::GetAtt Fn\.Arn \(AWS::Serverless::Function\) cannot be checked, because the CloudFormation resource schemas do not list AWS::Serverless::Function; Wharf answers "arn:aws:serverless:/,
      ),
    ]);
  });
});
