/**
 * Mocked CloudFormation's state machine: stacks, change sets, and the operations that move them
 * (create, update, delete, rollback), emitting stack events the way AWS does.
 *
 * Operations run asynchronously, one step (`stepMs`) between events. Resources start in template
 * order once the resources they refer to (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn`) are done;
 * each emits `CREATE_IN_PROGRESS` twice (first without, then with its physical id and "Resource
 * creation Initiated") and then `CREATE_COMPLETE`. `AWS::CloudFormation::Stack` resources become
 * real nested stacks whose template is the mock S3 object behind `TemplateURL`. A resource listed
 * in `failures` ends `*_FAILED` with its reason, the other resources in progress are cancelled,
 * and the stack rolls back (nested stacks fail and are deleted by the root's rollback on create,
 * and roll themselves back on update, as AWS does).
 */

import { randomUUID } from 'node:crypto';
import type { CfnTemplate } from '../../../src/template/model.js';
import type { PlainValue } from '../../../src/template/resolved.js';
import { AwsError, validationError } from './protocol.js';
import { createFailure } from './resource-create-rules.js';
import { schemaReport } from './resource-schemas.js';
import {
  asParameterString,
  canonicalJson,
  dependenciesOf,
  MockScope,
  NESTED_STACK_TYPE,
  parseTemplateText,
  type StackView,
  s3LocationOf,
} from './template.js';
import {
  checkCapabilities,
  checkInlineTemplateSize,
  checkResourceCountOfBody,
  checkS3TemplateSize,
  checkStackName,
  isS3TemplateUrl,
  missingCapabilities,
  type ParameterDeclaration,
  parameterValueError,
} from './template-rules.js';
import { checkTemplate } from './template-validation.js';
import type {
  MockChange,
  MockChangeSet,
  MockResource,
  MockStack,
  MockStackEvent,
  ResourceOperation,
  SeedStack,
} from './types.js';
import { type MockWorld, QUALIFIER } from './world.js';

/** One resource of a mocked stack. */
export interface ResourceState extends MockResource {
  /** Bumped each time the resource is created again (varies its generated ids). */
  generation: number;
  /** What it was declared as when last created or updated (for deletion after removal). */
  declared: CfnTemplate['Resources'][string];
  /** The resources it depends on (deleted after it). */
  dependencies: string[];
  /** The nested stack, for `AWS::CloudFormation::Stack`. */
  nestedStack?: StackState;
}

/** What an update changed, kept until the stack settles so that it can be rolled back. */
interface PendingUpdate {
  readonly previous: { template: CfnTemplate; templateBody: string; parameters: Record<string, string> };
  readonly previousOutputs: Record<string, string>;
  readonly added: string[];
  readonly modified: string[];
  readonly removed: string[];
}

/** A change set as stored. */
export interface ChangeSetState extends MockChangeSet {
  readonly stackId: string;
  readonly templateBody: string;
  readonly nestedChangeSets: ChangeSetState[];
}

/** An operation in progress on one stack; nested stacks get a child operation. */
class Operation {
  readonly id = randomUUID();
  /** Stop starting resources and cancel those in progress. */
  cancelled = false;
  /** `CancelUpdateStack` was called. */
  userCancelled = false;
  /** `DeleteStack` was called: do not roll back, the deletion follows. */
  deleteRequested = false;

  constructor(
    readonly parent?: Operation,
    readonly token?: string,
  ) {}

  get isCancelled(): boolean {
    return this.cancelled || (this.parent?.isCancelled ?? false);
  }

  get isDeleteRequested(): boolean {
    return this.deleteRequested || (this.parent?.isDeleteRequested ?? false);
  }

  get clientRequestToken(): string | undefined {
    return this.token ?? this.parent?.clientRequestToken;
  }
}

/** How one resource's operation ended. */
type Outcome = 'ok' | 'failed' | 'cancelled';

/** How a stack's create or update ended. */
interface StackOutcome {
  readonly ok: boolean;
  /** A resource failed on its own (rather than being cancelled). */
  readonly realFailure: boolean;
}

/** One mocked CloudFormation stack. */
export class StackState implements MockStack {
  status = 'REVIEW_IN_PROGRESS';
  statusReason?: string;
  template: CfnTemplate = { Resources: {} };
  templateBody = '{"Resources":{}}';
  parameters: Record<string, string> = {};
  outputs: Record<string, string> = {};
  readonly resources = new Map<string, ResourceState>();
  readonly events: MockStackEvent[] = [];
  readonly changeSets = new Map<string, ChangeSetState>();
  readonly nested = new Map<string, StackState>();
  readonly created: Date;
  lastUpdated?: Date;
  deletedAt?: Date;
  description?: string;
  capabilities: string[] = [];
  tags: { Key: string; Value: string }[] = [];
  disableRollback = false;
  terminationProtection = false;
  changeSetId?: string;
  pending?: PendingUpdate;
  operation?: Operation;
  running?: Promise<void>;

  constructor(
    readonly id: string,
    readonly name: string,
    created: Date,
    readonly parent?: StackState,
    /** The logical id of this stack in its parent. */
    readonly logicalIdInParent?: string,
  ) {
    this.created = created;
  }

  get parentId(): string | undefined {
    return this.parent?.id;
  }

  get root(): StackState {
    return this.parent ? this.parent.root : this;
  }

  /** True until the stack is deleted. */
  get live(): boolean {
    return this.status !== 'DELETE_COMPLETE';
  }
}

/** A stack name or ARN. */
function isStackArn(nameOrId: string): boolean {
  return nameOrId.startsWith('arn:') && nameOrId.includes(':stack/');
}

/** CloudFormation-style 12-character uppercase suffix. */
function suffix(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase();
}

/** The mocked CloudFormation service state. */
export class CloudFormationEngine {
  private readonly stacks = new Map<string, StackState>();
  private readonly byName = new Map<string, StackState>();
  /** Nested change sets whose root change set was deleted, by ARN. */
  private readonly detachedChangeSets = new Map<string, ChangeSetState>();

  constructor(private readonly world: MockWorld) {}

  // ---- lookup -------------------------------------------------------------------------------

  /** A stack by name (live stacks only) or ARN (deleted stacks too), like `DescribeStacks`. */
  find(nameOrId: string): StackState | undefined {
    if (isStackArn(nameOrId)) return this.stacks.get(nameOrId);
    return this.byName.get(nameOrId);
  }

