import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { renderLineChart } from '../../chart/line-chart.js';
import { adviceFor, costCurves, findCrossover } from '../../cost/crossover.js';
import { buildCostModel, type CostEstimate, priceCostModel } from '../../cost/estimate.js';
import { describeAssumptions, type PricingAssumptions, pricingAssumptions } from '../../cost/prices.js';
import { FREE_DOMAIN_LABELS } from '../../cost/route53.js';
import {
  describeDefaults,
  parseTraffic,
  type TrafficProfile,
  trafficFromObject,
} from '../../cost/traffic.js';
import { svgToPng } from '../../diagram/png.js';
import { isWharfError, UsageError } from '../../errors.js';
import { synthesizeApp } from '../../synth/synth.js';
import { loadTemplateFiles } from '../../template/load.js';
import type { LoadedApp } from '../../template/model.js';
import { ALLOW_PATH_OPTION, appSourceArgs } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';
import { PARAMETER_OPTION } from './aws-options.js';
import { parsePairs } from './dev.js';

/** `wharf cost`: what the app costs a month, and which ingress is cheaper at your traffic. */
export const costCommand: Command = {
  name: 'cost',
  summary: 'Price the app per month, and find the traffic where the other ingress pattern is cheaper.',
  usage: '[dir | file] [--template <file>]... [traffic options] [options]',
  details: `
Reads the templates (a CDK app folder, default '.', or --template with nested stacks) and prices
every billable resource per month in us-east-1 (prices with their sources and dates in
src/cost/prices.ts): Fargate tasks, API Gateway requests (512 KB units, tiers), ALB hours and LCUs
(highest of the four dimensions), NAT gateways, public IPv4 addresses, Cloud Map, CloudWatch Logs,
Container Insights. Each line shows its formula. Resource types Wharf cannot price are listed as
"not priced", never counted as zero.

Then it models the other ingress pattern for the same tasks and network (API Gateway + VPC link +
Cloud Map, or a public ALB) and reports the crossover: the traffic at which the other becomes
cheaper, with advice, plus advice where money is obviously wasted.

A scaled service (an ECS scalable target) is priced at the task count its target tracking
policies would hold at the traffic, within [min, max]: requests per target for
ALBRequestCountPerTarget; for a CPU target, --cpu-per-request milliseconds of vCPU per request
(default 10); memory targets hold the minimum. The per-service table shows the range, the count
and the idle cost at the minimum.

Route 53 hosted zones the templates create are priced; a zone named only by id or name (not
created here) is listed as billed to its owner anyway. Alias queries to AWS resources, ACM public
certificates and API Gateway custom domain names cost nothing.

Traffic defaults (state yours with the flags or a --traffic file of the same keys):
  ${describeDefaults().join('\n  ')}

Examples:
  npx wharf cost examples/api-gateway-fargate --requests 10M/month
  npx wharf cost --template parent.yml --requests 500k/day --response-size 5KB --chart cost.svg
  npx wharf cost examples/public-alb-fargate --json`,
  maxPositionals: 1,
  options: {
    template: {
      type: 'string',
      short: 't',
      multiple: true,
      value: '<file>',
      description:
        'A root CloudFormation template instead of a CDK app (repeatable: several templates priced as one app)',
    },
    ...CDK_APP_OPTIONS,
    ...ALLOW_PATH_OPTION,
    ...PARAMETER_OPTION,
    requests: {
      type: 'string',
      value: '<rate>',
      description: 'Requests, e.g. 10M/month, 500k/day, 20/s (default 1M/month)',
    },
    'request-size': { type: 'string', value: '<size>', description: 'Average request size, e.g. 1KB' },
    'response-size': { type: 'string', value: '<size>', description: 'Average response size, e.g. 5KB' },
    concurrency: {
      type: 'string',
      value: '<n>',
      description: 'Concurrent requests (ALB active connections)',
    },
    'new-connections': { type: 'string', value: '<rate>', description: 'New connections, e.g. 25/s' },
    'log-size': { type: 'string', value: '<size>', description: 'Log bytes written per request' },
    traffic: {
      type: 'string',
      value: '<file>',
      description: 'A JSON or YAML file with the traffic keys above',
    },
    region: { type: 'string', value: '<region>', default: 'us-east-1', description: 'Price region' },
    'vpc-link-charge': {
      type: 'string',
      value: '<usd>',
      description: 'Monthly charge assumed per VPC link (default 0: no price-list line exists)',
    },
    'bill-cloud-map-lookups': {
      type: 'boolean',
      description: "Bill API Gateway's Cloud Map lookups (one DiscoverInstances per request)",
    },
    'count-response-bytes': {
      type: 'boolean',
      description: 'Count response bytes toward the 512 KB API Gateway unit (default: requests only)',
    },
    'cpu-per-request': {
      type: 'string',
      value: '<ms>',
      description:
        'vCPU milliseconds one request costs, for the tasks a CPU scaling target holds at the traffic (default 10)',
    },
    'free-tier': { type: 'boolean', description: 'Apply the legacy 12-month free tier' },
    'no-ipv4-charge': {
      type: 'boolean',
      description: 'Leave out the public IPv4 charge (as before 2024-02-01)',
    },
    chart: {
      type: 'string',
      value: '<file>',
      description: 'Write the cost-vs-traffic chart (.svg, or .png with rsvg-convert)',
    },
    json: { type: 'boolean', description: 'Print the estimate, crossover and advice as JSON' },
  },
  async run({ positionals, options, io, stdout }) {
    const assumptions = assumptionsFrom(options);
    const traffic = trafficFrom(options, assumptions);
    const chart = options.chart as string | undefined;
    if (chart !== undefined && !/\.(png|svg)$/i.test(chart))
      throw new UsageError(`wharf cost: --chart '${chart}' must end in .svg or .png.`);
    const apps = await loadApps(positionals, options, io);
    for (const app of apps) {
      if (resourceCount(app) === 0) {
        throw new UsageError(
          `wharf cost: ${app.root.file} declares no resources (its Resources section is empty), so there is nothing to price; CloudFormation rejects such a template too ("At least one Resources member must be defined").`,
          { code: 'WHARF_COST_NOTHING' },
        );
      }
    }
    const parameters = parsePairs('parameter', options.parameter as string[] | undefined, 'cost');
    const results = apps.map((app) => {
      const model = buildCostModel(app, { region: options.region as string, assumptions, parameters });
      const estimate = priceCostModel(model, traffic);
      const crossover = findCrossover(model, traffic);
      return { app, estimate, crossover, advice: adviceFor(model, estimate) };
    });
    const first = results[0];
    if (chart !== undefined && !first?.crossover) {
      throw new UsageError(
        'wharf cost: --chart needs an app with exactly one ingress pattern (API Gateway or ALB) to compare.',
      );
    }
    // The estimate is printed even when the chart cannot be written; the chart's failure follows it.
    const chartError =
      chart !== undefined && first?.crossover
        ? writeChart(chart, first.estimate, first.crossover)
        : undefined;
    const json = results.map((r) => ({
      estimate: r.estimate,
      crossover: r.crossover
        ? {
            current: r.crossover.current,
            alternative: r.crossover.alternative,
            requestsPerMonth: r.crossover.requestsPerMonth ?? null,
            requestsPerDay: r.crossover.requestsPerDay ?? null,
            cheaperBelow: r.crossover.cheaperBelow,
            apiGatewayUsd: r.crossover.apiGatewayUsd,
            albUsd: r.crossover.albUsd,
            alternativeDescription: r.crossover.alternativeDescription,
            advice: r.crossover.advice,
          }
        : null,
      advice: r.advice,
    }));
    if (options.json) {
      if (chartError) {
        chartError.result = json;
        throw chartError;
      }
      stdout(`${JSON.stringify(json, null, 2)}\n`);
      return EXIT.ok;
    }
    for (const result of results) {
      stdout(renderEstimate(result.estimate));
      if (result.crossover) {
        const c = result.crossover;
        stdout(
          `\nCrossover: ${c.advice}\n  (the ${c.alternative === 'alb' ? 'ALB' : 'API Gateway'} alternative: ${c.alternativeDescription})\n`,
        );
      }
      if (result.advice.length > 0) {
        stdout('\nAdvice:\n');
        for (const a of result.advice) stdout(`  - ${a.message}\n`);
      }
      stdout(`\nAssumptions: ${describeAssumptions(result.estimate.assumptions).join('; ')}.\n`);
    }
    if (chartError) throw chartError;
    if (chart !== undefined) stdout(`\nChart written to ${chart}\n`);
    return EXIT.ok;
  },
};

