/**
 * Catches: a task definition container whose `Image` (traced through parameters to their
 * defaults, and through `Fn::Sub`/`Fn::Join`) is a registry reference with the tag `latest`, or
 * with no tag at all (which means `latest`).
 *
 * Why: a tag is a name the registry can move to another image at any time (ECR tags are mutable
 * unless the repository turns tag immutability on:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html), and
 * publishers move `latest` with every release. ECS resolves the tag to an image digest when a
 * service deployment starts and runs that digest for the whole deployment ("software version
 * consistency", for services created or updated since 25 June 2024 on Fargate platform 1.4.0:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html#deployment-container-image-stability,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerImage.html). So the
 * template does not say which image runs; the moment of the deployment does. A new image pushed
 * under `latest` is never deployed by a template change (CloudFormation sees no difference), and
 * ships unreviewed with the next unrelated deployment. With `VersionConsistency: disabled`, ECS
 * resolves the tag at every task launch, so the tasks of one service can run different images.
 *
 * Does not flag: digests (`@sha256:…`, immutable), other tags (`1.4.2`, but also series such as
 * `20-alpine` or `stable`: they are a deliberate choice of a release line, and a version tag in a
 * repository with tag immutability is the pinning ECR recommends), CDK image assets (tagged by
 * the hash of their content), and images it cannot trace (a parameter without a default).
 */

import { imagePinning, parseImageReference } from '../../aws/image-reference.js';
import type { LoadedApp } from '../../template/model.js';
import { listResources } from '../../template/query.js';
import { traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import { containersOf } from './ecs.js';
import type { TrapRule } from './rule.js';
import { stringOf, trapFinding } from './support.js';

/** Stands for a piece of a `Fn::Sub` that is not traced to a literal (a pseudo parameter, …). */
const UNTRACED = 'wharf-untraced-piece';

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const task of listResources(app, 'AWS::ECS::TaskDefinition')) {
    for (const container of containersOf(task)) {
      const raw = container.definition.Image;
      const traced = traceValue(task.stack, raw);
      const text =
        traced.kind === 'literal' ? String(traced.value) : traced.kind === 'text' ? traced.text : undefined;
      if (text === undefined) continue;
      const reference = parseImageReference(text.replace(/\$\{[^}]*\}/g, UNTRACED));
      if (!reference || reference.digest?.includes(UNTRACED)) continue;
      const pinning = imagePinning(reference);
      if (pinning !== 'latest' && pinning !== 'untagged') continue;
      // An untraced piece in the last path segment may hold the tag itself.
      if (pinning === 'untagged' && reference.repository.split('/').pop()?.includes(UNTRACED)) continue;
      // Quote only what the reference grammar allows (no control characters from a template).
      const repository = reference.repository.replaceAll(UNTRACED, '…');
      const shown = pinning === 'latest' ? `${repository}:latest` : repository;

      const name =
        container.name !== undefined && /^[A-Za-z0-9_-]{1,255}$/.test(container.name)
          ? container.name
          : `#${container.index}`;
      const parameter =
        typeof raw === 'object' && raw !== null && !Array.isArray(raw) && typeof raw.Ref === 'string'
          ? task.stack.template.Parameters?.[raw.Ref] && /^[A-Za-z0-9]{1,255}$/.test(raw.Ref)
            ? raw.Ref
            : undefined
          : undefined;
      const from = parameter ? ` (parameter ${parameter})` : '';
      const what = pinning === 'latest' ? 'the tag latest' : 'no tag, which means latest';
      const perLaunch =
        stringOf(task.stack, container.definition.VersionConsistency) === 'disabled'
          ? ' With VersionConsistency disabled, ECS resolves the tag again at every task launch, so tasks of one service can run different images.'
          : '';
      findings.push(
        trapFinding(imageTagMutable, task, {
          propertyPath: `Properties.ContainerDefinitions.${container.index}.Image`,
          message: `Container ${name} of task definition ${task.logicalId} runs ${shown}${from}, with ${what}: the template does not say which image runs. ECS resolves the tag when a deployment starts, so an image pushed under latest is not deployed by any template change and ships unreviewed with the next unrelated deployment.${perLaunch}`,
          fix: `Pin the image${parameter ? ` (the value of ${parameter})` : ''}: a version tag such as ${repository}:1.2.3 (in ECR, with tag immutability on), or a digest ${repository}@sha256:…; or build it from your own folder with image: { directory: 'app' }, which is tagged with the hash of its content.`,
        }),
      );
    }
  }
  return findings;
}

/** Registry images should be pinned by a version tag or a digest, not `latest`. */
export const imageTagMutable: TrapRule = {
  id: 'image-tag-mutable',
  title: 'Container image tagged latest (or untagged)',
  severity: 'warning',
  description:
    'A registry image with the tag latest, or no tag, is whatever the tag points to when ECS starts a deployment; the template does not pin what runs.',
  check,
};
