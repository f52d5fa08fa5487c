import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { DIAGRAM_FORMATS, type DiagramFormat, diagram, parseDiagramFormat } from '../../diagram/diagram.js';
import { UsageError } from '../../errors.js';
import { ALLOW_PATH_OPTION, appSourceArgs } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';
import { parsePairs } from './dev.js';

/** The format an `--out` file name implies, if any. */
function formatOfFile(file: string): DiagramFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.svg') return 'svg';
  if (ext === '.png') return 'png';
  if (ext === '.mmd' || ext === '.mermaid') return 'mermaid';
  return undefined;
}

/** `wharf diagram`: a picture of the architecture the templates deploy. */
export const diagramCommand: Command = {
  name: 'diagram',
  summary: 'Draw the architecture a CDK app or CloudFormation templates deploy.',
  usage: '[dir | file] [--template <file>]... [--format svg|png|mermaid] [--out <file>] [options]',
  details: `
Reads the templates (the CDK app in [dir], default the current folder, synthesized offline; or
--template, hand-written YAML or JSON with nested stacks by local path, such as the seeds'
parent.yml) and draws what they deploy: the internet, API Gateway or the load balancer, the VPC
link and Cloud Map service, the VPC with each availability zone and its public and private
subnets, the Fargate tasks ECS places in them, the NAT gateways, and on every request edge the
port and the security-group rule that lets it in (in red when the rule allows every protocol, or
nothing).

Formats: svg (default; no dependencies), mermaid (flowchart text for Markdown), png (needs
rsvg-convert on PATH: apt-get install librsvg2-bin, or brew install librsvg). Without --format the
--out file's extension (.svg, .png, .mmd) decides; any other extension needs --format. Without
--out, SVG and Mermaid go to stdout; PNG needs --out.

Exit code 2 on bad input (a missing file, an unknown format, a template the loader rejects, or
templates with nothing to draw).

Examples:
  npx wharf diagram examples/api-gateway-fargate --out docs/diagram-api-gateway.svg
  npx wharf diagram --template parent.yml --format png --out architecture.png
  npx wharf diagram examples/public-alb-fargate --format mermaid
  npx wharf diagram --template parent.yml --json`,
  maxPositionals: 1,
  options: {
    template: {
      type: 'string',
      short: 't',
      multiple: true,
      value: '<file>',
      description:
        'Draw a CloudFormation template instead of a CDK app (repeatable: several templates drawn as one app)',
    },
    format: {
      type: 'string',
      short: 'f',
      value: '<format>',
      description: 'Output format (default: from the --out extension, else svg)',
      choices: DIAGRAM_FORMATS,
    },
    out: { type: 'string', short: 'o', value: '<file>', description: 'Write the picture to this file' },
    ...CDK_APP_OPTIONS,
    ...ALLOW_PATH_OPTION,
    parameter: {
      type: 'string',
      short: 'p',
      multiple: true,
      value: '<Key=Value>',
      description: 'Root stack parameter (repeatable; lists comma-separated)',
    },
    json: {
      type: 'boolean',
      description: 'Print the graph (nodes, groups, edges, notes) as JSON instead of the picture',
    },
  },
  async run({ positionals, options, io, stdout }) {
    const source = appSourceArgs('diagram', positionals, options);
    const out = options.out as string | undefined;
    if (out === '') throw new UsageError('wharf diagram: --out needs a file name.');
    const given = options.format as string | undefined;
    if (given === undefined && out !== undefined && formatOfFile(out) === undefined) {
      throw new UsageError(
        `wharf diagram: --out '${out}' does not say which format to write; name the file .svg, .png or .mmd (Mermaid), or give --format svg|png|mermaid.`,
      );
    }
    const format = given !== undefined ? parseDiagramFormat(given) : ((out && formatOfFile(out)) ?? 'svg');
    if (format === 'png' && out === undefined && !options.json) {
      throw new UsageError('wharf diagram: PNG is binary; write it to a file with --out <file.png>.');
    }
    const result = await diagram({
      ...(source.dir === undefined
        ? { template: source.templates[0], templates: source.templates }
        : { dir: source.dir }),
      allowPaths: source.allowPaths,
      app: options.app as string | undefined,
      stack: options.stack as string | undefined,
      parameters: parsePairs('parameter', options.parameter as string[] | undefined, 'diagram'),
      format: options.json && out === undefined ? 'svg' : format,
      io,
    });
    for (const note of result.model.notes)
      io.notify({ level: 'warn', code: 'WHARF_DIAGRAM_NOTE', message: note });
    if (out !== undefined) {
      const file = resolve(out);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, result.output);
    }
    if (options.json) stdout(`${JSON.stringify(result.model, null, 2)}\n`);
    else if (out === undefined) stdout(result.output.toString());
    else
      stdout(
        `wrote ${out} (${result.format}: ${result.model.nodes.length} nodes, ${result.model.edges.length} edges)\n`,
      );
    return EXIT.ok;
  },
};
