import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import { loadCloudAssembly, loadTemplateFile } from '../../src/template/load.js';
import { listResources } from '../../src/template/query.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function thrown(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('loadTemplateFile', () => {
  it('loads a SAM parent (Transform + AWS::Serverless::Application Location) with its 4 nested stacks', () => {
    const app = loadTemplateFile(fixture('seeds-like/api-gateway/parent.yml'));
    expect(app.source).toBe('template-file');
    expect(app.name).toBe('parent');
    expect(app.stacks.map((s) => s.name)).toEqual([
      'parent.yml',
      'VpcStack',
      'ClusterStack',
      'ServiceStack',
      'ApiGatewayStack',
    ]);
    expect([...app.root.children.keys()]).toEqual([
      'VpcStack',
      'ClusterStack',
      'ServiceStack',
      'ApiGatewayStack',
    ]);
    const service = app.root.children.get('ServiceStack');
    expect(service?.file).toBe(fixture('seeds-like/api-gateway/service.yml'));
    expect(service?.path).toEqual(['ServiceStack']);
    expect(service?.parent?.stack).toBe(app.root);
    expect(service?.parent?.logicalId).toBe('ServiceStack');
    expect(app.unloaded).toEqual([]);
  });

  it('loads AWS::CloudFormation::Stack with relative TemplateURLs and records remote ones', () => {
    const app = loadTemplateFile(fixture('templates/cfn-stack/parent.yml'), { name: 'demo' });
    expect(app.name).toBe('demo');
    expect(app.stacks.map((s) => s.name)).toEqual(['parent.yml', 'Network', 'App']);
    expect(app.root.children.get('App')?.file).toBe(fixture('templates/cfn-stack/nested/app.yml'));
    expect(app.unloaded).toEqual([
      {
        stack: app.root,
        logicalId: 'Shared',
        propertyPath: 'Properties.TemplateURL',
        location: 'https://s3.amazonaws.com/some-bucket/shared.yml',
        reason: 'remote',
      },
    ]);
  });

  it('throws when a nested template is missing, naming parent file, logical id, property and the path looked for', () => {
    const error = thrown(() => loadTemplateFile(fixture('templates/missing-nested/parent.yml')));
    expect(error.code).toBe('WHARF_TEMPLATE_NOT_FOUND');
    expect(error.location).toEqual({
      file: fixture('templates/missing-nested/parent.yml'),
      logicalId: 'ServiceStack',
      propertyPath: 'Properties.Location',
    });
    expect(error.message).toContain('ServiceStack.Properties.Location');
    expect(error.message).toContain(fixture('templates/missing-nested/not-here.yml'));
  });

  it('throws when the root file does not exist', () => {
    expect(thrown(() => loadTemplateFile(fixture('templates/nope.yml'))).code).toBe(
      'WHARF_TEMPLATE_NOT_FOUND',
    );
  });

  it('throws when the file is not YAML', () => {
    expect(thrown(() => loadTemplateFile(fixture('templates/broken/not-yaml.txt'))).message).toContain(
      'not valid YAML',
    );
  });

  it('throws when nested stacks form a cycle', () => {
    const error = thrown(() => loadTemplateFile(fixture('templates/cycle/a.yml')));
    expect(error.code).toBe('WHARF_TEMPLATE_CYCLE');
    expect(error.location).toMatchObject({ logicalId: 'A', propertyPath: 'Properties.TemplateURL' });
  });
});

describe('loadCloudAssembly', () => {
  const dir = fixture('templates/cdk-out');

  it('loads every stack of the assembly', () => {
    expect(loadCloudAssembly(dir).map((app) => app.name)).toEqual(['wharf-app', 'Other']);
  });

  it('finds nested stacks by aws:asset:path metadata and by the asset manifest', () => {
    const [app] = loadCloudAssembly(dir, 'WharfApp');
    expect(app.source).toBe('cloud-assembly');
    expect(app.root.name).toBe('wharf-app');
    expect(app.stacks.map((s) => s.file)).toEqual([
      `${dir}/WharfApp.template.json`,
      `${dir}/WharfAppNetwork1234ABCD.nested.template.json`,
      `${dir}/WharfAppService5678EFGH.nested.template.json`,
    ]);
  });

  it('throws when no stack has the given name, listing the stacks', () => {
    expect(thrown(() => loadCloudAssembly(dir, 'Missing')).message).toContain('stacks: wharf-app, Other');
  });

  it('throws when the directory has no manifest', () => {
    expect(thrown(() => loadCloudAssembly(fixture('templates/cycle'))).message).toContain(
      'Run `cdk synth` first',
    );
  });
});

describe('listResources', () => {
  it('yields resources of every stack, root first, filtered by type', () => {
    const app = loadTemplateFile(fixture('seeds-like/api-gateway/parent.yml'));
    const groups = [...listResources(app, 'AWS::Logs::LogGroup')].map(
      (r) => `${r.stack.name}/${r.logicalId}`,
    );
    expect(groups).toEqual(['ServiceStack/LogGroup', 'ApiGatewayStack/AccessLogs']);
    expect([...listResources(app)].length).toBeGreaterThan(20);
  });
});
