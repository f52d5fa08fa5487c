import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, parseCommandArgs, renderCommandHelp } from '../../src/cli/command.js';
import { diagramCommand } from '../../src/cli/commands/diagram.js';
import { UsageError } from '../../src/errors.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { tempDir } from '../support/cli.js';
import { requireRsvg } from '../support/rsvg.js';

const HAS_RSVG = requireRsvg();
const SEED_ALB = 'test/fixtures/seeds-like/alb/parent.yml';

async function run(argv: string[]) {
  const io = new RecordingIoHost();
  let stdout = '';
  const parsed = parseCommandArgs(diagramCommand, argv);
  const code = await diagramCommand.run({ ...parsed, io, stdout: (text) => (stdout += text) });
  return { code, stdout, io };
}

describe('wharf diagram command', () => {
  it('documents formats, --out and examples in --help', () => {
    const help = renderCommandHelp(diagramCommand);
    expect(help).toContain(
      'Usage: wharf diagram [dir | file] [--template <file>]... [--format svg|png|mermaid] [--out <file>]',
    );
    expect(help).toMatch(/-f, --format <format> +Output format .*one of: svg, png, mermaid/);
    expect(help).toContain('wharf diagram examples/api-gateway-fargate --out docs/diagram-api-gateway.svg');
    expect(help).toContain('rsvg-convert');
    expect(parseCommandArgs(diagramCommand, ['--help']).options.help).toBe(true);
  });

  it('rejects an unknown format with a usage error naming the allowed values', () => {
    expect(() => parseCommandArgs(diagramCommand, ['--format', 'pdf'])).toThrow(UsageError);
    expect(() => parseCommandArgs(diagramCommand, ['--format', 'pdf'])).toThrow(
      "wharf diagram: --format 'pdf' is not allowed; allowed: svg, png, mermaid.",
    );
    expect(EXIT.usage).toBe(2);
  });

  it('rejects a folder and --template together, and PNG to the terminal', async () => {
    await expect(run(['examples/public-alb-fargate', '--template', SEED_ALB])).rejects.toThrow(
      'give either a CDK app folder or --template, not both',
    );
    await expect(run(['--template', SEED_ALB, '--format', 'png'])).rejects.toThrow(/PNG is binary.*--out/);
  });

  it('prints SVG by default and Mermaid on request', async () => {
    const svg = await run(['--template', SEED_ALB]);
    expect(svg.code).toBe(EXIT.ok);
    expect(svg.stdout).toMatch(/^<svg xmlns/);
    const mermaid = await run(['--template', SEED_ALB, '-f', 'mermaid']);
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
  });

  it.skipIf(!HAS_RSVG)(
    'writes the format the --out extension names, and reports it (PNG needs rsvg-convert)',
    async () => {
      const dir = tempDir('wharf-diagram-cli-');
      const png = await run(['--template', SEED_ALB, '--out', join(dir, 'alb.png')]);
      expect(png.code).toBe(EXIT.ok);
      expect(readFileSync(join(dir, 'alb.png')).subarray(1, 4).toString()).toBe('PNG');
      expect(png.stdout).toMatch(/^wrote \S+alb\.png \(png: \d+ nodes, \d+ edges\)\n$/);
      await run(['--template', SEED_ALB, '--out', join(dir, 'alb.mmd')]);
      expect(readFileSync(join(dir, 'alb.mmd'), 'utf8')).toMatch(/^flowchart LR/);
    },
  );

  it('reports a written file once: on stdout, with what it drew, and nothing about it on stderr', async () => {
    const file = join(tempDir('wharf-diagram-cli-'), 'alb.svg');
    const svg = await run(['--template', SEED_ALB, '--out', file]);
    expect(svg.code).toBe(EXIT.ok);
    expect(readFileSync(file, 'utf8')).toMatch(/^<svg xmlns/);
    expect(svg.stdout.startsWith(`wrote ${file} (svg: `)).toBe(true);
    expect(svg.stdout).toMatch(/\(svg: \d+ nodes, \d+ edges\)\n$/);
    expect(svg.stdout.match(/wrote/g)).toHaveLength(1);
    expect(svg.io.messages.filter((m) => m.message.includes(file))).toEqual([]);
  });

  it('refuses an --out extension that names no format, unless --format says which', async () => {
    const dir = tempDir('wharf-diagram-cli-');
    await expect(run(['--template', SEED_ALB, '--out', join(dir, 'd.txt')])).rejects.toThrow(
      /--out '.*d\.txt' does not say which format to write; name the file \.svg, \.png or \.mmd \(Mermaid\), or give --format svg\|png\|mermaid/,
    );
    expect(existsSync(join(dir, 'd.txt'))).toBe(false);
    const mermaid = await run(['--template', SEED_ALB, '--out', join(dir, 'd.txt'), '--format', 'mermaid']);
    expect(mermaid.code).toBe(EXIT.ok);
    expect(readFileSync(join(dir, 'd.txt'), 'utf8')).toMatch(/^flowchart LR/);
  });

  it('exits with bad input, writing nothing, when the templates hold nothing to draw', async () => {
    const dir = tempDir('wharf-diagram-cli-');
    const template = join(dir, 'roles.yml');
    writeFileSync(
      template,
      'Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties: { AssumeRolePolicyDocument: {} }\n',
    );
    const attempt = run(['--template', template, '--out', join(dir, 'd.svg')]);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(
      `${template}: nothing to draw: its 1 resource(s) include none a diagram shows (AWS::EC2::VPC, AWS::EC2::Subnet, AWS::ECS::Service,`,
    );
    expect(existsSync(join(dir, 'd.svg'))).toBe(false);
  });

  it('prints the graph as JSON with --json', async () => {
    const { stdout } = await run(['--template', SEED_ALB, '--json']);
    const model = JSON.parse(stdout);
    expect(model.title).toBe('parent: Application Load Balancer → Fargate');
    expect(model.nodes.map((n: { kind: string }) => n.kind)).toContain('load-balancer');
  });

  it('passes the loader’s error through for a missing template', async () => {
    await expect(run(['--template', 'test/fixtures/nope/parent.yml'])).rejects.toThrow(/nope\/parent\.yml/);
  });
});