function assumptionsFrom(options: Record<string, unknown>): PricingAssumptions {
  const overrides: { -readonly [K in keyof PricingAssumptions]?: PricingAssumptions[K] } = {};
  if (options['vpc-link-charge'] !== undefined) {
    const usd = Number(options['vpc-link-charge']);
    if (!Number.isFinite(usd) || usd < 0) {
      throw new UsageError(
        `wharf cost: --vpc-link-charge '${String(options['vpc-link-charge'])}' is not allowed; allowed: a number of USD ≥ 0, e.g. 7.30.`,
      );
    }
    overrides.vpcLinkMonthlyUsd = usd;
  }
  if (options['cpu-per-request'] !== undefined) {
    const text = String(options['cpu-per-request']);
    const ms = Number(text.replace(/\s*ms$/, ''));
    if (text.trim() === '' || !Number.isFinite(ms) || ms <= 0 || ms > 60_000) {
      throw new UsageError(
        `wharf cost: --cpu-per-request '${text.slice(0, 40)}' is not allowed; allowed: milliseconds of vCPU time per request, more than 0 and at most 60000, e.g. 10 or 2.5ms.`,
      );
    }
    overrides.cpuMsPerRequest = ms;
  }
  if (options['bill-cloud-map-lookups']) overrides.cloudMapLookupsBilled = true;
  if (options['count-response-bytes']) overrides.responseBytesCountTowardApiGatewayUnits = true;
  if (options['free-tier']) overrides.freeTier = true;
  if (options['no-ipv4-charge']) overrides.publicIpv4Billed = false;
  return pricingAssumptions(overrides);
}

