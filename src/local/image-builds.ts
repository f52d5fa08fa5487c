/**
 * The local cloud's images built from source: before tasks start and on every redeploy, each
 * container with a build spec (a Docker image asset of the CDK app) gets its build context hashed;
 * on Docker the image is built (unless an image with that content hash exists) and the container
 * runs the local tag instead of the ECR URI of the template. On the process runtime nothing is
 * built: the hash alone tells whether the folder changed, so the service rolls only when it did.
 * Builds run one after the other (they compete for the same CPUs), and a folder used by several
 * containers of a service is hashed and built once. Scheduled rules' task definitions are built
 * the same way (named after their family); a task definition only `--run-task` starts is not.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { type IoHost, SILENT_IO } from '../io/io-host.js';
import type {
  ContainerBuildSpec,
  ContainerConfig,
  EcsServiceConfig,
  TaskDefinitionConfig,
} from './ecs/types.js';
import type { ScheduledRuleConfig } from './events/types.js';
import type { LocalModel } from './model.js';
import { dockerfileBaseImages } from './runtime/dockerfile-base-images.js';
import { hashImageBuild, ImageBuilder } from './runtime/image-build.js';

/** Builds (Docker) or hashes (processes) a model's asset images. */
export class LocalImageBuilds {
  private readonly builder: ImageBuilder | undefined;

  /**
   * @param docker the Docker client of the Docker runtime; `undefined` on the process runtime
   *   (folders are hashed, not built).
   */
  constructor(docker: Docker | undefined, io: IoHost = SILENT_IO) {
    this.builder = docker ? new ImageBuilder(docker, io) : undefined;
  }

  /**
   * The registry images the model's Dockerfiles start `FROM`, each with the first Dockerfile and
   * container that need it (see `dockerfile-base-images.ts`). A Dockerfile that cannot be read is
   * skipped: its build reports it.
   */
  static baseImages(model: LocalModel): Record<string, { dockerfile: string; container: string }> {
    const found: Record<string, { dockerfile: string; container: string }> = {};
    for (const { definition } of startedDefinitions(model)) {
      for (const { build, name } of definition.containers) {
        if (!build) continue;
        const dockerfile = join(build.directory, build.file ?? 'Dockerfile');
        let text: string;
        try {
          text = readFileSync(dockerfile, 'utf8');
        } catch {
          continue;
        }
        for (const image of dockerfileBaseImages(text, build.buildArgs))
          found[image] ??= { dockerfile, container: name };
      }
    }
    return found;
  }

  /** True when the model has containers built from source. */
  static hasBuilds(model: LocalModel): boolean {
    return startedDefinitions(model).some(({ definition }) => definition.containers.some((c) => c.build));
  }

  /**
   * The model with every build spec's `contextHash` set and, on Docker, each such container's image
   * replaced by its local tag. Rejects with `ImageBuildError` when a build fails; nothing is changed then.
   */
  async prepare(model: LocalModel): Promise<LocalModel> {
    if (!LocalImageBuilds.hasBuilds(model)) return model;
    const done = new Map<string, Promise<{ image?: string; contextHash: string }>>();
    const prepareDefinition = async (owner: string, definition: TaskDefinitionConfig) => {
      const containers: ContainerConfig[] = [];
      for (const container of definition.containers) {
        const build = container.build;
        if (!build) {
          containers.push(container);
          continue;
        }
        const key = `${owner}\0${specKey(build)}`;
        let result = done.get(key);
        if (!result) {
          result = this.prepareOne(owner, container.name, build);
          done.set(key, result);
        }
        const { image, contextHash } = await result;
        containers.push({ ...container, image: image ?? container.image, build: { ...build, contextHash } });
      }
      return { ...definition, containers };
    };
    const services: EcsServiceConfig[] = [];
    for (const service of model.services) {
      services.push({
        ...service,
        taskDefinition: await prepareDefinition(service.name, service.taskDefinition),
      });
    }
    // A scheduled rule's task definition is built as a service's is, named after its family.
    const scheduledRules: ScheduledRuleConfig[] = [];
    for (const rule of model.scheduledRules) {
      const targets = [];
      for (const target of rule.targets) {
        const family = target.taskDefinition.family;
        targets.push({ ...target, taskDefinition: await prepareDefinition(family, target.taskDefinition) });
      }
      scheduledRules.push({ ...rule, targets });
    }
    return { ...model, services, scheduledRules };
  }

  private async prepareOne(
    serviceName: string,
    containerName: string,
    spec: ContainerBuildSpec,
  ): Promise<{ image?: string; contextHash: string }> {
    if (!this.builder) return { contextHash: (await hashImageBuild(spec)).contextHash };
    const built = await this.builder.build({ spec, serviceName, containerName });
    return { image: built.tag, contextHash: built.contextHash };
  }
}

/** The task definitions that start on their own: the services' and the scheduled rules'. */
function startedDefinitions(model: LocalModel): { definition: TaskDefinitionConfig }[] {
  return [
    ...model.services.map((s) => ({ definition: s.taskDefinition })),
    ...model.scheduledRules.flatMap((r) => r.targets.map((t) => ({ definition: t.taskDefinition }))),
  ];
}

/** What identifies a build, whatever was built before (the content hash is recomputed). */
function specKey(spec: ContainerBuildSpec): string {
  return JSON.stringify([spec.directory, spec.file, spec.buildArgs, spec.target, spec.platform]);
}
