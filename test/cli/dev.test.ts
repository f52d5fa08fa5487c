/**
 * `wharf dev` as a user runs it: the built CLI in a child process. Bad input exits 2 with the
 * file, parameter or flag named and nothing started; Ctrl-C (SIGINT) removes every container and
 * frees every port of the run.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { devCommand } from '../../src/cli/commands/dev.js';
import { COMMANDS } from '../../src/cli/main.js';
import { containersOfRun, eventually, get, portClosed } from '../local/dev/support.js';
import { ROOT, runWharf } from '../support/cli.js';
import { docker, requireDocker } from '../support/docker.js';
import { buildTestImages, WEB_IMAGE } from '../support/web-image.js';

const API_PARENT = 'test/fixtures/seeds-like/api-gateway/parent.yml';
const hasDocker = await requireDocker();

describe('wharf dev --help', () => {
  it('documents every option of dev', () => {
    const result = runWharf(['dev', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: wharf dev [dir | file] [--template <file>]... [options]');
    for (const name of Object.keys(devCommand.options)) expect(result.stdout).toContain(`--${name}`);
    expect(COMMANDS.map((c) => c.name)).toContain('dev');
  });
});

describe('wharf dev: bad input exits 2 and starts nothing', () => {
  it('names the template and the declared parameters for an unknown --parameter', () => {
    const result = runWharf([
      'dev',
      '--template',
      API_PARENT,
      '--parameter',
      'Nope=1',
      '--runtime',
      'process',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*parent\.yml.*Nope/m);
    expect(result.stdout).toBe('');
  });

  it.each([
    [['dev', '--runtime', 'podman'], "--runtime 'podman' is not allowed; allowed: auto, docker, process"],
    [['dev', '--template', API_PARENT, '--parameter', 'NoEquals'], "--parameter 'NoEquals' is not Key=Value"],
    [['dev', '--template', API_PARENT, '--image', 'web'], "--image 'web' is not Key=Value"],
    [
      ['dev', '--template', API_PARENT, '--port', '70000'],
      "--port '70000' is not allowed; allowed: an integer from 1 to 65535",
    ],
    [
      ['dev', 'examples/api-gateway-fargate', '--template', API_PARENT],
      'give either a CDK app folder or --template, not both',
    ],
    [['dev', '--template', API_PARENT, '--watch'], '--watch re-synthesizes a CDK app'],
    [['dev', '--template', 'no/such/parent.yml'], 'no/such/parent.yml'],
  ])('wharf %j', (args, message) => {
    const result = runWharf(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('says which container has no command when the process runtime cannot run the templates', () => {
    const result = runWharf(['dev', '--template', API_PARENT, '--runtime', 'process', '--once']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("container 'web'");
    expect(result.stderr).toContain('--process-command');
  });
});

describe.skipIf(!hasDocker)('wharf dev: Ctrl-C', () => {
  let child: ChildProcess | undefined;
  beforeAll(() => buildTestImages());
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('removes every container and Docker network of the run and frees its ports on SIGINT', async () => {
    child = spawn(
      process.execPath,
      [
        join(ROOT, 'dist/cli/main.js'),
        'dev',
        '--template',
        API_PARENT,
        '--runtime',
        'docker',
        '--image',
        `web=${WEB_IMAGE}`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((done) => child?.on('exit', (code) => done(code)));
    await eventually(
      'the outputs to be printed',
      () => /ApiGatewayUri: http:\/\/127\.0\.0\.1:\d+/.test(stdout),
      60_000,
    );
    const runId = /Local cloud (\S+)/.exec(stdout)?.[1] as string;
    const url = /ApiGatewayUri: (\S+)/.exec(stdout)?.[1] as string;
    const ports = [...stdout.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    await eventually(
      'a 200 through the local API',
      async () => (await get(`${url}/`)).status === 200,
      60_000,
    );
    expect(await containersOfRun(runId)).toBe(2);
    // The private DNS namespace gives the run a VPC network and one per task security group.
    expect((await docker.listNetworks({ filters: { label: [`wharf.run=${runId}`] } })).length).toBe(2);
    await eventually('a status line', () =>
      /\[status\] web [0-9a-f]{8} 10\.0\.\d+\.\d+ us-east-1[ab] RUNNING/.test(stdout),
    );

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGINT: stopping tasks and servers');
    expect(stderr).toContain('Stopped; nothing left running.');
    expect(await containersOfRun(runId)).toBe(0);
    expect(await docker.listNetworks({ filters: { label: [`wharf.run=${runId}`] } })).toEqual([]);
    for (const port of new Set(ports)) expect(await portClosed(port)).toBe(true);
  });
});