function trafficFrom(options: Record<string, unknown>, assumptions: PricingAssumptions): TrafficProfile {
  const flags = {
    ...(options.requests !== undefined ? { requests: options.requests as string } : {}),
    ...(options['request-size'] !== undefined ? { requestSize: options['request-size'] as string } : {}),
    ...(options['response-size'] !== undefined ? { responseSize: options['response-size'] as string } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency as string } : {}),
    ...(options['new-connections'] !== undefined
      ? { newConnections: options['new-connections'] as string }
      : {}),
    ...(options['log-size'] !== undefined ? { logSize: options['log-size'] as string } : {}),
  };
  if (options.traffic === undefined) return parseTraffic(flags, assumptions.hoursPerMonth);
  const file = resolve(options.traffic as string);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`wharf cost: --traffic ${file}: cannot be read.`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new UsageError(`wharf cost: --traffic ${file}: not JSON or YAML (${(error as Error).message}).`);
  }
  // Flags win over the file.
  const merged =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, ...flags } : value;
  return trafficFromObject(merged, file, assumptions.hoursPerMonth);
}

async function loadApps(
  positionals: readonly string[],
  options: Record<string, unknown>,
  io: Parameters<Command['run']>[0]['io'],
): Promise<LoadedApp[]> {
  const source = appSourceArgs('cost', positionals, options);
  if (source.dir === undefined) {
    // Several templates are one app (imports read the others' exports), priced once.
    return [loadTemplateFiles(source.templates, { allowPaths: source.allowPaths })];
  }
  const synthesized = await synthesizeApp({
    dir: source.dir,
    app: options.app as string | undefined,
    stack: options.stack as string | undefined,
    allowPaths: source.allowPaths,
    io,
  });
  try {
    return synthesized.apps;
  } finally {
    synthesized.dispose();
  }
}

/** How many resources the app's templates declare, nested stacks included. */
function resourceCount(app: LoadedApp): number {
  return app.stacks.reduce((n, stack) => n + Object.keys(stack.template.Resources ?? {}).length, 0);
}

