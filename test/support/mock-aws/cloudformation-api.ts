/**
 * Mocked CloudFormation's API (query protocol): request fields in, AWS-shaped results out, over
 * the state machine in `cloudformation.ts`.
 */

import type { ChangeSetState, CloudFormationEngine, StackState } from './cloudformation.js';
import { type Action, AwsError, validationError } from './protocol.js';
import { validateTemplateResult } from './template-validation.js';

/** The query-protocol namespace of CloudFormation. */
export const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

const PAGE_SIZE = 100;

function text(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

function required(input: Record<string, unknown>, key: string): string {
  const value = text(input, key);
  if (value === undefined || value === '') {
    throw validationError(
      `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function list<T>(input: Record<string, unknown>, key: string): T[] {
  const value = input[key];
  return Array.isArray(value) ? (value as T[]) : [];
}

/** A page of `items` from a `NextToken`. */
function page<T>(items: T[], token: string | undefined, size = PAGE_SIZE): { items: T[]; next?: string } {
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) || 0 : 0;
  const end = start + size;
  return {
    items: items.slice(start, end),
    next: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined,
  };
}

function describeStack(stack: StackState) {
  return {
    StackId: stack.id,
    StackName: stack.name,
    ChangeSetId: stack.changeSetId,
    Description: stack.description,
    Parameters: Object.entries(stack.parameters).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    })),
    CreationTime: stack.created,
    DeletionTime: stack.deletedAt,
    LastUpdatedTime: stack.lastUpdated,
    RollbackConfiguration: {},
    StackStatus: stack.status,
    StackStatusReason: stack.statusReason,
    DisableRollback: stack.disableRollback,
    NotificationARNs: [],
    Capabilities: stack.capabilities,
    Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({
      OutputKey,
      OutputValue,
      Description: stack.template.Outputs?.[OutputKey]?.Description,
    })),
    Tags: stack.tags,
    EnableTerminationProtection: stack.terminationProtection,
    ParentId: stack.parent?.id,
    RootId: stack.parent ? stack.root.id : undefined,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

function describeChangeSet(stack: StackState, changeSet: ChangeSetState, token?: string) {
  const changes = page(changeSet.changes, token);
  return {
    ChangeSetName: changeSet.name,
    ChangeSetId: changeSet.id,
    StackId: stack.id,
    StackName: stack.name,
    Description: changeSet.description,
    Parameters: Object.entries(changeSet.parameters).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    })),
    CreationTime: changeSet.created,
    ExecutionStatus: changeSet.executionStatus,
    Status: changeSet.status,
    StatusReason: changeSet.statusReason,
    NotificationARNs: [],
    RollbackConfiguration: {},
    Capabilities: changeSet.capabilities,
    Tags: changeSet.tags,
    Changes: changes.items.map((change) => ({
      Type: 'Resource',
      HookInvocationCount: 0,
      ResourceChange: {
        Action: change.Action,
        LogicalResourceId: change.LogicalResourceId,
        PhysicalResourceId: change.PhysicalResourceId,
        ResourceType: change.ResourceType,
        Replacement: change.Replacement,
        Scope: change.Scope,
        Details: change.changedProperties.map((name) => ({
          Target: { Attribute: 'Properties', Name: name, RequiresRecreation: 'Never' },
          Evaluation: 'Static',
          ChangeSource: 'DirectModification',
        })),
        ChangeSetId: change.ChangeSetId,
      },
    })),
    NextToken: changes.next,
    IncludeNestedStacks: changeSet.includeNestedStacks,
    ParentChangeSetId: changeSet.parentChangeSetId,
    RootChangeSetId: changeSet.rootChangeSetId,
  };
}

function describeResource(stack: StackState, logicalId: string) {
  const resource = stack.resources.get(logicalId);
  if (!resource) return undefined;
  return {
    StackName: stack.name,
    StackId: stack.id,
    LogicalResourceId: resource.logicalId,
    PhysicalResourceId: resource.physicalId || undefined,
    ResourceType: resource.type,
    Timestamp: resource.lastUpdated,
    ResourceStatus: resource.status,
    ResourceStatusReason: resource.statusReason,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}

/** Parameters of a request: `{ Key: value }` or `{ Key: { usePrevious: true } }`. */
function requestParameters(input: Record<string, unknown>): Record<string, string | { usePrevious: true }> {
  const out: Record<string, string | { usePrevious: true }> = {};
  for (const item of list<Record<string, string>>(input, 'Parameters')) {
    if (!item?.ParameterKey) continue;
    out[item.ParameterKey] =
      item.UsePreviousValue === 'true' ? { usePrevious: true } : (item.ParameterValue ?? '');
  }
  return out;
}

/** The stack a change set request names, by ARN or name. */
function changeSetOf(engine: CloudFormationEngine, input: Record<string, unknown>) {
  const name = required(input, 'ChangeSetName');
  const { stack, changeSet } = engine.findChangeSet(name, text(input, 'StackName'));
  return { stack, changeSet, name };
}

/** The CloudFormation actions. */
export function cloudFormationActions(engine: CloudFormationEngine): Record<string, Action> {
  return {
    DescribeStacks(input) {
      const name = text(input, 'StackName');
      const stacks = name ? [engine.require(name)] : engine.liveStacks();
      const result = page(stacks, text(input, 'NextToken'));
      return { Stacks: result.items.map(describeStack), NextToken: result.next };
    },
    ListStacks(input) {
      const filter = list<string>(input, 'StackStatusFilter');
      const stacks = engine.allStacks().filter((s) => filter.length === 0 || filter.includes(s.status));
      return {
        StackSummaries: stacks.map((s) => ({
          StackId: s.id,
          StackName: s.name,
          TemplateDescription: s.description,
          CreationTime: s.created,
          LastUpdatedTime: s.lastUpdated,
          DeletionTime: s.deletedAt,
          StackStatus: s.status,
          StackStatusReason: s.statusReason,
          ParentId: s.parent?.id,
          RootId: s.parent ? s.root.id : undefined,
        })),
      };
    },
    DescribeStackEvents(input) {
      const name = required(input, 'StackName');
      const stack = engine.find(name);
      if (!stack) throw validationError(`Stack [${name}] does not exist`);
      const events = [...stack.events].reverse();
      const result = page(events, text(input, 'NextToken'));
      return { StackEvents: result.items, NextToken: result.next };
    },
    DescribeStackResources(input) {
      const name = text(input, 'StackName');
      const physical = text(input, 'PhysicalResourceId');
      let stack: StackState | undefined = name ? engine.require(name) : undefined;
      if (!stack && physical) {
        stack = engine
          .liveStacks()
          .find((s) => [...s.resources.values()].some((r) => r.physicalId === physical));
      }
      if (!stack) throw validationError('Stack for the given physical resource id does not exist');
      const logical = text(input, 'LogicalResourceId');
      const found = stack;
      const ids = [...found.resources.keys()].filter(
        (id) =>
          (!logical || id === logical) && (!physical || found.resources.get(id)?.physicalId === physical),
      );
      return { StackResources: ids.map((id) => describeResource(found, id)) };
    },
    DescribeStackResource(input) {
      const stack = engine.require(required(input, 'StackName'));
      const logical = required(input, 'LogicalResourceId');
      const resource = describeResource(stack, logical);
      if (!resource) throw validationError(`Resource ${logical} does not exist for stack ${stack.name}`);
      return { StackResourceDetail: { ...resource, LastUpdatedTimestamp: resource.Timestamp } };
    },
    ListStackResources(input) {
      const stack = engine.require(required(input, 'StackName'));
      const result = page([...stack.resources.values()], text(input, 'NextToken'));
      return {
        StackResourceSummaries: result.items.map((r) => ({
          LogicalResourceId: r.logicalId,
          PhysicalResourceId: r.physicalId || undefined,
          ResourceType: r.type,
          LastUpdatedTimestamp: r.lastUpdated,
          ResourceStatus: r.status,
          ResourceStatusReason: r.statusReason,
          DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
        })),
        NextToken: result.next,
      };
    },
    GetTemplate(input) {
      const changeSetName = text(input, 'ChangeSetName');
      if (changeSetName) {
        const { changeSet } = changeSetOf(engine, input);
        if (!changeSet)
          throw new AwsError(404, 'ChangeSetNotFound', `ChangeSet [${changeSetName}] does not exist`);
        return { TemplateBody: changeSet.templateBody, StagesAvailable: ['Original', 'Processed'] };
      }
      const stack = engine.require(required(input, 'StackName'));
      return { TemplateBody: stack.templateBody, StagesAvailable: ['Original', 'Processed'] };
    },
    GetTemplateSummary(input) {
      const stackName = text(input, 'StackName');
      const stack = stackName ? engine.require(stackName) : undefined;
      const { template } = stack ? { template: stack.template } : engine.templateOf(input);
      const types = [...new Set(Object.values(template.Resources).map((r) => r.Type))];
      const iam = types.some((t) => t.startsWith('AWS::IAM::'));
      return {
        Parameters: Object.entries(template.Parameters ?? {}).map(([key, p]) => ({
          ParameterKey: key,
          DefaultValue: p.Default === undefined ? undefined : String(p.Default),
          ParameterType: p.Type,
          NoEcho: p.NoEcho === true || p.NoEcho === 'true',
          Description: p.Description,
          ParameterConstraints: { AllowedValues: p.AllowedValues?.map(String) },
        })),
        Description: template.Description,
        Capabilities: iam ? ['CAPABILITY_IAM'] : [],
        CapabilitiesReason: iam
          ? 'The following resource(s) require capabilities: [AWS::IAM::Role]'
          : undefined,
        ResourceTypes: types,
        Version: template.AWSTemplateFormatVersion ?? '2010-09-09',
        Metadata: template.Metadata ? JSON.stringify(template.Metadata) : undefined,
        DeclaredTransforms: [],
        ResourceIdentifierSummaries: [],
      };
    },
    ValidateTemplate(input) {
      const { template } = engine.templateOf(input);
      return validateTemplateResult(template);
    },
    CreateChangeSet(input) {
      const stackName = required(input, 'StackName');
      const existing = engine.find(stackName);
      const { template, body } = engine.templateOf(input, existing);
      const type = (text(input, 'ChangeSetType') ?? 'UPDATE') as 'CREATE' | 'UPDATE' | 'IMPORT';
      const changeSet = engine.createChangeSet({
        stackName,
        changeSetName: required(input, 'ChangeSetName'),
        type,
        template,
        templateBody: body,
        parameters: requestParameters(input),
        capabilities: list<string>(input, 'Capabilities'),
        tags: list<{ Key: string; Value: string }>(input, 'Tags'),
        description: text(input, 'Description'),
        includeNestedStacks: input.IncludeNestedStacks === 'true',
      });
      return { Id: changeSet.id, StackId: changeSet.stackId };
    },
    DescribeChangeSet(input) {
      const { stack, changeSet, name } = changeSetOf(engine, input);
      if (!changeSet) throw new AwsError(404, 'ChangeSetNotFound', `ChangeSet [${name}] does not exist`);
      const owner = engine.find(changeSet.stackId) ?? stack;
      return describeChangeSet(owner, changeSet, text(input, 'NextToken'));
    },
    ListChangeSets(input) {
      const stack = engine.require(required(input, 'StackName'));
      return {
        Summaries: [...stack.changeSets.values()].map((cs) => ({
          StackId: stack.id,
          StackName: stack.name,
          ChangeSetId: cs.id,
          ChangeSetName: cs.name,
          ExecutionStatus: cs.executionStatus,
          Status: cs.status,
          StatusReason: cs.statusReason,
          CreationTime: cs.created,
          Description: cs.description,
          IncludeNestedStacks: cs.includeNestedStacks,
          ParentChangeSetId: cs.parentChangeSetId,
          RootChangeSetId: cs.rootChangeSetId,
        })),
      };
    },
    ExecuteChangeSet(input) {
      const { stack, changeSet, name } = changeSetOf(engine, input);
      if (!changeSet) throw new AwsError(404, 'ChangeSetNotFound', `ChangeSet [${name}] does not exist`);
      engine.execute(stack, changeSet, input.DisableRollback === 'true', text(input, 'ClientRequestToken'));
      return {};
    },
    DeleteChangeSet(input) {
      const { stack, changeSet } = changeSetOf(engine, input);
      engine.deleteChangeSet(stack, changeSet);
      return {};
    },
    CreateStack(input) {
      const name = required(input, 'StackName');
      const { template, body } = engine.templateOf(input);
      const parameters = engine.resolveParameters(template, requestParameters(input), {});
      const stack = engine.createDirect(
        name,
        template,
        body,
        parameters,
        input.DisableRollback === 'true' || input.OnFailure === 'DO_NOTHING',
        list<string>(input, 'Capabilities'),
        text(input, 'ClientRequestToken'),
      );
      return { StackId: stack.id };
    },
    UpdateStack(input) {
      const stack = engine.require(required(input, 'StackName'));
      const { template, body } = engine.templateOf(input, stack);
      const parameters = engine.resolveParameters(template, requestParameters(input), stack.parameters);
      engine.updateDirect(
        stack,
        template,
        body,
        parameters,
        input.DisableRollback === 'true',
        text(input, 'ClientRequestToken'),
      );
      return { StackId: stack.id };
    },
    DeleteStack(input) {
      engine.requestDelete(
        required(input, 'StackName'),
        text(input, 'ClientRequestToken'),
        list<string>(input, 'RetainResources'),
      );
      return {};
    },
    CancelUpdateStack(input) {
      engine.cancelUpdate(engine.require(required(input, 'StackName')));
      return {};
    },
    ContinueUpdateRollback(input) {
      engine.continueUpdateRollback(
        engine.require(required(input, 'StackName')),
        list<string>(input, 'ResourcesToSkip'),
        text(input, 'ClientRequestToken'),
      );
      return {};
    },
    RollbackStack(input) {
      const stack = engine.require(required(input, 'StackName'));
      engine.rollback(stack, text(input, 'ClientRequestToken'));
      return { StackId: stack.id };
    },
    UpdateTerminationProtection(input) {
      const stack = engine.require(required(input, 'StackName'));
      stack.terminationProtection = input.EnableTerminationProtection === 'true';
      return { StackId: stack.id };
    },
    ListExports(input) {
      const result = page(engine.exports(), text(input, 'NextToken'));
      return {
        Exports: result.items.map((e) => ({ ExportingStackId: e.stackId, Name: e.name, Value: e.value })),
        NextToken: result.next,
      };
    },
    ListImports(input) {
      const name = required(input, 'ExportName');
      const importers = engine
        .liveStacks()
        .filter((s) => JSON.stringify(s.template).includes(`"Fn::ImportValue":${JSON.stringify(name)}`));
      if (importers.length === 0) throw validationError(`Export '${name}' is not imported by any stack.`);
      return { Imports: importers.map((s) => s.name) };
    },
  };
}
