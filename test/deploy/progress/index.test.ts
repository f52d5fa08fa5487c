import { describe, expect, it } from 'vitest';
import {
  circuitBreakerScenario,
  createProgressRenderer,
  DeployProgressModel,
  JsonRenderer,
  LiveRenderer,
  LogRenderer,
  type ProgressOutput,
  ROOT,
  renderScenarioFrame,
  renderSummary,
  replayScenario,
  SCENARIO_START,
  StackEventScript,
} from '../../../src/deploy/progress/index.js';

describe('createProgressRenderer', () => {
  // process.stdout and process.stderr are outputs as they are.
  const stdout: ProgressOutput = process.stdout;

  it('picks JSON lines for --json, the live view on a TTY, and the log otherwise', () => {
    const model = new DeployProgressModel();
    const sink = { write() {} };
    const renderers = [
      createProgressRenderer(model, { ...sink, isTTY: true }, { json: true }),
      createProgressRenderer(model, { ...sink, isTTY: true, columns: 80 }),
      createProgressRenderer(model, { ...sink, isTTY: false }),
      createProgressRenderer(model, sink),
      createProgressRenderer(model, sink, { live: true }),
    ];
    expect(renderers.map((r) => r.constructor)).toEqual([
      JsonRenderer,
      LiveRenderer,
      LogRenderer,
      LogRenderer,
      LiveRenderer,
    ]);
    for (const renderer of renderers) renderer.stop();
    expect(stdout.write).toBeTypeOf('function');
  });

  it('passes color: false to the live view', () => {
    const model = new DeployProgressModel();
    let text = '';
    const renderer = createProgressRenderer(
      model,
      { write: (s) => (text += s), isTTY: true },
      { color: false },
    );
    model.stackStarted({ stackName: ROOT, isUpdate: false, operation: 'deploy' });
    renderer.stop();
    expect(text).toContain('Deploying MyApp');
    expect(text).not.toContain('\u001b[1m');
  });
});

describe('an update that fails and rolls back', () => {
  it('flags the UPDATE_FAILED resource, shows the stack rollback as a warning, and summarizes the failure', () => {
    let time = SCENARIO_START.getTime();
    const model = new DeployProgressModel({ now: () => time });
    const s = new StackEventScript(SCENARIO_START);
    s.started(0, { stackName: ROOT, isUpdate: true, resourcesTotal: 1, operation: 'deploy' });
    s.stack(1, ROOT, 'UPDATE_IN_PROGRESS', 'User Initiated');
    s.resource(3, ROOT, 'TaskDefinition', 'AWS::ECS::TaskDefinition', 'UPDATE_IN_PROGRESS', {
      physicalId: 'td:1',
    });
    s.resource(5, ROOT, 'TaskDefinition', 'AWS::ECS::TaskDefinition', 'UPDATE_FAILED', {
      physicalId: 'td:1',
      reason:
        'Resource handler returned message: "Invalid request provided: Create TaskDefinition: No Fargate configuration exists for given values: 256 CPU, 4096 memory."',
    });
    s.stack(
      6,
      ROOT,
      'UPDATE_ROLLBACK_IN_PROGRESS',
      'The following resource(s) failed to update: [TaskDefinition].',
    );
    s.resource(8, ROOT, 'TaskDefinition', 'AWS::ECS::TaskDefinition', 'UPDATE_COMPLETE', {
      physicalId: 'td:1',
    });
    s.stack(9, ROOT, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    s.stack(10, ROOT, 'UPDATE_ROLLBACK_COMPLETE');
    s.finished(11, { stackName: ROOT, ok: false });
    replayScenario(model, s.build('update rollback'), { setTime: (ms) => (time = ms) });

    const root = model.view().stacks[0];
    expect(root?.severity).toBe('rollback');
    expect(root?.resources[0]).toMatchObject({ status: 'UPDATE_COMPLETE', severity: 'failed' });
    expect(renderSummary(model)).toBe(
      [
        'Update of MyApp failed after 11s (UPDATE_ROLLBACK_COMPLETE).',
        '',
        '1 resource failed:',
        '  MyApp/TaskDefinition  ECS::TaskDefinition  UPDATE_FAILED',
        '    Resource handler returned message: "Invalid request provided: Create TaskDefinition: No Fargate configuration exists for given values: 256 CPU, 4096 memory."',
        '',
      ].join('\n'),
    );
  });
});

describe('renderScenarioFrame (for the README screenshot)', () => {
  it('draws the live view of a scenario at a given second', () => {
    const frame = renderScenarioFrame(circuitBreakerScenario(), { at: 150, columns: 100, color: false });
    const lines = frame.split('\n').slice(0, -1);
    expect(lines[0]).toBe('⠋ Deploying MyApp  CREATE_IN_PROGRESS  1/2 resources  2m30s');
    expect(lines).toContain(
      '        tasks 0/2 running, 1 pending · rollout IN_PROGRESS · circuit breaker 2/3 failed',
    );
    expect(lines).toHaveLength(19);
    expect(renderScenarioFrame(circuitBreakerScenario(), { at: 150, columns: 100 })).toContain('\u001b[33m');
    expect(renderScenarioFrame(circuitBreakerScenario(), { at: 150, rows: 8 }).split('\n').length - 1).toBe(
      7,
    );
  });
});
