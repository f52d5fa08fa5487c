import { readFileSync } from 'node:fs';
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
      'Usage: wharf diagram [dir | file] [--template <file>] [--format svg|png|mermaid] [--out <file>]',
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
      expect(png.io.withCode('WHARF_DIAGRAM_WROTE')[0]?.message).toMatch(
        /alb\.png \(png: \d+ nodes, \d+ edges\)/,
      );
      await run(['--template', SEED_ALB, '--out', join(dir, 'alb.mmd')]);
      expect(readFileSync(join(dir, 'alb.mmd'), 'utf8')).toMatch(/^flowchart LR/);
    },
  );

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
