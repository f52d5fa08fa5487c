import { describe, expect, it } from 'vitest';
import { ansiToScreen } from '../../../scripts/terminal-svg.js';
import {
  circuitBreakerScenario,
  DeployProgressModel,
  destroyDeleteFailedScenario,
  LiveRenderer,
  type LiveRendererOptions,
  nestedFailureRollbackScenario,
  type ProgressScenario,
  ROOT,
  replayScenario,
  SPINNER_FRAMES,
  successfulCreateScenario,
} from '../../../src/deploy/progress/index.js';
import { ManualClock } from '../../../src/local/clock.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes
const SGR = /\u001b\[[0-9;]*m/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escapes
const ANY_ESCAPE = /\u001b\[[0-9;?]*[A-Za-z]/g;

interface Terminal {
  readonly writes: string[];
  columns?: number;
  rows?: number;
}

/** A live renderer on a fake terminal, with a fake clock that both the model and the renderer use. */
function liveSetup(
  scenario: ProgressScenario,
  terminal: { columns?: number; rows?: number } = {},
  options: LiveRendererOptions = {},
) {
  const clock = new ManualClock(scenario.start.getTime());
  let scriptTime = scenario.start.getTime();
  const model = new DeployProgressModel({ now: () => Math.max(scriptTime, clock.now()) });
  const out: Terminal & { write(s: string): void; isTTY: boolean } = {
    writes: [],
    isTTY: true,
    ...terminal,
    write(s: string) {
      this.writes.push(s);
    },
  };
  const live = new LiveRenderer(model, out, { scheduler: clock, ...options });
  let replayed: number | undefined;
  /** Feeds the scenario's next steps, up to `until` seconds. */
  const replay = (until?: number) => {
    replayScenario(model, scenario, {
      after: replayed,
      until,
      setTime: (ms) => {
        scriptTime = ms;
      },
    });
    replayed = until ?? Number.POSITIVE_INFINITY;
  };
  return { clock, model, out, live, replay };
}

/** The lines of the last frame, escape codes removed. */
function lastFrame(writes: readonly string[]): string[] {
  const frame = writes.at(-1) ?? '';
  return frame.replace(ANY_ESCAPE, '').replace(/^\r/, '').split('\n').slice(0, -1);
}

/** What the terminal shows after all writes: played on a screen model. */
function screen(writes: readonly string[], columns?: number): string[] {
  return ansiToScreen(writes.join(''), columns).map((cells) =>
    cells
      .map((c) => c.ch)
      .join('')
      .trimEnd(),
  );
}

describe('LiveRenderer: the in-place terminal view', () => {
  it('shows every resource with type, status and elapsed time, nested stacks indented, and the ECS rollout', () => {
    const { live, out, replay } = liveSetup(circuitBreakerScenario(), { columns: 100 }, { color: false });
    replay(150);
    live.stop();
    expect(lastFrame(out.writes)).toEqual([
      '⠙ Deploying MyApp  CREATE_IN_PROGRESS  1/2 resources  2m07s',
      '  ✔ VpcStack           CloudFormation::Stack  CREATE_COMPLETE       26s  3/3',
      '    ✔ Vpc              EC2::VPC               CREATE_COMPLETE       12s',
      '    ✔ InternetGateway  EC2::InternetGateway   CREATE_COMPLETE       15s',
      '    ✔ PublicSubnet1    EC2::Subnet            CREATE_COMPLETE        5s',
      '  ⠙ ServiceStack       CloudFormation::Stack  CREATE_IN_PROGRESS  1m35s  3/4',
      '    ✔ LogGroup         Logs::LogGroup         CREATE_COMPLETE        2s',
      '    ✔ TaskRole         IAM::Role              CREATE_COMPLETE       17s',
      '    ✔ TaskDefinition   ECS::TaskDefinition    CREATE_COMPLETE        2s',
      '    ⠙ Service          ECS::Service           CREATE_IN_PROGRESS  1m11s',
      '        tasks 0/2 running, 1 pending · rollout IN_PROGRESS · circuit breaker 2/3 failed',
      '        ✗ task 9e8d7c6b  Essential container in task exited (exit 1)',
      '          │ > node dist/server.js',
      '          │ listening on :8080',
      '          │ Error: connect ECONNREFUSED 10.0.3.17:5432',
      '          │     at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
      '          │ fatal: database unreachable, exiting',
      '        ✗ task 4c1f2a9e  Essential container in task exited (exit 1)',
      '          │ (same log lines as task 9e8d7c6b)',
    ]);
  });

  it('flags a failed resource with its reason through the rollback, marks the cancelled one, and shows the nested stack rolling back', () => {
    const { live, out, replay } = liveSetup(
      nestedFailureRollbackScenario(),
      { columns: 100 },
      { color: false },
    );
    replay(61);
    live.stop();
    expect(lastFrame(out.writes)).toEqual([
      '⠙ Deploying MyApp  CREATE_IN_PROGRESS  1/2 resources  1m01s',
      '  ✔ VpcStack           CloudFormation::Stack  CREATE_COMPLETE     26s  3/3',
      '    ✔ Vpc              EC2::VPC               CREATE_COMPLETE     12s',
      '    ✔ InternetGateway  EC2::InternetGateway   CREATE_COMPLETE     15s',
      '    ✔ PublicSubnet1    EC2::Subnet            CREATE_COMPLETE      5s',
      '  ⠙ ServiceStack       CloudFormation::Stack  CREATE_IN_PROGRESS  29s  3/4 · ROLLBACK_IN_PROGRESS',
      '    ✔ TaskRole         IAM::Role              CREATE_COMPLETE     17s',
      '    ✗ LogGroup         Logs::LogGroup         CREATE_FAILED       24s  cancelled',
      '    ✔ TaskDefinition   ECS::TaskDefinition    CREATE_COMPLETE      2s',
      '    ✗ Service          ECS::Service           DELETE_IN_PROGRESS   5s',
      '        ↳ CREATE_FAILED: Resource handler returned message: "Invalid request provided: CreateService',
      '          error: The target group with targetGroupArn',
      '          arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/MyApp-Targets/6d0ecf831ee…',
    ]);
  });

  it('ends a failed destroy with the stack reason and every DELETE_FAILED resource in red', () => {
    const { live, out, replay } = liveSetup(destroyDeleteFailedScenario(), { columns: 120 });
    replay();
    live.stop();
    const frame = out.writes.at(-1) ?? '';
    expect(frame).toContain('\u001b[31m✗\u001b[0m Destroy of ');
    expect(frame).toContain('\u001b[31mDELETE_FAILED  \u001b[0m');
    expect(frame).toContain(
      "\u001b[31mResource handler returned message: \"The vpc 'vpc-0a1b2c3d4e5f67890' has dependencies",
    );
    expect(lastFrame(out.writes).slice(0, 2)).toEqual([
      '✗ Destroy of MyApp failed  DELETE_FAILED  2/2 resources  57s',
      '  ↳ The following resource(s) failed to delete: [VpcStack].',
    ]);
  });

  it('colours complete rows green, in-progress yellow and elapsed times dim; color: false writes no SGR codes', () => {
    const colored = liveSetup(successfulCreateScenario(), { columns: 120 });
    colored.replay(60);
    colored.live.stop();
    const frame = colored.out.writes.at(-1) ?? '';
    expect(frame).toContain('\u001b[32m✔\u001b[0m VpcStack');
    expect(frame).toContain('\u001b[33mCREATE_IN_PROGRESS\u001b[0m');
    expect(frame).toContain('\u001b[2m26s\u001b[0m');

    const plain = liveSetup(successfulCreateScenario(), { columns: 120 }, { color: false });
    plain.replay(60);
    plain.live.stop();
    expect(plain.out.writes.join('')).not.toMatch(SGR);
    expect(lastFrame(plain.out.writes)).toEqual(lastFrame(colored.out.writes));
  });

  it('redraws in place: cursor up over the previous frame, each line cleared, the rest of the screen cleared', () => {
    const { live, out, clock, model } = liveSetup(
      successfulCreateScenario(),
      { columns: 100 },
      { color: false },
    );
    model.stackStarted({ stackName: ROOT, isUpdate: false, resourcesTotal: 2, operation: 'deploy' });
    expect(out.writes).toEqual(['\u001b[2K⠋ Deploying MyApp  0/2 resources  0s\n\u001b[J']);
    return clock.advance(100).then(() => {
      expect(out.writes[1]).toBe('\r\u001b[1A\u001b[2K⠙ Deploying MyApp  0/2 resources  0s\n\u001b[J');
      live.stop();
    });
  });

  it('leaves only the latest frame on the screen, even when the view gets shorter', async () => {
    const { live, out, replay, clock } = liveSetup(
      successfulCreateScenario(),
      { columns: 100, rows: 8 },
      { color: false },
    );
    replay(60);
    await clock.advance(100);
    replay();
    live.stop();
    expect(screen(out.writes, 100)).toEqual([
      '✔ Deployed MyApp  CREATE_COMPLETE  2/2 resources  2m05s',
      '  … 9 resources complete',
    ]);
  });

  it('draws at most one frame per 100 ms however many events arrive, and keeps the spinner moving in between', async () => {
    const { live, out, replay, clock } = liveSetup(
      successfulCreateScenario(),
      { columns: 100 },
      { color: false },
    );
    replay(60); // ~40 inputs at the same instant of the renderer's clock
    expect(out.writes).toHaveLength(1);
    await clock.advance(50);
    expect(out.writes).toHaveLength(1);
    await clock.advance(50);
    expect(out.writes).toHaveLength(2);
    await clock.advance(1000);
    expect(out.writes).toHaveLength(12);
    const spinners = out.writes.map((w) => lastFrame([w])[0]?.charAt(0));
    expect(new Set(spinners).size).toBe(SPINNER_FRAMES.length);
    live.stop();
    expect(out.writes).toHaveLength(13);
    expect(clock.pending).toBe(0);
  });

  it('draws a final frame on stop() and nothing after it', () => {
    const { live, out, replay, model } = liveSetup(
      successfulCreateScenario(),
      { columns: 100 },
      { color: false },
    );
    replay(60);
    live.stop();
    live.stop();
    const count = out.writes.length;
    model.finished({ stackName: ROOT, ok: true });
    expect(out.writes).toHaveLength(count);
  });

  it('fits a narrow terminal: drops the type column first, then cuts lines at the width with …', () => {
    const { live, out, replay } = liveSetup(circuitBreakerScenario(), { columns: 60 }, { color: false });
    replay(150);
    live.stop();
    const lines = lastFrame(out.writes);
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(60);
    expect(lines).toContain('    ⠙ Service          CREATE_IN_PROGRESS  1m11s');
    expect(lines).toContain('        tasks 0/2 running, 1 pending · rollout IN_PROGRESS …');
  });

  it('truncates by visible width when colours are on', () => {
    const { live, out, replay } = liveSetup(circuitBreakerScenario(), { columns: 60 });
    replay(150);
    live.stop();
    for (const line of lastFrame(out.writes)) expect(Array.from(line).length).toBeLessThanOrEqual(60);
  });

  it('collapses completed rows when the view is taller than the terminal, keeping in-progress and failed ones', () => {
    const { live, out, replay } = liveSetup(
      circuitBreakerScenario(),
      { columns: 100, rows: 14 },
      { color: false },
    );
    replay(150);
    live.stop();
    expect(lastFrame(out.writes)).toEqual([
      '⠙ Deploying MyApp  CREATE_IN_PROGRESS  1/2 resources  2m07s',
      '  … 4 resources complete',
      '  ⠙ ServiceStack       CloudFormation::Stack  CREATE_IN_PROGRESS  1m35s  3/4',
      '    … 3 resources complete',
      '    ⠙ Service          ECS::Service           CREATE_IN_PROGRESS  1m11s',
      '        tasks 0/2 running, 1 pending · rollout IN_PROGRESS · circuit breaker 2/3 failed',
      '        ✗ task 9e8d7c6b  Essential container in task exited (exit 1)',
      '          │ > node dist/server.js',
      '          │ listening on :8080',
      '          │ Error: connect ECONNREFUSED 10.0.3.17:5432',
      '          │     at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
      '          │ fatal: database unreachable, exiting',
      '        ✗ task 4c1f2a9e  Essential container in task exited (exit 1)',
    ]);
  });

  it('never draws more lines than the terminal has rows', () => {
    for (const rows of [3, 6, 9, 20]) {
      const { live, out, replay } = liveSetup(
        circuitBreakerScenario(),
        { columns: 100, rows },
        { color: false },
      );
      replay(150);
      live.stop();
      expect(lastFrame(out.writes).length).toBeLessThanOrEqual(rows - 1);
    }
  });

  it('prints text above the view and redraws the view below it', () => {
    const { live, out, replay } = liveSetup(successfulCreateScenario(), { columns: 100 }, { color: false });
    replay(10);
    live.printAbove('warning: tasks keep stopping');
    live.stop();
    const shown = screen(out.writes, 100);
    expect(shown[0]).toBe('warning: tasks keep stopping');
    expect(shown[1]).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Deploying MyApp {2}CREATE_IN_PROGRESS/);
    expect(shown.filter((l) => l.includes('Deploying MyApp'))).toHaveLength(1);
  });
});
