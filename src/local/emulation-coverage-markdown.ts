/**
 * The README's list of what `wharf dev` emulates and what it does not, rendered from the tables
 * the warnings come from: the resource types of `model.ts` and the ECS properties of
 * `emulation-coverage.ts`. `npm run docs:emulation` writes it between the two markers of
 * README.md; a test fails when the README block differs from {@link renderEmulationCoverage}.
 */

import {
  type Coverage,
  type CoveredResourceType,
  coverageOf,
  type PropertyCoverage,
} from './emulation-coverage.js';
import { EMULATED_TYPES, EMULATED_WITH_LIMITS, NOT_EMULATED } from './model.js';

/** The line that opens the generated block in README.md. */
export const BLOCK_START =
  '<!-- emulation-coverage:start (generated from src/local/emulation-coverage.ts by `npm run docs:emulation`: edit the table, not this block) -->';
/** The line that closes it. */
export const BLOCK_END = '<!-- emulation-coverage:end -->';

const ORDER: readonly Coverage[] = ['emulated', 'not-emulated', 'ignored'];
const LABEL: Record<Coverage, string> = {
  emulated: 'emulated',
  'not-emulated': '**not emulated**: a warning',
  ignored: 'ignored, no warning',
};

function code(text: string): string {
  return `\`${text}\``;
}

function propertyCell(entry: PropertyCoverage): string {
  const cell = entry.when ? `${code(entry.property)} ${entry.when.text}` : code(entry.property);
  return entry.whenAbsent ? `${cell}, or not set (${entry.whenAbsent.text})` : cell;
}

function labelCell(entry: PropertyCoverage): string {
  return entry.warnedElsewhere ? '**not emulated**: its own warning' : LABEL[entry.coverage];
}

function propertyTable(resourceType: CoveredResourceType): string[] {
  const rows = coverageOf(resourceType);
  const sorted = ORDER.flatMap((coverage) => rows.filter((entry) => entry.coverage === coverage));
  return [
    '| Property | Locally | |',
    '|---|---|---|',
    ...sorted.map((entry) => `| ${propertyCell(entry)} | ${labelCell(entry)} | ${entry.note} |`),
  ];
}

/** The block's content (without the markers), deterministic. */
export function renderEmulationCoverage(): string {
  const emulated = [...EMULATED_TYPES]
    .sort()
    .map((type) => {
      const limit = EMULATED_WITH_LIMITS[type];
      return limit
        ? `${code(type)} (${limit.when ? `${limit.when}: ` : ''}${limit.note}, a warning each)`
        : code(type);
    })
    .join(', ');
  const notEmulated = Object.entries(NOT_EMULATED)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, why]) => `${code(type)} (${why})`)
    .join(', ');
  return [
    `**Resource types.** Emulated: ${emulated}. Not emulated, a warning each: ${notEmulated}. Any other ` +
      'type has no local effect (IAM, routes, NAT, …) and is listed once when the run starts.',
    '',
    '**ECS properties.** Every property of `AWS::ECS::TaskDefinition` (its container definitions as ' +
      '`ContainerDefinitions[].…`) and `AWS::ECS::Service` in the CloudFormation specification, and ' +
      'what `wharf dev` does with it. A not-emulated property prints one warning per resource that ' +
      'uses it when the run starts, naming the file, the resource and the property, e.g. ' +
      '`service.yml: TaskDefinition: ContainerDefinitions[].Ulimits (container web) is not emulated: …`.',
    '',
    '`AWS::ECS::TaskDefinition`:',
    '',
    ...propertyTable('AWS::ECS::TaskDefinition'),
    '',
    '`AWS::ECS::Service`:',
    '',
    ...propertyTable('AWS::ECS::Service'),
  ].join('\n');
}

/**
 * `readme` with the block between {@link BLOCK_START} and {@link BLOCK_END} replaced by
 * `content`. Throws when the markers are missing or out of order.
 */
export function replaceCoverageBlock(readme: string, content: string): string {
  const start = readme.indexOf(BLOCK_START);
  const end = readme.indexOf(BLOCK_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no block between '${BLOCK_START}' and '${BLOCK_END}'`);
  }
  return `${readme.slice(0, start + BLOCK_START.length)}\n${content}\n${readme.slice(end)}`;
}