/** The monthly table: one row per line with its formula, the total, and what was not priced. */
export function renderEstimate(estimate: CostEstimate): string {
  const rows = estimate.lines.map((line) => ({
    where: [line.resource.stack, line.resource.logicalId].filter(Boolean).join('/'),
    what: line.what,
    usd: money(line.monthlyUsd),
    formula: line.formula,
  }));
  const w = {
    where: Math.max(8, ...rows.map((r) => r.where.length)),
    what: Math.max(4, ...rows.map((r) => r.what.length)),
    usd: Math.max(7, ...rows.map((r) => r.usd.length), money(estimate.totalMonthlyUsd).length),
  };
  const out: string[] = [];
  const t = estimate.traffic;
  out.push(
    `Monthly cost of ${estimate.app} (${estimate.region}, ${estimate.pattern === 'none' ? 'no ingress' : `${estimate.pattern} ingress`})`,
    `Traffic: ${compact(t.requestsPerMonth)} requests/month, ${t.requestBytes} B requests, ${t.responseBytes} B responses, ${t.logBytesPerRequest} B of logs per request, ` +
      `concurrency ${t.concurrency ?? 'requests/s × 0.1 s'}, new connections ${t.newConnectionsPerSecond !== undefined ? `${t.newConnectionsPerSecond}/s` : '0.1 per request'}`,
    '',
    `  ${'RESOURCE'.padEnd(w.where)}  ${'ITEM'.padEnd(w.what)}  ${'MONTHLY'.padStart(w.usd)}  FORMULA`,
  );
  for (const r of rows)
    out.push(
      `  ${r.where.padEnd(w.where)}  ${r.what.padEnd(w.what)}  ${r.usd.padStart(w.usd)}  ${r.formula}`,
    );
  out.push(
    `  ${'TOTAL'.padEnd(w.where)}  ${''.padEnd(w.what)}  ${money(estimate.totalMonthlyUsd).padStart(w.usd)}`,
  );
  if (estimate.byService.length > 1 || estimate.byService.some((s) => s.scaling))
    out.push('', ...renderByService(estimate));
  if (estimate.lines.length === 0) {
    const free = estimate.free.map((f) => `${f.type} ×${f.count}`).join(', ');
    out.push(
      '',
      `Nothing billable found: the templates declare no resource Wharf prices${free ? ` (free by themselves: ${free})` : ''}${estimate.notPriced.length > 0 ? '; the ones it cannot price follow' : ''}.`,
    );
  }
  const freeDomains = estimate.free.filter((f) => FREE_DOMAIN_LABELS[f.type] !== undefined);
  if (freeDomains.length > 0)
    out.push(
      '',
      `Free (no charge by themselves): ${freeDomains.map((f) => `${FREE_DOMAIN_LABELS[f.type]} ×${f.count}`).join(', ')}.`,
    );
  if (estimate.notes.length > 0) {
    out.push('', 'Notes:');
    for (const n of estimate.notes)
      out.push(`  - ${[n.resource.stack, n.resource.logicalId].filter(Boolean).join('/')}: ${n.message}`);
  }
  if (estimate.notPriced.length > 0) {
    out.push('', 'Not priced (not in the total):');
    for (const n of estimate.notPriced) {
      out.push(
        `  - ${[n.resource.stack, n.resource.logicalId].filter(Boolean).join('/')} (${n.resource.type}): ${n.reason}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

const SHARED = 'shared (ingress, network, DNS zone)';

/** The per-service subtotals of an app with several services, and what they share. */
function renderByService(estimate: CostEstimate): string[] {
  const rows = estimate.byService.map((s) => ({
    name: `${s.name} (${[s.resource.stack, s.resource.logicalId].filter(Boolean).join('/')})`,
    size: `${s.scaling ? `${fmtNumber(s.scaling.min)}–${fmtNumber(s.scaling.max)} tasks, ${fmtNumber(s.tasks)} at this traffic` : `${fmtNumber(s.tasks)} task${s.tasks === 1 ? '' : 's'}`} × ${fmtNumber(s.vcpu)} vCPU / ${fmtNumber(s.memoryGb)} GB`,
    usd: money(s.monthlyUsd),
    idle: s.scaling
      ? `(idle at ${fmtNumber(s.scaling.min)}: ${money(s.scaling.idleMonthlyUsd)} for its tasks)`
      : '',
  }));
  const own = estimate.byService.reduce((sum, s) => sum + s.monthlyUsd, 0);
  const w = {
    name: Math.max(...rows.map((r) => r.name.length), SHARED.length),
    size: Math.max(...rows.map((r) => r.size.length)),
    usd: Math.max(...rows.map((r) => r.usd.length), money(estimate.totalMonthlyUsd - own).length),
  };
  return [
    'By service (its Fargate tasks, their public IPv4 addresses, its own Cloud Map registrations and log group; each service is assumed to log every request):',
    ...rows.map((r) =>
      `  ${r.name.padEnd(w.name)}  ${r.size.padEnd(w.size)}  ${r.usd.padStart(w.usd)}${r.idle ? `  ${r.idle}` : ''}`.trimEnd(),
    ),
    `  ${SHARED.padEnd(w.name)}  ${''.padEnd(w.size)}  ${money(estimate.totalMonthlyUsd - own).padStart(w.usd)}`,
  ];
}

function fmtNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

/** Writes the chart; returns why it could not (the caller prints the estimate first). */
function writeChart(
  file: string,
  estimate: CostEstimate,
  crossover: NonNullable<ReturnType<typeof findCrossover>>,
): ChartNotWrittenError | undefined {
  // From 10k requests/month to 100× the crossover (at least 1B): where the decision is made.
  const high = Math.max(1e9, (crossover.requestsPerMonth ?? 1e9) * 100);
  const steps = 60;
  const volumes = Array.from(
    { length: steps + 1 },
    (_, i) => 10 ** (4 + (Math.log10(high) - 4) * (i / steps)),
  );
  const points = costCurves(crossover, volumes);
  const markers =
    crossover.requestsPerMonth !== undefined
      ? [
          {
            x: crossover.requestsPerMonth,
            y: crossover.costAt('api-gateway', crossover.requestsPerMonth),
            label: `crossover: ${compact(crossover.requestsPerMonth)} requests/month`,
          },
        ]
      : [];
  const svg = renderLineChart({
    title: `${estimate.app}: monthly cost by ingress pattern (${estimate.region})`,
    xLabel: 'requests per month (log scale)',
    yLabel: 'USD per month (log scale)',
    yScale: 'log',
    series: [
      {
        label: `API Gateway + VPC link${crossover.current === 'api-gateway' ? ' (as deployed)' : ''}`,
        color: '#db2777',
        points: points.map((p) => ({ x: p.requestsPerMonth, y: p.apiGatewayUsd })),
      },
      {
        label: `public ALB${crossover.current === 'alb' ? ' (as deployed)' : ''}`,
        color: '#2563eb',
        points: points.map((p) => ({ x: p.requestsPerMonth, y: p.albUsd })),
      },
    ],
    markers,
  });
  const svgFile = file.replace(/\.png$/i, '.svg');
  let content: string | Buffer = svg;
  if (/\.png$/i.test(file)) {
    try {
      content = svgToPng(svg, { instead: `Or write the chart as SVG: --chart ${svgFile}.` });
    } catch (error) {
      // A missing converter is the user's to install; one that ran and failed is not.
      const missing = isWharfError(error) && error.source === 'user';
      return new ChartNotWrittenError(
        file,
        (error as Error).message,
        missing ? ['apt-get install librsvg2-bin', `--chart ${svgFile}`] : [`--chart ${svgFile}`],
      );
    }
  }
  try {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, content);
  } catch (error) {
    return new ChartNotWrittenError(file, `it cannot be written: ${(error as Error).message}.`, []);
  }
  return undefined;
}

/**
 * `--chart` was not written, though the estimate was printed: exit 2 after it. Carries the steps
 * that fix it and, under `--json`, the estimate (`result`) so stdout still holds it.
 */
export class ChartNotWrittenError extends UsageError {
  readonly nextSteps: readonly string[];
  /** The estimate printed (or, with `--json`, to print) before the failure. */
  result?: unknown;

  constructor(file: string, reason: string, nextSteps: readonly string[]) {
    super(`wharf cost: the chart '${file}' was not written (the estimate was): ${reason}`, {
      code: 'WHARF_COST_CHART',
    });
    this.nextSteps = nextSteps;
  }
}

function money(usd: number): string {
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function compact(n: number): string {
  for (const [size, suffix] of [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (n >= size) return `${Number((n / size).toFixed(2))}${suffix}`;
  }
  return String(Math.round(n));
}
