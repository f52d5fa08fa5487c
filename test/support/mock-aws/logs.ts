/**
 * Mocked CloudWatch Logs (awsJson1_1): the log lines of the stopped tasks in the tests' ECS
 * records, in streams named `<streamPrefix>/<containerName>/<taskId>` as the awslogs driver
 * names them.
 */

import type { CloudFormationEngine } from './cloudformation.js';
import { ecsServices, logSettings, tasksOf } from './ecs.js';
import { type Action, AwsError } from './protocol.js';
import type { MockWorld } from './world.js';

interface Stream {
  readonly group: string;
  readonly name: string;
  readonly lines: string[];
  readonly start: number;
}

function streams(world: MockWorld, engine: CloudFormationEngine): Stream[] {
  const out: Stream[] = [];
  for (const service of ecsServices(world, engine)) {
    const { group, prefix, container } = logSettings(service);
    if (!group) continue;
    for (const task of tasksOf(world, service)) {
      if (!task.stopped?.logLines) continue;
      const name = [prefix, container, task.id].filter((part) => part !== undefined).join('/');
      out.push({ group, name, lines: task.stopped.logLines, start: service.created.getTime() });
    }
  }
  return out;
}

function events(stream: Stream) {
  return stream.lines.map((message, i) => ({
    timestamp: stream.start + i * 1000,
    message,
    ingestionTime: stream.start + i * 1000 + 100,
    logStreamName: stream.name,
    eventId: `${i}`,
  }));
}

function groupExists(world: MockWorld, engine: CloudFormationEngine, group: string): boolean {
  if (streams(world, engine).some((s) => s.group === group)) return true;
  return engine
    .liveStacks()
    .some((stack) =>
      [...stack.resources.values()].some((r) => r.type === 'AWS::Logs::LogGroup' && r.physicalId === group),
    );
}

/** The CloudWatch Logs actions. */
export function logsActions(world: MockWorld, engine: CloudFormationEngine): Record<string, Action> {
  const requireGroup = (group: string) => {
    if (!groupExists(world, engine, group)) {
      throw new AwsError(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    }
  };
  return {
    GetLogEvents(input) {
      const group = String(input.logGroupName ?? '');
      requireGroup(group);
      const stream = streams(world, engine).find((s) => s.group === group && s.name === input.logStreamName);
      if (!stream)
        throw new AwsError(400, 'ResourceNotFoundException', 'The specified log stream does not exist.');
      let all = events(stream);
      if (typeof input.limit === 'number') {
        all = input.startFromHead === true ? all.slice(0, input.limit) : all.slice(-input.limit);
      }
      return {
        events: all.map(({ timestamp, message, ingestionTime }) => ({ timestamp, message, ingestionTime })),
        nextForwardToken: `f/${stream.lines.length}`,
        nextBackwardToken: 'b/0',
      };
    },
    FilterLogEvents(input) {
      const group = String(input.logGroupName ?? '');
      requireGroup(group);
      const names = input.logStreamNames as string[] | undefined;
      const prefix = input.logStreamNamePrefix as string | undefined;
      const found = streams(world, engine)
        .filter((s) => s.group === group)
        .filter((s) => !names || names.includes(s.name))
        .filter((s) => !prefix || s.name.startsWith(prefix))
        .flatMap(events);
      return { events: found, searchedLogStreams: [] };
    },
    DescribeLogStreams(input) {
      const group = String(input.logGroupName ?? '');
      requireGroup(group);
      const prefix = input.logStreamNamePrefix as string | undefined;
      return {
        logStreams: streams(world, engine)
          .filter((s) => s.group === group && (!prefix || s.name.startsWith(prefix)))
          .map((s) => ({
            logStreamName: s.name,
            creationTime: s.start,
            firstEventTimestamp: s.start,
            lastEventTimestamp: s.start + (s.lines.length - 1) * 1000,
            arn: world.arn('logs', `log-group:${s.group}:log-stream:${s.name}`),
          })),
      };
    },
  };
}
