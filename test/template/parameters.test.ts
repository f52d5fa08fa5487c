/**
 * Parameter types as a specification: every type CloudFormation accepts is read (scalar, list,
 * Parameter Store), any other is refused naming the nearest allowed type. Sources:
 * docs/reference/aws-behavior-2.md §13.
 */
import { describe, expect, it } from 'vitest';
import {
  nearestParameterType,
  PARAMETER_TYPES,
  parameterValue,
  SSM_PLACEHOLDER,
} from '../../src/template/parameters.js';
import { failure } from '../support/thrown-error.js';

const AT = { file: '/virtual/app.yml' };

describe('parameter types CloudFormation accepts (§13)', () => {
  it.each([
    ['List<String>', 'a, b', ['a', 'b']],
    ['CommaDelimitedList', 'a,b', ['a', 'b']],
    ['List<Number>', '80,443', ['80', '443']],
    ['List<AWS::EC2::Subnet::Id>', 'subnet-1,subnet-2', ['subnet-1', 'subnet-2']],
    ['AWS::EC2::VPC::Id', 'vpc-1', 'vpc-1'],
    ['AWS::SSM::Parameter::Name', '/my/name', '/my/name'],
    ['AWS::SSM::Parameter::Value<String>', 'passed', 'passed'],
    ['AWS::SSM::Parameter::Value<List<String>>', 'eu-west-1a,eu-west-1b', ['eu-west-1a', 'eu-west-1b']],
    ['AWS::SSM::Parameter::Value<CommaDelimitedList>', 'x,y', ['x', 'y']],
    ['AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', 'ami-1', 'ami-1'],
    ['AWS::SSM::Parameter::Value<List<AWS::EC2::SecurityGroup::Id>>', 'sg-1,sg-2', ['sg-1', 'sg-2']],
  ])('reads %s: a passed %j gives %j', (type, value, expected) => {
    expect(parameterValue('P', { Type: type }, { value, source: '--parameter P=…' }, AT)).toEqual(expected);
  });

  it('gives an SSM list parameter with only a Default (the Parameter Store name) a one-item placeholder list', () => {
    expect(
      parameterValue(
        'Azs',
        { Type: 'AWS::SSM::Parameter::Value<List<String>>', Default: '/my/azs' },
        undefined,
        AT,
      ),
    ).toEqual([SSM_PLACEHOLDER]);
  });

  it('checks List<Number> items as numbers', () => {
    const error = failure(() =>
      parameterValue('Ports', { Type: 'List<Number>' }, { value: '80,http', source: '--parameter' }, AT),
    );
    expect(error.message).toMatch(/parameter Ports: 'http' is not a number/);
  });

  it.each([
    ['List<Strings>', 'List<String>'],
    ['AWS::EC2::Subnet::ID', 'AWS::EC2::Subnet::Id'],
    ['List<AWS::SSM::Parameter::Value<String>>', 'AWS::SSM::Parameter::Value<List<String>>'],
    ['AWS::SSM::Parameter::Value<Strings>', 'AWS::SSM::Parameter::Value<String>'],
    ['Integer', 'Number'],
  ])('refuses %s, naming the nearest allowed type %s', (type, nearest) => {
    const error = failure(() => parameterValue('P', { Type: type, Default: 'x' }, undefined, AT));
    expect(error.code).toBe('WHARF_PARAMETER_INVALID');
    expect(error.location).toMatchObject({ logicalId: 'P', propertyPath: 'Type' });
    expect(error.message).toContain(
      `which CloudFormation does not accept; the nearest allowed type is ${nearest}.`,
    );
    expect(nearestParameterType(type)).toBe(nearest);
  });

  it('accepts 54 types: 27 without Parameter Store, each also as AWS::SSM::Parameter::Value<…>', () => {
    const types = [...PARAMETER_TYPES.keys()];
    expect(types.length).toBe(54);
    expect(types.filter((t) => t.startsWith('AWS::SSM::Parameter::Value<')).length).toBe(27);
    expect(types).not.toContain('List<AWS::SSM::Parameter::Value<String>>');
  });
});
