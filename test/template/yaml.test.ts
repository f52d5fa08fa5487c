// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings use ${…} literally.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isWharfError, TemplateError } from '../../src/errors.js';
import { parseTemplate } from '../../src/template/yaml.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/templates/${name}`, import.meta.url));
const parseFixture = (name: string) => parseTemplate(readFileSync(fixture(name), 'utf8'), fixture(name));

function thrown(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    expect(isWharfError(error)).toBe(true);
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('parseTemplate', () => {
  const template = parseFixture('short-forms.yml');
  const tags = Object.fromEntries(
    ((template.Resources.Bucket.Properties?.Tags ?? []) as { Key: string; Value: unknown }[]).map((t) => [
      t.Key,
      t.Value,
    ]),
  );

  it.each([
    ['joined', { 'Fn::Join': ['-', ['a', { Ref: 'Stage' }]] }],
    ['selected', { 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] }],
    ['az', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
    ['mapped', { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Cpu'] }],
    ['conditional', { 'Fn::If': ['IsProd', 'big', 'small'] }],
    ['imported', { 'Fn::ImportValue': 'shared-vpc-id' }],
    ['encoded', { 'Fn::Base64': 'hello' }],
    ['list-sub', { 'Fn::Sub': ['${Name}-${Bucket.Arn}', { Name: { Ref: 'Stage' } }] }],
    ['attr-list', { 'Fn::GetAtt': ['Bucket', 'Arn'] }],
    ['attr-string', { 'Fn::GetAtt': ['Bucket', 'DomainName'] }],
    ['cidrs', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
    [
      'transformed',
      { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://bucket/snippet.yml' } } },
    ],
  ])('turns the short form in tag %s into the long form', (key, expected) => {
    expect(tags[key]).toEqual(expected);
  });

  it('turns !Sub strings and condition functions into the long form', () => {
    expect(template.Resources.Bucket.Properties?.BucketName).toEqual({
      'Fn::Sub': '${AWS::StackName}-${Stage}',
    });
    expect(template.Conditions).toEqual({
      IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
      IsNotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
      Either: { 'Fn::Or': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['dev', { Ref: 'Stage' }] }] },
      Both: { 'Fn::And': [{ Condition: 'IsNotProd' }, { Condition: 'Either' }] },
    });
  });

  it('keeps the dots of an attribute after the first one (!GetAtt Stack.Outputs.X)', () => {
    const parsed = parseTemplate(
      'Resources:\n  R:\n    Type: T\n    Properties:\n      V: !GetAtt Net.Outputs.Ids\n',
      'x.yml',
    );
    expect(parsed.Resources.R.Properties?.V).toEqual({ 'Fn::GetAtt': ['Net', 'Outputs.Ids'] });
  });

  it('parses JSON templates', () => {
    const json = parseFixture('short-forms.json');
    expect(json.Resources.Topic.Properties?.TopicName).toEqual({ 'Fn::Sub': '${AWS::StackName}-events' });
  });

  it('throws when the file is not YAML, naming the file, line and column', () => {
    const error = thrown(() => parseFixture('broken/not-yaml.txt'));
    expect(error.message).toContain(fixture('broken/not-yaml.txt'));
    expect(error.message).toMatch(/line \d+, column \d+: not valid YAML/);
    expect(error.code).toBe('WHARF_TEMPLATE_INVALID');
  });

  it('throws when JSON is malformed, naming the line', () => {
    const error = thrown(() => parseTemplate('{\n  "Resources": {,\n}', 'bad.json'));
    expect(error.message).toMatch(/^bad\.json: line 2, column \d+: not valid JSON/);
  });

  it('throws when the template has no Resources section', () => {
    const error = thrown(() => parseFixture('broken/no-resources.yml'));
    expect(error.location).toEqual({ file: fixture('broken/no-resources.yml'), propertyPath: 'Resources' });
    expect(error.message).toContain('no Resources section; expected a mapping');
  });

  it('throws when Resources is not a mapping, with its line', () => {
    const error = thrown(() => parseFixture('broken/resources-list.yml'));
    expect(error.message).toContain('line 3, column 3: Resources is a list');
  });

  it('throws when the top level is not a mapping', () => {
    expect(thrown(() => parseFixture('broken/not-a-template.yml')).message).toContain(
      'the top level is a list',
    );
  });

  it('throws when a resource has no Type, naming its logical id', () => {
    const error = thrown(() => parseTemplate('Resources:\n  Queue:\n    Properties: {}\n', 'q.yml'));
    expect(error.location).toEqual({ file: 'q.yml', logicalId: 'Queue', propertyPath: 'Type' });
  });
});