  /** Like {@link find}, or AWS's `ValidationError: Stack with id X does not exist`. */
  require(nameOrId: string): StackState {
    const stack = this.find(nameOrId);
    if (!stack) throw validationError(`Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  /** Every stack that has not been deleted, in creation order. */
  liveStacks(): StackState[] {
    return [...this.stacks.values()].filter((stack) => stack.live);
  }

  /** Every stack ever created, deleted ones too. */
  allStacks(): StackState[] {
    return [...this.stacks.values()];
  }

  /** The value of an export of any live stack. */
  exportValue(name: string): string | undefined {
    return this.exports().find((e) => e.name === name)?.value;
  }

  /** Exports of all live stacks. */
  exports(): { stackId: string; name: string; value: string }[] {
    const out: { stackId: string; name: string; value: string }[] = [];
    for (const stack of this.liveStacks()) {
      if (!stack.status.endsWith('_COMPLETE') && !stack.status.endsWith('_FAILED')) continue;
      const names = this.scope(stack).exports();
      for (const [key, name] of Object.entries(names)) {
        const value = stack.outputs[key];
        if (value !== undefined) out.push({ stackId: stack.id, name, value });
      }
    }
    return out;
  }

  /** The evaluator for a stack as it is now (or with another template and parameters). */
  scope(stack: StackState, template = stack.template, parameters = stack.parameters): MockScope {
    const view: StackView = {
      id: stack.id,
      name: stack.name,
      template,
      parameters,
      physicalId: (logicalId) => stack.resources.get(logicalId)?.physicalId || undefined,
      generation: (logicalId) => stack.resources.get(logicalId)?.generation ?? 1,
      nestedOutputs: (logicalId) => stack.resources.get(logicalId)?.nestedStack?.outputs,
      exportValue: (name) => this.exportValue(name),
    };
    return new MockScope(view, this.world.account, this.world.region);
  }

  /** Reads a template from the mock S3 by URL, as CloudFormation does for `TemplateURL`. */
  readTemplateUrl(url: string): { template: CfnTemplate; body: string } {
    const location = isS3TemplateUrl(url) ? s3LocationOf(url) : undefined;
    if (!location) throw validationError('TemplateURL must be a supported URL.');
    if (!this.world.buckets.has(location.bucket)) {
      throw validationError(`S3 error: The specified bucket does not exist (${location.bucket})`);
    }
    const object = this.world.objects.get(`${location.bucket}/${location.key}`);
    if (!object) throw validationError(`S3 error: The specified key does not exist: ${location.key}`);
    const body = object.toString('utf8');
    checkS3TemplateSize(body);
    checkResourceCountOfBody(body);
    return { template: checkTemplate(parseTemplateText(body)), body };
  }

  // ---- creation of stack records -------------------------------------------------------------

  private newStack(name: string, parent?: StackState, logicalId?: string): StackState {
    const id = this.world.arn('cloudformation', `stack/${name}/${randomUUID()}`);
    const stack = new StackState(id, name, this.world.now(), parent, logicalId);
    this.stacks.set(id, stack);
    this.byName.set(name, stack);
    return stack;
  }

  /** Creates a stack that already exists when the test starts. */
  seed(seed: SeedStack): StackState {
    const stack = this.newStack(seed.name);
    const template = seed.template ?? { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };
    stack.template = template;
    stack.templateBody = JSON.stringify(template);
    stack.parameters = { ...(seed.parameters ?? {}) };
    stack.description = template.Description;
    const op = new Operation();
    this.stackStatus(stack, 'CREATE_IN_PROGRESS', 'User Initiated', op);
    const scope = this.scope(stack);
    for (const logicalId of scope.activeResources()) {
      const declared = template.Resources[logicalId];
      const resource: ResourceState = {
        logicalId,
        type: declared.Type,
        physicalId: '',
        status: 'CREATE_COMPLETE',
        lastUpdated: this.world.now(),
        generation: 1,
        declared,
        dependencies: dependenciesOf(template, logicalId),
      };
      stack.resources.set(logicalId, resource);
      resource.physicalId = scope.newPhysicalId(logicalId);
      this.resourceEvent(stack, resource, 'CREATE_COMPLETE', undefined, op);
    }
    stack.outputs = { ...scope.outputs(), ...(seed.outputs ?? {}) };
    if (seed.status !== 'CREATE_IN_PROGRESS') this.stackStatus(stack, seed.status, seed.statusReason, op);
    return stack;
  }

  /** The `CDKToolkit` stack of a bootstrapped environment. */
  seedBootstrap(version: number): StackState {
    const { account, region } = this.world;
    const bucket = this.world.assetsBucket;
    const repository = `cdk-${QUALIFIER}-container-assets-${account}-${region}`;
    const template: CfnTemplate = {
      Description: 'This stack includes resources needed to deploy AWS CDK apps into this environment',
      Parameters: { Qualifier: { Type: 'String', Default: QUALIFIER } },
      Resources: {
        StagingBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: bucket } },
        ContainerAssetsRepository: {
          Type: 'AWS::ECR::Repository',
          Properties: { RepositoryName: repository },
        },
        CdkBootstrapVersion: {
          Type: 'AWS::SSM::Parameter',
          Properties: { Name: `/cdk-bootstrap/${QUALIFIER}/version`, Type: 'String', Value: String(version) },
        },
      },
      Outputs: {
        BucketName: { Value: { Ref: 'StagingBucket' } },
        BucketDomainName: { Value: `${bucket}.s3.${region}.amazonaws.com` },
        FileAssetKeyArn: { Value: 'AWS_MANAGED_KEY' },
        ImageRepositoryName: { Value: { Ref: 'ContainerAssetsRepository' } },
        BootstrapVersion: { Value: String(version) },
      },
    };
    return this.seed({
      name: 'CDKToolkit',
      status: 'CREATE_COMPLETE',
      template,
      parameters: { Qualifier: QUALIFIER },
    });
  }

  // ---- events ------------------------------------------------------------------------------

  private pushEvent(
    stack: StackState,
    logicalId: string,
    type: string,
    physicalId: string,
    status: string,
    reason: string | undefined,
    op: Operation,
  ): void {
    const timestamp = this.world.now();
    const isStack = physicalId === stack.id && type === NESTED_STACK_TYPE;
    stack.events.push({
      EventId: isStack ? randomUUID() : `${logicalId}-${status}-${timestamp.toISOString()}`,
      StackId: stack.id,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalId,
      ResourceType: type,
      Timestamp: timestamp,
      ResourceStatus: status,
      ResourceStatusReason: reason,
      ClientRequestToken: op.clientRequestToken,
      OperationId: op.id,
    });
  }

  private stackStatus(stack: StackState, status: string, reason: string | undefined, op: Operation): void {
    stack.status = status;
    stack.statusReason = reason;
    if (status.startsWith('UPDATE_')) stack.lastUpdated = this.world.now();
    this.pushEvent(stack, stack.name, NESTED_STACK_TYPE, stack.id, status, reason, op);
  }

  private resourceEvent(
    stack: StackState,
    resource: ResourceState,
    status: string,
    reason: string | undefined,
    op: Operation,
  ): void {
    resource.status = status;
    resource.statusReason = reason;
    resource.lastUpdated = this.world.now();
    this.pushEvent(stack, resource.logicalId, resource.type, resource.physicalId, status, reason, op);
  }

  // ---- failures and holds ------------------------------------------------------------------

  private failureFor(stack: StackState, logicalId: string, operation: ResourceOperation) {
    return this.world.failures.find(
      (f) =>
        f.logicalId === logicalId &&
        f.stack === stack.logicalIdInParent &&
        (f.operation === undefined ? operation !== 'DELETE' : f.operation === operation),
    );
  }

  /**
   * Why CloudFormation's handler fails this resource as AWS would: a schema violation of its
   * properties, or the service refusing its request (`resource-create-rules.ts`).
   */
  private serviceRefusal(stack: StackState, logicalId: string, verb: ResourceOperation): string | undefined {
    if (verb === 'DELETE') return undefined;
    const schema = schemaReport(stack.template).violations.get(logicalId);
    if (schema) return schema;
    const type = stack.template.Resources[logicalId]?.Type ?? '';
    return createFailure(type, this.scope(stack).properties(logicalId), verb);
  }

  private isHeld(stack: StackState, logicalId: string): boolean {
    return (
      !this.world.released.has(logicalId) &&
      this.world.holds.some(
        (h) => h.logicalId === logicalId && (h.stack === undefined || h.stack === stack.logicalIdInParent),
      )
    );
  }

  private async waitWhileHeld(stack: StackState, logicalId: string, op: Operation): Promise<void> {
    while (this.isHeld(stack, logicalId) && !op.isCancelled && !this.world.closed) {
      await this.world.sleep();
    }
  }

  // ---- running operations ------------------------------------------------------------------

  /** Runs `work` as the stack's current operation; its first events are emitted before this returns. */
  private start(stack: StackState, op: Operation, work: () => Promise<unknown>): void {
    stack.operation = op;
    const run: Promise<void> = work()
      .then(() => undefined)
      .catch((error) => {
        process.stderr.write(`[mocked AWS] CloudFormation operation on ${stack.name} failed: ${error}\n`);
      })
      .finally(() => {
        if (stack.running === run) {
          stack.running = undefined;
          stack.operation = undefined;
        }
      });
    stack.running = run;
  }

  /** Provisions (creates or updates) `items` in dependency order; returns the ids that did not finish. */
  private async provision(
    stack: StackState,
    items: { id: string; action: 'Add' | 'Modify' }[],
    op: Operation,
  ): Promise<{ failed: string[]; realFailure: boolean; complete: boolean }> {
    const planned = new Set(items.map((item) => item.id));
    const deps = new Map(
      items.map((item) => [item.id, dependenciesOf(stack.template, item.id).filter((d) => planned.has(d))]),
    );
    const done = new Set<string>();
    const started = new Set<string>();
    const failed: string[] = [];
    let realFailure = false;
    const running = new Map<string, Promise<void>>();
    while (!this.world.closed) {
      if (!op.isCancelled) {
        for (const item of items) {
          if (started.has(item.id) || !(deps.get(item.id) ?? []).every((d) => done.has(d))) continue;
          started.add(item.id);
          const task = this.provisionOne(stack, item.id, item.action, op).then((outcome) => {
            running.delete(item.id);
            if (outcome === 'ok') {
              done.add(item.id);
              return;
            }
            failed.push(item.id);
            if (outcome === 'failed') {
              realFailure = true;
              op.cancelled = true;
            }
          });
          running.set(item.id, task);
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    return { failed, realFailure, complete: done.size === items.length };
  }

  private async provisionOne(
    stack: StackState,
    logicalId: string,
    action: 'Add' | 'Modify',
    op: Operation,
  ): Promise<Outcome> {
    const declared = stack.template.Resources[logicalId];
    const verb: ResourceOperation = action === 'Add' ? 'CREATE' : 'UPDATE';
    const noun = action === 'Add' ? 'creation' : 'update';
    let resource = stack.resources.get(logicalId);
    if (action === 'Add' || !resource) {
      resource = {
        logicalId,
        type: declared.Type,
        physicalId: '',
        status: '',
        lastUpdated: this.world.now(),
        generation: (resource?.generation ?? 0) + 1,
        declared,
        dependencies: dependenciesOf(stack.template, logicalId),
      };
      stack.resources.set(logicalId, resource);
      this.resourceEvent(stack, resource, 'CREATE_IN_PROGRESS', undefined, op);
    } else {
      resource.declared = declared;
      resource.dependencies = dependenciesOf(stack.template, logicalId);
      this.resourceEvent(stack, resource, 'UPDATE_IN_PROGRESS', undefined, op);
    }
    await this.world.sleep();
    if (op.isCancelled) {
      this.resourceEvent(stack, resource, `${verb}_FAILED`, `Resource ${noun} cancelled`, op);
      return 'cancelled';
    }
    if (declared.Type === NESTED_STACK_TYPE) return this.provisionNested(stack, resource, action, op);

    if (action === 'Add') {
      resource.physicalId = this.scope(stack).newPhysicalId(logicalId);
      this.resourceEvent(stack, resource, 'CREATE_IN_PROGRESS', 'Resource creation Initiated', op);
    }
    await this.waitWhileHeld(stack, logicalId, op);
    await this.world.sleep();
    const reason =
      this.failureFor(stack, logicalId, verb)?.reason ?? this.serviceRefusal(stack, logicalId, verb);
    if (reason !== undefined && !op.isCancelled) {
      this.resourceEvent(stack, resource, `${verb}_FAILED`, reason, op);
      return 'failed';
    }
    if (op.isCancelled) {
      this.resourceEvent(stack, resource, `${verb}_FAILED`, `Resource ${noun} cancelled`, op);
      return 'cancelled';
    }
    this.resourceEvent(stack, resource, `${verb}_COMPLETE`, undefined, op);
    return 'ok';
  }

  /** The template and parameters a nested stack resource asks for, or the reason it cannot. */
  private nestedInput(
    stack: StackState,
    logicalId: string,
    template: CfnTemplate = stack.template,
    stackParameters: Record<string, string> = stack.parameters,
  ): { template: CfnTemplate; body: string; parameters: Record<string, string> } | string {
    // A change set's nested templates come from its own (new) parent template, not the deployed one.
    const scope = this.scope(stack, template, stackParameters);
    const url = scope.property(logicalId, 'TemplateURL');
    if (typeof url !== 'string') return 'Property TemplateURL cannot be empty.';
    if (!isS3TemplateUrl(url)) return 'TemplateURL must be an Amazon S3 URL.';
    let fetched: { template: CfnTemplate; body: string };
    try {
      fetched = this.readTemplateUrl(url);
    } catch (error) {
      return (error as Error).message;
    }
    // A nested stack is created with the capabilities the root stack's request acknowledged.
    const missing = missingCapabilities(fetched.template, stack.root.capabilities);
    if (missing.length > 0) return `Requires capabilities : [${missing.join(', ')}]`;
    const given = scope.property(logicalId, 'Parameters');
    const parameters: Record<string, string> = {};
    if (given && typeof given === 'object' && !Array.isArray(given)) {
      for (const [key, value] of Object.entries(given)) parameters[key] = asParameterString(value);
    }
    return { ...fetched, parameters };
  }

  private async provisionNested(
    stack: StackState,
    resource: ResourceState,
    action: 'Add' | 'Modify',
    op: Operation,
  ): Promise<Outcome> {
    const input = this.nestedInput(stack, resource.logicalId);
    const verb = action === 'Add' ? 'CREATE' : 'UPDATE';
    if (typeof input === 'string') {
      this.resourceEvent(stack, resource, `${verb}_FAILED`, input, op);
      return 'failed';
    }
    const childOp = new Operation(op);
    if (action === 'Add') {
      const child = this.newStack(
        `${stack.name}-${resource.logicalId}-${suffix()}`,
        stack,
        resource.logicalId,
      );
      child.template = input.template;
      child.templateBody = input.body;
      child.parameters = this.withDefaults(input.template, input.parameters);
      child.description = input.template.Description;
      resource.nestedStack = child;
      resource.physicalId = child.id;
      stack.nested.set(resource.logicalId, child);
      this.resourceEvent(stack, resource, 'CREATE_IN_PROGRESS', 'Resource creation Initiated', op);
      child.operation = childOp;
      const outcome = await this.createStack(child, childOp);
      child.operation = undefined;
      if (outcome.ok) {
        this.resourceEvent(stack, resource, 'CREATE_COMPLETE', undefined, op);
        return 'ok';
      }
      if (!outcome.realFailure) {
        this.resourceEvent(stack, resource, 'CREATE_FAILED', 'Resource creation cancelled', op);
        return 'cancelled';
      }
      this.resourceEvent(
        stack,
        resource,
        'CREATE_FAILED',
        `Embedded stack ${child.id} was not successfully created: ${child.statusReason ?? ''}`,
        op,
      );
      return 'failed';
    }
    const child = resource.nestedStack;
    if (!child) {
      this.resourceEvent(stack, resource, 'UPDATE_COMPLETE', undefined, op);
      return 'ok';
    }
    let reported = false;
    child.operation = childOp;
    const outcome = await this.updateStack(
      child,
      input.template,
      input.body,
      this.withDefaults(input.template, input.parameters, child.parameters),
      childOp,
      (reason) => {
        reported = true;
        this.resourceEvent(
          stack,
          resource,
          'UPDATE_FAILED',
          `Embedded stack ${child.id} was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS with reason: ${reason}`,
          op,
        );
        op.cancelled = true;
      },
    );
    child.operation = undefined;
    if (outcome.ok) {
      this.resourceEvent(stack, resource, 'UPDATE_COMPLETE', undefined, op);
      return 'ok';
    }
    if (!reported) this.resourceEvent(stack, resource, 'UPDATE_FAILED', 'Resource update cancelled', op);
    return outcome.realFailure ? 'failed' : 'cancelled';
  }

  /** Parameter values with the template's defaults filled in (and previous values for `UsePreviousValue`). */
  private withDefaults(
    template: CfnTemplate,
    given: Record<string, string>,
    previous: Record<string, string> = {},
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, declared] of Object.entries(template.Parameters ?? {})) {
      const value = given[name] ?? previous[name] ?? declared.Default;
      if (value !== undefined) out[name] = asParameterString(value as PlainValue);
    }
    return out;
  }

  /** Deletes resources in reverse dependency order; false when one could not be deleted. */
  private async removeResources(stack: StackState, ids: string[], op: Operation): Promise<string[]> {
    const pending = new Set(ids.filter((id) => stack.resources.has(id)));
    const started = new Set<string>();
    const failed: string[] = [];
    const running = new Map<string, Promise<void>>();
    while (!this.world.closed) {
      for (const id of pending) {
        if (started.has(id)) continue;
        const blocked = [...pending].some(
          (other) => other !== id && stack.resources.get(other)?.dependencies.includes(id),
        );
        if (blocked) continue;
        started.add(id);
        running.set(
          id,
          this.removeOne(stack, id, op).then((ok) => {
            running.delete(id);
            if (ok) pending.delete(id);
            else failed.push(id);
          }),
        );
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    return failed;
  }

  private async removeOne(stack: StackState, logicalId: string, op: Operation): Promise<boolean> {
    const resource = stack.resources.get(logicalId);
    if (!resource) return true;
    const policy = resource.declared.DeletionPolicy;
    if ((policy === 'Retain' || policy === 'RetainExceptOnCreate') && resource.physicalId !== '') {
      this.resourceEvent(stack, resource, 'DELETE_SKIPPED', undefined, op);
      stack.resources.delete(logicalId);
      return true;
    }
    this.resourceEvent(stack, resource, 'DELETE_IN_PROGRESS', undefined, op);
    const child = resource.nestedStack;
    if (child?.live) {
      const childOp = new Operation(op);
      child.operation = childOp;
      const ok = await this.deleteStack(child, childOp);
      child.operation = undefined;
      if (!ok) {
        this.resourceEvent(
          stack,
          resource,
          'DELETE_FAILED',
          `Embedded stack ${child.id} was not successfully deleted: ${child.statusReason ?? ''}`,
          op,
        );
        return false;
      }
    } else {
      await this.world.sleep();
      const failure = resource.physicalId === '' ? undefined : this.failureFor(stack, logicalId, 'DELETE');
      if (failure) {
        this.resourceEvent(stack, resource, 'DELETE_FAILED', failure.reason, op);
        return false;
      }
    }
    this.resourceEvent(stack, resource, 'DELETE_COMPLETE', undefined, op);
    stack.resources.delete(logicalId);
    if (child) stack.nested.delete(logicalId);
    return true;
  }

  /** `The following resource(s) failed to create: [A, B]. ` */
  private static failureSummary(verb: string, ids: string[]): string {
    return `The following resource(s) failed to ${verb}: [${[...ids].sort().join(', ')}]. `;
  }

  // ---- create ------------------------------------------------------------------------------

  private async createStack(stack: StackState, op: Operation): Promise<StackOutcome> {
    this.stackStatus(stack, 'CREATE_IN_PROGRESS', 'User Initiated', op);
    await this.world.sleep();
    const ids = this.scope(stack).activeResources();
    const result = await this.provision(
      stack,
      ids.map((id) => ({ id, action: 'Add' as const })),
      op,
    );
    if (result.failed.length === 0 && result.complete) {
      stack.outputs = this.outputsAfterSuccess(stack);
      this.stackStatus(stack, 'CREATE_COMPLETE', undefined, op);
      return { ok: true, realFailure: false };
    }
    const reason = CloudFormationEngine.failureSummary('create', result.failed);
    if (stack.parent || stack.disableRollback || op.isDeleteRequested) {
      this.stackStatus(stack, 'CREATE_FAILED', reason, op);
      return { ok: false, realFailure: result.realFailure };
    }
    await this.rollbackCreate(stack, `${reason}Rollback requested by user.`);
    return { ok: false, realFailure: result.realFailure };
  }

  private async rollbackCreate(stack: StackState, reason: string): Promise<void> {
    const rollback = new Operation();
    stack.operation = rollback;
    this.stackStatus(stack, 'ROLLBACK_IN_PROGRESS', reason, rollback);
    await this.world.sleep();
    const failed = await this.removeResources(stack, [...stack.resources.keys()], rollback);
    stack.outputs = {};
    if (failed.length > 0) {
      this.stackStatus(
        stack,
        'ROLLBACK_FAILED',
        CloudFormationEngine.failureSummary('delete', failed),
        rollback,
      );
    } else {
      this.stackStatus(stack, 'ROLLBACK_COMPLETE', undefined, rollback);
    }
  }

  /** The outputs after a successful create or update: the test's values for the root, else evaluated. */
  private outputsAfterSuccess(stack: StackState): Record<string, string> {
    const evaluated = this.scope(stack).outputs();
    if (stack.parent || !this.world.outputs) return evaluated;
    const out: Record<string, string> = {};
    for (const key of Object.keys(evaluated)) out[key] = this.world.outputs[key] ?? evaluated[key];
    return out;
  }

  // ---- update ------------------------------------------------------------------------------

  /** What changes between the stack's resources and `template`. */
  computeChanges(
    stack: StackState,
    template: CfnTemplate,
    parameters: Record<string, string>,
  ): { added: string[]; modified: string[]; removed: string[]; changedProperties: Map<string, string[]> } {
    const scope = this.scope(stack, template, parameters);
    const active = scope.activeResources();
    const existing = new Set(
      [...stack.resources.values()]
        .filter((r) => r.status !== 'DELETE_COMPLETE' && r.physicalId !== '')
        .map((r) => r.logicalId),
    );
    const added: string[] = [];
    const modified: string[] = [];
    const changedProperties = new Map<string, string[]>();
    for (const id of active) {
      if (!existing.has(id)) {
        added.push(id);
        continue;
      }
      const before = stack.resources.get(id)?.declared;
      const after = template.Resources[id];
      const props = new Set([
        ...Object.keys(before?.Properties ?? {}),
        ...Object.keys(after.Properties ?? {}),
      ]);
      const changed = [...props].filter(
        (p) => canonicalJson(before?.Properties?.[p]) !== canonicalJson(after.Properties?.[p]),
      );
      let isModified = canonicalJson(before) !== canonicalJson(after);
      const child = stack.resources.get(id)?.nestedStack;
      if (!isModified && after.Type === NESTED_STACK_TYPE && child) {
        const input = this.nestedInput(stack, id, template, parameters);
        if (typeof input !== 'string') {
          const params = this.withDefaults(input.template, input.parameters, child.parameters);
          isModified =
            canonicalJson(input.template) !== canonicalJson(child.template) ||
            canonicalJson(params) !== canonicalJson(child.parameters);
          if (isModified && changed.length === 0) changed.push('TemplateURL');
        }
      }
      if (isModified) {
        modified.push(id);
        changedProperties.set(id, changed);
      }
    }
    const removed = [...existing].filter((id) => !active.includes(id));
    return { added, modified, removed, changedProperties };
  }

  private async updateStack(
    stack: StackState,
    template: CfnTemplate,
    templateBody: string,
    parameters: Record<string, string>,
    op: Operation,
    onRollbackStart?: (reason: string) => void,
  ): Promise<StackOutcome> {
    const changes = this.computeChanges(stack, template, parameters);
    stack.pending = {
      previous: { template: stack.template, templateBody: stack.templateBody, parameters: stack.parameters },
      previousOutputs: stack.outputs,
      added: changes.added,
      modified: changes.modified,
      removed: changes.removed,
    };
    this.stackStatus(stack, 'UPDATE_IN_PROGRESS', stack.parent ? undefined : 'User Initiated', op);
    stack.template = template;
    stack.templateBody = templateBody;
    stack.parameters = parameters;
    stack.description = template.Description;
    await this.world.sleep();
    const order = Object.keys(template.Resources);
    const items = order
      .filter((id) => changes.added.includes(id) || changes.modified.includes(id))
      .map((id) => ({ id, action: changes.added.includes(id) ? ('Add' as const) : ('Modify' as const) }));
    const result = await this.provision(stack, items, op);
    if (result.failed.length === 0 && result.complete) {
      stack.outputs = this.outputsAfterSuccess(stack);
      this.stackStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', undefined, op);
      // Nested stacks clean up when their root does.
      if (!stack.parent) await this.cleanUpAfterUpdate(stack, op);
      return { ok: true, realFailure: false };
    }
    const createFailed = result.failed.filter((id) => changes.added.includes(id));
    const updateFailed = result.failed.filter((id) => !changes.added.includes(id));
    const reason =
      op.userCancelled && !result.realFailure
        ? 'Stack update cancelled'
        : `${createFailed.length > 0 ? CloudFormationEngine.failureSummary('create', createFailed) : ''}${
            updateFailed.length > 0 ? CloudFormationEngine.failureSummary('update', updateFailed) : ''
          }`;
    if (op.isDeleteRequested || (!stack.parent && stack.disableRollback)) {
      this.stackStatus(stack, 'UPDATE_FAILED', reason, op);
      return { ok: false, realFailure: result.realFailure };
    }
    onRollbackStart?.(reason);
    await this.rollbackUpdate(stack, reason);
    return { ok: false, realFailure: result.realFailure };
  }

  /** The cleanup phase of a successful update: removed resources deleted, nested stacks too. */
  private async cleanUpAfterUpdate(stack: StackState, op: Operation): Promise<void> {
    const pending = stack.pending;
    for (const id of pending?.modified ?? []) {
      const child = stack.resources.get(id)?.nestedStack;
      if (child?.status === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS') await this.cleanUpAfterUpdate(child, op);
    }
    await this.removeResources(stack, pending?.removed ?? [], op);
    stack.pending = undefined;
    this.stackStatus(stack, 'UPDATE_COMPLETE', undefined, op);
  }

  /** Reverts an update: template and parameters back, touched resources updated back, added ones deleted. */
  private async rollbackUpdate(stack: StackState, reason: string | undefined): Promise<void> {
    const rollback = new Operation();
    stack.operation = rollback;
    const pending = stack.pending;
    this.stackStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason, rollback);
    if (pending) {
      stack.template = pending.previous.template;
      stack.templateBody = pending.previous.templateBody;
      stack.parameters = pending.previous.parameters;
    }
    await this.world.sleep();
    for (const id of pending?.modified ?? []) {
      const resource = stack.resources.get(id);
      if (!resource || !/^UPDATE_(COMPLETE|FAILED|IN_PROGRESS)$/.test(resource.status)) continue;
      resource.declared = stack.template.Resources[id] ?? resource.declared;
      this.resourceEvent(stack, resource, 'UPDATE_IN_PROGRESS', undefined, rollback);
      const child = resource.nestedStack;
      if (child && child.status === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS') {
        await this.rollbackUpdate(child, undefined);
      }
      await this.world.sleep();
      this.resourceEvent(stack, resource, 'UPDATE_COMPLETE', undefined, rollback);
    }
    this.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', undefined, rollback);
    const added = (pending?.added ?? []).filter((id) => stack.resources.has(id));
    const failed = await this.removeResources(stack, added, rollback);
    stack.outputs = pending?.previousOutputs ?? stack.outputs;
    stack.pending = undefined;
    if (failed.length > 0) {
      this.stackStatus(
        stack,
        'UPDATE_ROLLBACK_FAILED',
        CloudFormationEngine.failureSummary('delete', failed),
        rollback,
      );
    } else {
      this.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE', undefined, rollback);
    }
  }

  // ---- delete ------------------------------------------------------------------------------

  private async deleteStack(stack: StackState, op: Operation): Promise<boolean> {
    this.stackStatus(stack, 'DELETE_IN_PROGRESS', stack.parent ? undefined : 'User Initiated', op);
    await this.world.sleep();
    const failed = await this.removeResources(stack, [...stack.resources.keys()], op);
    if (failed.length > 0) {
      this.stackStatus(stack, 'DELETE_FAILED', CloudFormationEngine.failureSummary('delete', failed), op);
      return false;
    }
    this.stackStatus(stack, 'DELETE_COMPLETE', undefined, op);
    stack.deletedAt = this.world.now();
    stack.changeSets.clear();
    if (this.byName.get(stack.name) === stack) this.byName.delete(stack.name);
    return true;
  }

  // ---- API operations ----------------------------------------------------------------------

  /** `DeleteStack`: cancels what runs, then deletes (a no-op for a stack that does not exist). */
  requestDelete(nameOrId: string, token?: string, retain: string[] = []): void {
    const stack = this.find(nameOrId);
    if (!stack?.live) return;
    if (stack.terminationProtection) {
      throw validationError(`Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`);
    }
    if (stack.status === 'DELETE_IN_PROGRESS') return;
    for (const id of retain) {
      const resource = stack.resources.get(id);
      if (resource) resource.declared = { ...resource.declared, DeletionPolicy: 'Retain' };
    }
    const current = stack.operation;
    const previous = stack.running;
    const op = new Operation(undefined, token);
    if (current) {
      current.deleteRequested = true;
      current.cancelled = true;
    }
    if (previous) {
      this.start(stack, op, async () => {
        await previous;
        await this.deleteStack(stack, op);
      });
    } else {
      this.start(stack, op, () => this.deleteStack(stack, op));
    }
  }

  /** `ExecuteChangeSet`. */
  execute(stack: StackState, changeSet: ChangeSetState, disableRollback: boolean, token?: string): void {
    if (changeSet.executionStatus !== 'AVAILABLE') {
      throw new AwsError(
        400,
        'InvalidChangeSetStatus',
        `ChangeSet [${changeSet.id}] cannot be executed in its current status of [${changeSet.status}]`,
      );
    }
    if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw validationError(`Stack:${stack.id} is in ${stack.status} state and can not be updated.`);
    }
    changeSet.executionStatus = 'EXECUTE_IN_PROGRESS';
    for (const [name, other] of stack.changeSets) if (other !== changeSet) stack.changeSets.delete(name);
    for (const nested of changeSet.nestedChangeSets) nested.executionStatus = 'EXECUTE_IN_PROGRESS';
    stack.disableRollback = disableRollback;
    stack.changeSetId = changeSet.id;
    stack.capabilities = changeSet.capabilities;
    stack.tags = changeSet.tags;
    const op = new Operation(undefined, token);
    const finish = (ok: boolean) => {
      changeSet.executionStatus = ok ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
      for (const nested of changeSet.nestedChangeSets) nested.executionStatus = changeSet.executionStatus;
    };
    if (changeSet.type === 'CREATE') {
      stack.template = changeSet.template;
      stack.templateBody = changeSet.templateBody;
      stack.parameters = changeSet.parameters;
      stack.description = changeSet.template.Description;
      this.start(stack, op, async () => finish((await this.createStack(stack, op)).ok));
    } else {
      this.start(stack, op, async () =>
        finish(
          (
            await this.updateStack(
              stack,
              changeSet.template,
              changeSet.templateBody,
              changeSet.parameters,
              op,
            )
          ).ok,
        ),
      );
    }
  }

  /** `CreateStack` (direct deployment, without a change set). */
  createDirect(
    name: string,
    template: CfnTemplate,
    body: string,
    parameters: Record<string, string>,
    disableRollback: boolean,
    capabilities: string[],
    token?: string,
  ): StackState {
    checkStackName(name);
    checkCapabilities(template, capabilities);
    const existing = this.find(name);
    if (existing) throw new AwsError(400, 'AlreadyExistsException', `Stack [${name}] already exists`);
    const stack = this.newStack(name);
    stack.template = template;
    stack.templateBody = body;
    stack.parameters = parameters;
    stack.description = template.Description;
    stack.disableRollback = disableRollback;
    stack.capabilities = capabilities;
    const op = new Operation(undefined, token);
    this.start(stack, op, () => this.createStack(stack, op));
    return stack;
  }

  /** `UpdateStack` (direct deployment, without a change set). */
  updateDirect(
    stack: StackState,
    template: CfnTemplate,
    body: string,
    parameters: Record<string, string>,
    disableRollback: boolean,
    token?: string,
  ): void {
    this.assertUpdatable(stack);
    const changes = this.computeChanges(stack, template, parameters);
    const same =
      changes.added.length + changes.modified.length + changes.removed.length === 0 &&
      canonicalJson(template) === canonicalJson(stack.template) &&
      canonicalJson(parameters) === canonicalJson(stack.parameters);
    if (same) throw validationError('No updates are to be performed.');
    stack.disableRollback = disableRollback;
    const op = new Operation(undefined, token);
    this.start(stack, op, () => this.updateStack(stack, template, body, parameters, op));
  }

  /** Throws AWS's error when a stack cannot be updated in its status. */
  assertUpdatable(stack: StackState): void {
    const ok = [
      'CREATE_COMPLETE',
      'UPDATE_COMPLETE',
      'UPDATE_ROLLBACK_COMPLETE',
      'IMPORT_COMPLETE',
      'IMPORT_ROLLBACK_COMPLETE',
    ];
    if (!ok.includes(stack.status)) {
      throw validationError(`Stack:${stack.id} is in ${stack.status} state and can not be updated.`);
    }
  }

  /** `CancelUpdateStack`. */
  cancelUpdate(stack: StackState): void {
    if (stack.status !== 'UPDATE_IN_PROGRESS' || !stack.operation) {
      throw validationError('CancelUpdateStack cannot be called from current stack status');
    }
    stack.operation.userCancelled = true;
    stack.operation.cancelled = true;
  }

  /** `ContinueUpdateRollback`: from `UPDATE_ROLLBACK_FAILED` to `UPDATE_ROLLBACK_COMPLETE`. */
  continueUpdateRollback(stack: StackState, skip: string[], token?: string): void {
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED') {
      throw validationError(
        `Stack ${stack.id} is in ${stack.status} state and can not continue update rollback.`,
      );
    }
    const op = new Operation(undefined, token);
    this.start(stack, op, async () => {
      this.stackStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', undefined, op);
      await this.world.sleep();
      for (const resource of stack.resources.values()) {
        if (!resource.status.endsWith('_FAILED')) continue;
        if (skip.includes(resource.logicalId)) {
          this.resourceEvent(stack, resource, 'UPDATE_COMPLETE', 'Resource skipped during rollback', op);
          continue;
        }
        this.resourceEvent(stack, resource, 'UPDATE_IN_PROGRESS', undefined, op);
        await this.world.sleep();
        this.resourceEvent(stack, resource, 'UPDATE_COMPLETE', undefined, op);
      }
      this.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', undefined, op);
      await this.world.sleep();
      this.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE', undefined, op);
    });
  }

  /** `RollbackStack`: rolls back a stack left `CREATE_FAILED` or `UPDATE_FAILED` (rollback disabled). */
  rollback(stack: StackState, token?: string): void {
    const op = new Operation(undefined, token);
    if (stack.status === 'CREATE_FAILED') {
      this.start(stack, op, () => this.rollbackCreate(stack, 'Rollback requested by user.'));
    } else if (stack.status === 'UPDATE_FAILED') {
      this.start(stack, op, () => this.rollbackUpdate(stack, 'Rollback requested by user.'));
    } else {
      throw validationError(`Stack ${stack.id} is in ${stack.status} state and can not be rolled back.`);
    }
  }

  /** A change set by name (with its stack) or ARN. */
  findChangeSet(nameOrId: string, stackNameOrId?: string): { stack: StackState; changeSet?: ChangeSetState } {
    if (nameOrId.startsWith('arn:')) {
      for (const stack of this.stacks.values()) {
        for (const changeSet of stack.changeSets.values()) {
          if (changeSet.id === nameOrId) return { stack, changeSet };
        }
      }
      const detached = this.detachedChangeSets.get(nameOrId);
      const owner = detached && this.stacks.get(detached.stackId);
      if (detached && owner) return { stack: owner, changeSet: detached };
      if (!stackNameOrId)
        throw new AwsError(404, 'ChangeSetNotFound', `ChangeSet [${nameOrId}] does not exist`);
    }
    if (!stackNameOrId)
      throw validationError('StackName must be specified if ChangeSetName is not specified as an ARN.');
    const stack = this.find(stackNameOrId);
    if (!stack) throw validationError(`Stack [${stackNameOrId}] does not exist`);
    const byName = stack.changeSets.get(nameOrId);
    if (byName) return { stack, changeSet: byName };
    const byId = [...stack.changeSets.values()].find((cs) => cs.id === nameOrId);
    return { stack, changeSet: byId };
  }

  /**
   * `CreateChangeSet`: validates like AWS, creates the stack in `REVIEW_IN_PROGRESS` for a
   * `CREATE` change set, and computes the changes at once (the change set is `CREATE_COMPLETE`, or
   * `FAILED` with AWS's reason when nothing changed).
   */
  createChangeSet(request: {
    stackName: string;
    changeSetName: string;
    type: 'CREATE' | 'UPDATE' | 'IMPORT';
    template: CfnTemplate;
    templateBody: string;
    parameters: Record<string, string | { usePrevious: true }>;
    capabilities: string[];
    tags: { Key: string; Value: string }[];
    description?: string;
    includeNestedStacks: boolean;
  }): ChangeSetState {
    // The change set name's pattern is checked from the API model (request-validation.ts).
    checkStackName(request.stackName);
    checkCapabilities(request.template, request.capabilities);
    let stack = this.find(request.stackName);
    if (request.type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw new AwsError(
          400,
          'AlreadyExistsException',
          `Stack [${request.stackName}] already exists and cannot be created again with the changeSet [${request.changeSetName}].`,
        );
      }
      if (!stack) {
        stack = this.newStack(request.stackName);
        this.stackStatus(stack, 'REVIEW_IN_PROGRESS', 'User Initiated', new Operation());
      }
    } else {
      if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
        throw validationError(`Stack [${request.stackName}] does not exist`);
      }
      this.assertUpdatable(stack);
    }
    if (stack.changeSets.has(request.changeSetName)) {
      throw new AwsError(
        400,
        'AlreadyExistsException',
        `ChangeSet [${request.changeSetName}] already exists`,
      );
    }
    const parameters = this.resolveParameters(
      request.template,
      request.parameters,
      request.type === 'CREATE' ? {} : stack.parameters,
    );
    return this.buildChangeSet(stack, { ...request, parameters });
  }

  private buildChangeSet(
    stack: StackState,
    request: {
      changeSetName: string;
      type: 'CREATE' | 'UPDATE' | 'IMPORT';
      template: CfnTemplate;
      templateBody: string;
      parameters: Record<string, string>;
      capabilities: string[];
      tags: { Key: string; Value: string }[];
      description?: string;
      includeNestedStacks: boolean;
    },
    parent?: ChangeSetState,
  ): ChangeSetState {
    const id = this.world.arn('cloudformation', `changeSet/${request.changeSetName}/${randomUUID()}`);
    const diff = this.computeChanges(stack, request.template, request.parameters);
    const nestedChangeSets: ChangeSetState[] = [];
    const changes: MockChange[] = [];
    const root = parent?.rootChangeSetId ?? parent?.id;
    const pending: ChangeSetState = {
      id,
      name: request.changeSetName,
      type: request.type,
      status: 'CREATE_COMPLETE',
      executionStatus: 'AVAILABLE',
      template: request.template,
      templateBody: request.templateBody,
      parameters: request.parameters,
      changes,
      created: this.world.now(),
      description: request.description,
      includeNestedStacks: request.includeNestedStacks,
      capabilities: request.capabilities,
      tags: request.tags,
      parentChangeSetId: parent?.id,
      rootChangeSetId: root,
      stackId: stack.id,
      nestedChangeSets,
    };
    for (const logicalId of Object.keys(request.template.Resources)) {
      const type = request.template.Resources[logicalId].Type;
      if (diff.added.includes(logicalId)) {
        changes.push({
          Action: 'Add',
          LogicalResourceId: logicalId,
          ResourceType: type,
          Scope: [],
          changedProperties: [],
        });
      } else if (diff.modified.includes(logicalId)) {
        const resource = stack.resources.get(logicalId);
        let nestedId: string | undefined;
        const child = resource?.nestedStack;
        if (request.includeNestedStacks && child && type === NESTED_STACK_TYPE) {
          const input = this.nestedInput(stack, logicalId, request.template, request.parameters);
          if (typeof input !== 'string') {
            const nested = this.buildChangeSet(
              child,
              {
                ...request,
                changeSetName: `${stack.name}-${logicalId}-${suffix()}`.slice(0, 128),
                type: 'UPDATE',
                template: input.template,
                templateBody: input.body,
                parameters: this.withDefaults(input.template, input.parameters, child.parameters),
              },
              pending,
            );
            nestedChangeSets.push(nested, ...nested.nestedChangeSets);
            nestedId = nested.id;
          }
        }
        changes.push({
          Action: 'Modify',
          LogicalResourceId: logicalId,
          ResourceType: type,
          PhysicalResourceId: resource?.physicalId,
          Replacement: 'False',
          Scope: ['Properties'],
          changedProperties: diff.changedProperties.get(logicalId) ?? [],
          ChangeSetId: nestedId,
        });
      }
    }
    for (const logicalId of diff.removed) {
      const resource = stack.resources.get(logicalId);
      changes.push({
        Action: 'Remove',
        LogicalResourceId: logicalId,
        ResourceType: resource?.type ?? '',
        PhysicalResourceId: resource?.physicalId,
        Scope: [],
        changedProperties: [],
      });
    }
    const unchanged =
      request.type === 'UPDATE' &&
      changes.length === 0 &&
      canonicalJson(request.template) === canonicalJson(stack.template) &&
      canonicalJson(request.parameters) === canonicalJson(stack.parameters) &&
      canonicalJson(request.tags) === canonicalJson(stack.tags);
    if (unchanged) {
      pending.status = 'FAILED';
      pending.executionStatus = 'UNAVAILABLE';
      pending.statusReason =
        "The submitted information didn't contain changes. Submit different information to create a change set.";
    }
    stack.changeSets.set(pending.name, pending);
    return pending;
  }

  /** `DeleteChangeSet` (a change set that does not exist is fine, as on AWS). */
  deleteChangeSet(stack: StackState, changeSet: ChangeSetState | undefined): void {
    if (!changeSet) return;
    if (changeSet.executionStatus === 'EXECUTE_IN_PROGRESS') {
      throw new AwsError(
        400,
        'InvalidChangeSetStatus',
        `Cannot delete ChangeSet in status ${changeSet.executionStatus}`,
      );
    }
    stack.changeSets.delete(changeSet.name);
    for (const nested of changeSet.nestedChangeSets) {
      for (const candidate of this.stacks.values()) {
        if (candidate.changeSets.get(nested.name) === nested) candidate.changeSets.delete(nested.name);
      }
      // The toolkit describes nested change sets after deleting the root one (diff), so they stay
      // describable by ARN.
      this.detachedChangeSets.set(nested.id, nested);
    }
  }

  /** Parameter values for a template: given, else previous (`UsePreviousValue`), else default. */
  resolveParameters(
    template: CfnTemplate,
    given: Record<string, string | { usePrevious: true }>,
    previous: Record<string, string>,
  ): Record<string, string> {
    const declared = template.Parameters ?? {};
    const unknown = Object.keys(given).filter((name) => !Object.hasOwn(declared, name));
    if (unknown.length > 0)
      throw validationError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
    const out: Record<string, string> = {};
    const missing: string[] = [];
    for (const [name, parameter] of Object.entries(declared)) {
      const value = given[name];
      if (typeof value === 'string') out[name] = value;
      else if (value?.usePrevious && previous[name] !== undefined) out[name] = previous[name];
      else if (parameter.Default !== undefined)
        out[name] = asParameterString(parameter.Default as PlainValue);
      else missing.push(name);
    }
    if (missing.length > 0) throw validationError(`Parameters: [${missing.join(', ')}] must have values`);
    for (const [name, value] of Object.entries(out)) {
      const refusal = parameterValueError(name, declared[name] as ParameterDeclaration, value);
      if (refusal) throw validationError(refusal);
    }
    return out;
  }

  /** Waits until no operation runs on any stack. */
  async settled(): Promise<void> {
    for (;;) {
      const running = [...this.stacks.values()].map((s) => s.running).filter((r) => r !== undefined);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Parses a `TemplateBody`/`TemplateURL`/`UsePreviousTemplate` request. */
  templateOf(input: Record<string, unknown>, stack?: StackState): { template: CfnTemplate; body: string } {
    if (typeof input.TemplateBody === 'string') {
      checkInlineTemplateSize(input.TemplateBody);
      checkResourceCountOfBody(input.TemplateBody);
      return { template: checkTemplate(parseTemplateText(input.TemplateBody)), body: input.TemplateBody };
    }
    if (typeof input.TemplateURL === 'string') return this.readTemplateUrl(input.TemplateURL);
    if (input.UsePreviousTemplate === 'true' && stack)
      return { template: stack.template, body: stack.templateBody };
    throw validationError('Either Template URL or Template Body must be specified.');
  }
}
