import { CfnOutput, CfnParameter, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import { SeedNamedNestedStack } from './seed-named-stack.js';

/**
 * How a pattern lays its parts out in CloudFormation.
 * - `nested`: a parent stack with one nested stack per concern (`VpcStack`, `ClusterStack`,
 *   `ServiceStack`, `ApiGatewayStack`), wired with parameters and outputs named as in the seeds.
 * - `flat`: every resource in the stack that holds the pattern.
 */
export type StackLayout = 'nested' | 'flat';

/** A value one part publishes for others: a string, or a list (published comma-separated). */
type Published = { readonly value: string } | { readonly list: string[] };

/** The description and CloudFormation type of a value passed between parts. */
export interface PassedValue {
  readonly description: string;
  /** `String` (default) or `List<AWS::EC2::Subnet::Id>`. */
  readonly list?: boolean;
}

/**
 * Places the parts of a pattern (network, cluster, service, ingress) in nested stacks or in one
 * stack, and passes values between them: in the nested layout as an output of the producer,
 * `Fn::GetAtt Producer.Outputs.Name` in the parent and a parameter of the consumer, exactly as
 * the seeds' `parent.yml` does; in the flat layout as the value itself.
 */
export class StackLayoutPlan {
  private readonly published = new Map<Construct, Map<string, Published>>();

  constructor(
    private readonly owner: Construct,
    readonly layout: StackLayout,
  ) {}

  /** The scope a part's constructs go in: a new nested stack named `stackId`, or the owner. */
  part(stackId: string, description: string): Construct {
    if (this.layout === 'flat') return this.owner;
    const parent = Stack.of(this.owner);
    const taken = parent.node
      .findAll()
      .find(
        (c) =>
          c instanceof SeedNamedNestedStack &&
          c.node.id === stackId &&
          Stack.of(c.node.scope as Construct) === parent,
      );
    if (taken) {
      throw new PropsValidationError(
        this.owner.node.path,
        'layout',
        `stack ${parent.node.path} already holds a nested-layout pattern (${taken.node.path}); its nested stacks use fixed logical ids such as ${stackId}. Put each pattern in its own stack, or use layout: 'flat'.`,
      );
    }
    const stack = new SeedNamedNestedStack(this.owner, stackId);
    stack.templateOptions.description = description;
    return stack;
  }

  /** Publishes a part's values (as outputs of its nested stack in the nested layout). */
  publish(
    part: Construct,
    values: Record<string, string | string[]>,
    descriptions: Record<string, string>,
  ): void {
    const table = this.published.get(part) ?? new Map<string, Published>();
    this.published.set(part, table);
    for (const [name, value] of Object.entries(values)) {
      table.set(name, Array.isArray(value) ? { list: value } : { value });
      if (this.layout === 'nested' && isNestedStack(part)) {
        const outputs =
          (part.node.tryFindChild('Outputs') as Construct | undefined) ?? new Construct(part, 'Outputs');
        new CfnOutput(outputs, name, {
          value: Array.isArray(value) ? joinList(value) : value,
          description: descriptions[name],
        });
      }
    }
  }

  /**
   * A string value published by `producer` as `name`, made available in `consumer` (in the nested
   * layout as the parameter `parameterName`, by default `name`: give another one when a consumer
   * imports the same output name from several producers, e.g. one per service).
   */
  importValue(
    consumer: Construct,
    producer: Construct,
    name: string,
    description: string,
    parameterName: string = name,
  ): string {
    const published = this.lookup(producer, name);
    if (this.layout === 'flat' || consumer === producer) return asString(published);
    return this.wire(consumer, producer, name, { description }, parameterName).valueAsString;
  }

  /** A list value (e.g. subnet ids) published by `producer`, made available in `consumer`. */
  importList(consumer: Construct, producer: Construct, name: string, description: string): string[] {
    const published = this.lookup(producer, name);
    if (this.layout === 'flat' || consumer === producer) {
      if ('list' in published) return published.list;
      throw new Error(`internal: ${name} was published as a string, not a list`);
    }
    return this.wire(consumer, producer, name, { description, list: true }).valueAsList;
  }

  /**
   * Publishes a value of `producer` as an output of the pattern's own (parent) stack and returns
   * it as that stack sees it. In the nested layout the output keeps its plain name (e.g.
   * `ApiGatewayUri`, as the seeds' parent.yml); in the flat layout CDK names it.
   */
  outputInParent(producer: Construct, name: string, description: string): string {
    const published = this.lookup(producer, name);
    let value = asString(published);
    if (this.layout === 'nested' && isNestedStack(producer)) {
      const resource = producer.nestedStackResource;
      if (!resource) throw new Error(`internal: ${producer.node.path} is not a nested stack`);
      value = resource.getAtt(`Outputs.${name}`).toString();
    }
    const output = new CfnOutput(this.owner, name, { value, description });
    if (this.layout === 'nested') output.overrideLogicalId(name);
    return value;
  }

  private wire(
    consumer: Construct,
    producer: Construct,
    name: string,
    passed: PassedValue,
    parameterName: string = name,
  ): CfnParameter {
    const existing = consumer.node.tryFindChild(parameterName);
    if (existing instanceof CfnParameter) return existing;
    const parameter = new CfnParameter(consumer, parameterName, {
      type: passed.list ? 'List<AWS::EC2::Subnet::Id>' : 'String',
      description: passed.description,
    });
    const consumerStack = consumer as SeedNamedNestedStack;
    if (isNestedStack(producer)) {
      const resource = producer.nestedStackResource;
      if (!resource) throw new Error(`internal: ${producer.node.path} has no stack resource`);
      consumerStack.setParameter(parameterName, resource.getAtt(`Outputs.${name}`).toString());
    } else {
      // A part without its own stack (an existing VPC): pass its values as they are.
      const published = this.lookup(producer, name);
      consumerStack.setParameter(parameterName, asString(published));
    }
    return parameter;
  }

  private lookup(producer: Construct, name: string): Published {
    const found = this.published.get(producer)?.get(name);
    if (!found) throw new Error(`internal: ${producer.node.path} did not publish ${name}`);
    return found;
  }
}

/** A published value as one string (lists comma-separated, as CloudFormation passes them). */
function asString(published: Published): string {
  return 'value' in published ? published.value : joinList(published.list);
}

function isNestedStack(scope: Construct): scope is NestedStack {
  return NestedStack.isNestedStack(scope);
}

function joinList(list: string[]): string {
  // Fn.join of literals folds to a literal; of tokens, renders Fn::Join.
  return Fn.join(',', list);
}
