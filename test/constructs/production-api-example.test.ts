/**
 * examples/production-api synthesized offline as `wharf synth` and `wharf check` run it (the CDK
 * app in its folder, no AWS credentials): autoscaling, a custom domain over HTTPS and a stage
 * throttle on the API Gateway pattern, and every checker (AWS's CloudFormation validator, Wharf's
 * traps, cdk-nag) passing it with nothing to report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_CONTEXT, CHECK_SYNTH_ENV, type CheckResult, checkLoaded } from '../../src/check/check.js';
import { type SynthesizedApp, synthesizeApp } from '../../src/synth/synth.js';
import type { CfnTemplate } from '../../src/template/model.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };

describe('examples/production-api', () => {
  let synthesized: SynthesizedApp | undefined;
  let checked: CheckResult | undefined;
  const templates = new Map<string, CfnTemplate>();
  beforeAll(async () => {
    synthesized = await synthesizeApp({
      dir: 'examples/production-api',
      context: CHECK_CONTEXT,
      env: { ...process.env, ...CHECK_SYNTH_ENV },
    });
    for (const stack of synthesized.apps[0]?.stacks ?? [])
      templates.set(stack.path.join('/'), stack.template);
    checked = checkLoaded({ apps: synthesized.apps, assemblyDir: synthesized.assemblyDir });
  });
  afterAll(() => synthesized?.dispose());

  const resource = (stack: string, id: string): Resource => {
    const found = templates.get(stack)?.Resources?.[id] as Resource | undefined;
    if (!found) throw new Error(`no ${id} in ${stack}; stacks: ${[...templates.keys()].join(', ')}`);
    return found;
  };

  it('passes the CloudFormation validator, the traps and cdk-nag with no error or warning', () => {
    expect(checked?.checkers).toEqual(['cfn-validate', 'wharf-trap', 'cdk-nag']);
    expect(checked?.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(checked?.passed).toBe(true);
  });

  it('scales the service from 2 to 10 tasks on CPU (60 %) and memory (75 %), with no DesiredCount', () => {
    expect(resource('ServiceStack', 'ScalableTarget').Properties).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 10,
    });
    expect(resource('ServiceStack', 'CpuScaling').Properties).toMatchObject({
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 },
    });
    expect(resource('ServiceStack', 'MemoryScaling').Properties).toMatchObject({
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 75 },
    });
    expect(resource('ServiceStack', 'Service').Properties).not.toHaveProperty('DesiredCount');
  });

  it('serves https://api.example.com through a custom domain with a DNS-validated certificate', () => {
    expect(resource('ApiGatewayStack', 'Certificate').Properties).toEqual({
      DomainName: 'api.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'api.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
    expect(resource('ApiGatewayStack', 'ApiDomain').Type).toBe('AWS::ApiGatewayV2::DomainName');
    expect(resource('ApiGatewayStack', 'ApiMapping').Type).toBe('AWS::ApiGatewayV2::ApiMapping');
    expect(resource('ApiGatewayStack', 'AliasRecord').Properties).toMatchObject({
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      Name: 'api.example.com',
      Type: 'A',
    });
    expect(Object.keys(templates.get('')?.Outputs ?? {}).sort()).toEqual(['ApiGatewayUri', 'DomainName']);
  });

  it('throttles the stage at 500 requests/s with a burst of 1000', () => {
    expect(resource('ApiGatewayStack', 'ApiGatewayStage').Properties?.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 500,
      ThrottlingBurstLimit: 1000,
    });
  });
});
