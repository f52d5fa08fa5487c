/**
 * Records the README's screenshots of `wharf deploy`'s live progress view from a real run: the
 * library `deploy()` with the CDK toolkit and the AWS SDK deploys the seeds-shaped API Gateway
 * template against the mocked AWS endpoint of the tests, while the CLI's progress view draws on a
 * fake 100×45 terminal that keeps every byte written to it.
 *
 * ```sh
 * npx tsx scripts/record-deploy-progress.ts [--out-dir docs] [--raw-dir <dir>]
 * ```
 *
 * The staged moment: the ECS service `Service` (nested stack `ServiceStack`) is held in
 * `CREATE_IN_PROGRESS` while ECS reports 1 of 2 tasks running, 1 pending and one earlier task
 * stopped with its last log lines. The capture at that moment becomes `deploy-progress.svg`
 * (and `deploy-progress.png` when `rsvg-convert` is installed); then ECS reports 2/2 running, the
 * service is released, and the last frame plus the outputs the CLI prints become
 * `deploy-progress-done.svg`. The raw ANSI captures go to a temporary folder (`--raw-dir`).
 * What the terminal shows is what `wharf deploy` prints, except the notes that each SAM
 * application becomes a nested stack (left out to keep the picture on the view). Times are
 * short because the mocked CloudFormation takes {@link STEP_MS} ms per event.
 *
 * @module
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderOutputs } from '../src/cli/commands/deploy.js';
import { consoleIoHost } from '../src/cli/main.js';
import { startProgressView } from '../src/cli/progress-view.js';
import { deploy } from '../src/deploy/deploy.js';
import type { ServiceRollout } from '../src/deploy/progress/types.js';
import type { IoHost } from '../src/io/io-host.js';
import { type MockEcsService, startMockAws } from '../test/support/mock-aws/index.js';
import { ansiToSvg } from './terminal-svg.js';

/** The template deployed, relative to the repository root. */
const TEMPLATE = 'test/fixtures/seeds-like/api-gateway/parent.yml';
/** The command the screenshots show. */
const COMMAND = 'wharf deploy --template parent.yml';
/** The fake terminal's size. */
const COLUMNS = 100;
const ROWS = 45;
/** Delay between two mocked stack events. */
const STEP_MS = 90;

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** A terminal that keeps everything written to it. */
class CapturingTerminal {
  readonly isTTY = true;
  readonly columns = COLUMNS;
  readonly rows = ROWS;
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/**
 * The CLI's console output minus the four `WHARF_DEPLOY_SAM_APPLICATION` notes (one per
 * `AWS::Serverless::Application` of the seeds' template), which would take the top eight lines
 * of the picture without saying anything about the progress view.
 */
function withoutSamNotes(io: IoHost): IoHost {
  return {
    notify(message) {
      if (message.code !== 'WHARF_DEPLOY_SAM_APPLICATION') io.notify(message);
    },
  };
}

/** Resolves with the first rollout that `accept` likes (polled every 20 ms). */
function waitForRollout(
  rollouts: ServiceRollout[],
  accept: (rollout: ServiceRollout) => boolean,
  timeoutMs: number,
): Promise<ServiceRollout> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const poll = () => {
      const found = rollouts.find(accept);
      if (found) done(found);
      else if (Date.now() - started > timeoutMs) fail(new Error('the staged ECS rollout never showed up'));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'out-dir': { type: 'string', default: 'docs' },
      'raw-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npx tsx scripts/record-deploy-progress.ts [--out-dir docs] [--raw-dir <dir>]\n',
    );
    return 0;
  }
  const outDir = resolve(values['out-dir'] ?? 'docs');
  const rawDir = values['raw-dir']
    ? resolve(values['raw-dir'])
    : mkdtempSync(join(tmpdir(), 'wharf-deploy-progress-'));
  mkdirSync(outDir, { recursive: true });
  mkdirSync(rawDir, { recursive: true });

  // What ECS reports for the service while CloudFormation waits for it: one task up, one starting,
  // and an earlier task that exited because a variable was missing.
  const service: MockEcsService = {
    desired: 2,
    running: 1,
    pending: 1,
    rolloutState: 'IN_PROGRESS',
    stoppedTasks: [
      {
        taskId: '5e1c2a7b9d4f4e0a8c3b6d2f1a9e7c40',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'web', exitCode: 1 }],
        logLines: [
          'listening on :80',
          'GET /health 200 2ms',
          'Error: connect ECONNREFUSED 10.0.1.23:5432 (orders-db)',
        ],
      },
    ],
  };
  const mock = await startMockAws({
    stepMs: STEP_MS,
    holds: [{ logicalId: 'Service', stack: 'ServiceStack' }],
    ecs: { Service: service },
  });
  const restoreEnv = mock.useEnv();
  const terminal = new CapturingTerminal();
  // Like the shell: the command line, then wharf's output (stderr and stdout share the screen).
  terminal.write(`\u001b[32m$\u001b[0m ${COMMAND}\n`);
  const view = startProgressView({ json: false, live: true, out: terminal });
  const rollouts: ServiceRollout[] = [];
  const listener = {
    ...view.listener,
    rollout(rollout: ServiceRollout) {
      rollouts.push(rollout);
      view.listener.rollout(rollout);
    },
  };

  let midRollout = '';
  try {
    const deployment = deploy({
      template: TEMPLATE,
      io: view.io(withoutSamNotes(consoleIoHost((text) => terminal.write(text), false))),
      progress: listener,
      pollIntervalMs: 100,
      failFastAfter: 3,
    });
    deployment.catch(() => {});

    // The moment to show: the rollout with the stopped task's log lines is on screen.
    await waitForRollout(
      rollouts,
      (r) => r.logicalId === 'Service' && r.stoppedTasks.some((t) => t.logLines.length > 0),
      60_000,
    );
    await sleep(1200);
    midRollout = terminal.text;

    // The second task comes up; CloudFormation sees the service stabilize.
    Object.assign(service, { running: 2, pending: 0, rolloutState: 'COMPLETED' });
    await waitForRollout(rollouts, (r) => r.logicalId === 'Service' && r.running === 2, 10_000);
    await sleep(600);
    mock.release('Service');

    const result = await deployment;
    view.stop();
    for (const stack of result.stacks) {
      terminal.write(`\n${stack.stackName} deployed to ${result.account}/${result.region}\n`);
      terminal.write(renderOutputs(stack.outputs));
    }
  } catch (error) {
    view.stop();
    process.stderr.write(terminal.text);
    throw error;
  } finally {
    restoreEnv();
    await mock.close();
  }
  const done = terminal.text;

  const written: string[] = [];
  const save = (path: string, text: string) => {
    writeFileSync(path, text);
    written.push(path);
  };
  save(join(rawDir, 'deploy-progress.ansi'), midRollout);
  save(join(rawDir, 'deploy-progress-done.ansi'), done);
  const midSvg = join(outDir, 'deploy-progress.svg');
  save(midSvg, ansiToSvg(midRollout, { title: COMMAND, columns: COLUMNS }));
  save(join(outDir, 'deploy-progress-done.svg'), ansiToSvg(done, { title: COMMAND, columns: COLUMNS }));

  const png = join(outDir, 'deploy-progress.png');
  const converted = spawnSync('rsvg-convert', ['--zoom', '2', '--output', png, midSvg], { stdio: 'inherit' });
  if (converted.error) {
    process.stderr.write(
      `note: rsvg-convert is not available (${converted.error.message}); no PNG written\n`,
    );
  } else if (converted.status === 0) {
    written.push(png);
  } else {
    process.stderr.write(`note: rsvg-convert failed (exit ${converted.status}); no PNG written\n`);
  }

  for (const path of written) {
    const shown = relative(process.cwd(), path);
    process.stdout.write(`wrote ${shown.startsWith('..') ? path : shown}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
