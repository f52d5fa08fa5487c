#!/usr/bin/env node
/**
 * Writes test/support/mock-aws/api-models/constraints.json: for every action the mocked AWS
 * implements, the constraints of its input as the service's API model states them (required
 * members, string length, pattern, enum values, number range, list length), taken from botocore's
 * machine-readable models (`botocore/data/<service>/<version>/service-2.json[.gz]`).
 *
 * The AWS SDK for JavaScript v3 packages carry their Smithy schemas without these traits (only
 * member names, types and how many members are required), so botocore is the model source: the
 * Debian package `python3-botocore` (`apt-get install python3-botocore`) or any pip-installed
 * botocore. Run:
 *
 *   node scripts/aws-api-constraints.mjs [path/to/botocore/data]
 *
 * Without a path it asks `python3` where botocore is. The output names the botocore version.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Service (botocore name) → the actions the mock implements (keep in step with test/support/mock-aws). */
const ACTIONS = {
  cloudformation: [
    'DescribeStacks',
    'ListStacks',
    'DescribeStackEvents',
    'DescribeStackResources',
    'DescribeStackResource',
    'ListStackResources',
    'GetTemplate',
    'GetTemplateSummary',
    'ValidateTemplate',
    'CreateChangeSet',
    'DescribeChangeSet',
    'ListChangeSets',
    'ExecuteChangeSet',
    'DeleteChangeSet',
    'CreateStack',
    'UpdateStack',
    'DeleteStack',
    'CancelUpdateStack',
    'ContinueUpdateRollback',
    'RollbackStack',
    'UpdateTerminationProtection',
    'ListExports',
    'ListImports',
  ],
  sts: ['GetCallerIdentity', 'AssumeRole'],
  ssm: ['GetParameter'],
  ec2: ['DescribeAvailabilityZones'],
  ecs: ['DescribeServices', 'ListServices', 'ListTasks', 'DescribeTasks', 'DescribeTaskDefinition'],
  logs: ['GetLogEvents', 'FilterLogEvents', 'DescribeLogStreams'],
  cloudtrail: ['LookupEvents'],
  ecr: ['DescribeRepositories', 'GetAuthorizationToken', 'DescribeImages'],
};

function botocoreData() {
  if (process.argv[2]) return process.argv[2];
  const dir = execFileSync(
    'python3',
    ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'],
    {
      encoding: 'utf8',
    },
  ).trim();
  return join(dir, 'data');
}

function botocoreVersion(data) {
  try {
    const init = readFileSync(join(dirname(data), '__init__.py'), 'utf8');
    return /__version__ = '([^']+)'/.exec(init)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function readModel(data, service) {
  const versions = readdirSync(join(data, service)).sort();
  const dir = join(data, service, versions[versions.length - 1]);
  const plain = join(dir, 'service-2.json');
  if (existsSync(plain)) return JSON.parse(readFileSync(plain, 'utf8'));
  return JSON.parse(gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8'));
}

/** A shape with only what validation needs. */
function slim(shape) {
  const out = { type: shape.type };
  for (const key of ['min', 'max', 'pattern', 'enum', 'required'])
    if (shape[key] !== undefined) out[key] = shape[key];
  if (shape.members) {
    out.members = {};
    for (const [name, member] of Object.entries(shape.members)) {
      const m = { shape: member.shape };
      if (member.location) m.location = member.location;
      if (member.locationName) m.locationName = member.locationName;
      if (member.flattened) m.flattened = true;
      out.members[name] = m;
    }
  }
  if (shape.member) out.member = { shape: shape.member.shape };
  if (shape.key) out.key = { shape: shape.key.shape };
  if (shape.value) out.value = { shape: shape.value.shape };
  return out;
}

function collect(model, name, into) {
  if (into[name]) return;
  const shape = model.shapes[name];
  into[name] = slim(shape);
  const refs = [
    ...Object.values(shape.members ?? {}).map((m) => m.shape),
    shape.member?.shape,
    shape.key?.shape,
    shape.value?.shape,
  ].filter(Boolean);
  for (const ref of refs) collect(model, ref, into);
}

const data = botocoreData();
const out = { source: `botocore ${botocoreVersion(data)} (botocore/data/*/service-2.json)`, services: {} };
for (const [service, actions] of Object.entries(ACTIONS)) {
  const model = readModel(data, service);
  const shapes = {};
  const operations = {};
  for (const action of actions) {
    const input = model.operations[action]?.input?.shape;
    if (!model.operations[action]) throw new Error(`${service} has no operation ${action}`);
    operations[action] = input ?? null;
    if (input) collect(model, input, shapes);
  }
  out.services[service] = {
    apiVersion: model.metadata.apiVersion,
    protocol: model.metadata.protocol,
    operations,
    shapes,
  };
}
const target = join(
  dirname(fileURLToPath(import.meta.url)),
  '../test/support/mock-aws/api-models/constraints.json',
);
writeFileSync(target, `${JSON.stringify(out)}\n`);
console.log(`wrote ${target} from ${out.source}`);
