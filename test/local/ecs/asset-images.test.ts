/**
 * Matching a task definition's image to the CDK app's Docker image assets, reading them from the
 * asset manifest, and the task definition revisions a roll registers.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetBuildFor } from '../../../src/local/ecs/asset-images.js';
import {
  latestRevisions,
  registerRevision,
  sameTaskDefinition,
} from '../../../src/local/ecs/task-definition-revision.js';
import type { TaskDefinitionConfig } from '../../../src/local/ecs/types.js';
import { readDockerImageAssets } from '../../../src/template/assets.js';

const ENV = {
  accountId: '123456789012',
  region: 'us-east-1',
  availabilityZones: ['us-east-1a'],
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
};
const HASH = '80b9a82ad779cdb7df063647c2e679f30eec4aa9250e456ec7b7e87fa86e7e75';

function assembly(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-assets-'));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        'App.assets': { type: 'cdk:asset-manifest', properties: { file: 'App.assets.json' } },
        App: { type: 'aws:cloudformation:stack', dependencies: ['App.assets'] },
      },
    }),
  );
  writeFileSync(
    join(dir, 'App.assets.json'),
    JSON.stringify({
      dockerImages: {
        [HASH]: {
          source: {
            directory: '/home/me/app/service',
            dockerFile: 'Dockerfile.prod',
            dockerBuildArgs: { A: '1' },
            dockerBuildTarget: 'runtime',
            platform: 'linux/arm64',
            dockerBuildSecrets: { npm: 'id=npm' },
          },
          destinations: {
            'current_account-current_region': {
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CDK's placeholders, not a JS template.
              repositoryName: 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}',
              imageTag: HASH,
            },
          },
        },
      },
    }),
  );
  return dir;
}

describe('Docker image assets', () => {
  const assets = readDockerImageAssets(assembly(), 'App');

  it('reads a stack’s image assets from its asset manifest, naming what a local build does not apply', () => {
    expect(assets).toHaveLength(1);
    expect(assets[0]).toMatchObject({
      hash: HASH,
      directory: '/home/me/app/service',
      file: 'Dockerfile.prod',
      buildArgs: { A: '1' },
      target: 'runtime',
      platform: 'linux/arm64',
      unsupported: ['dockerBuildSecrets'],
    });
  });

  it('matches the evaluated ECR image URI (pseudo parameters replaced) to the asset’s build spec', () => {
    const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-us-east-1:${HASH}`;
    expect(assetBuildFor(image, assets, ENV)).toEqual({
      directory: '/home/me/app/service',
      file: 'Dockerfile.prod',
      buildArgs: { A: '1' },
      target: 'runtime',
      platform: 'linux/arm64',
      assetHash: HASH,
    });
  });

  it.each([
    ['a registry image', 'public.ecr.aws/docker/library/nginx:latest'],
    [
      'another tag of the asset repository',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-us-east-1:other',
    ],
    [
      'another account',
      `999999999999.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-999999999999-us-east-1:${HASH}`,
    ],
  ])('leaves %s alone', (_what, image) => {
    expect(assetBuildFor(image, assets, ENV)).toBeUndefined();
  });
});

describe('task definition revisions', () => {
  const web = (image: string, contextHash: string, assetHash = 'cdk1'): TaskDefinitionConfig => ({
    arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    family: 'web',
    revision: 1,
    containers: [
      {
        name: 'web',
        image,
        essential: true,
        environment: {},
        secretNames: [],
        containerPorts: [8080],
        stopTimeoutSeconds: 30,
        initProcessEnabled: false,
        build: { directory: '/app', assetHash, contextHash },
      },
    ],
  });

  it('keeps the running revision when only the CDK asset hash differs (a re-synthesis of the same source)', () => {
    const current = web('wharf-local/web:aaa', 'aaa');
    expect(sameTaskDefinition(current, web('wharf-local/web:aaa', 'aaa', 'cdk2'))).toBe(true);
    expect(registerRevision(current, web('wharf-local/web:aaa', 'aaa', 'cdk2'))).toBe(current);
  });

  it('registers the next revision of the family for a new image, like RegisterTaskDefinition', () => {
    const two = registerRevision(web('wharf-local/web:aaa', 'aaa'), web('wharf-local/web:bbb', 'bbb'));
    expect(two).toMatchObject({
      revision: 2,
      arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
    });
    // The templates still say revision 1; the next change goes on from the running one.
    expect(registerRevision(two, web('wharf-local/web:ccc', 'ccc')).revision).toBe(3);
  });

  it('registers a rebuilt definition above every revision of its family, so it never takes another definition’s number', () => {
    // The templates hold web:1 and web:2 (two definitions of one family); web:1 is rebuilt.
    const second = {
      ...web('wharf-local/web:zzz', 'zzz'),
      revision: 2,
      arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2',
    };
    const latest = latestRevisions([web('wharf-local/web:aaa', 'aaa'), second]);
    expect(latest).toEqual(new Map([['web', 2]]));
    const rebuilt = registerRevision(
      web('wharf-local/web:aaa', 'aaa'),
      web('wharf-local/web:bbb', 'bbb'),
      latest.get('web'),
    );
    expect(rebuilt).toMatchObject({
      revision: 3,
      arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
    });
    // An unchanged definition keeps its number whatever the family's latest is.
    expect(registerRevision(second, second, 3)).toBe(second);
  });
});
