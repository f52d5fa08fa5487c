import { describe, expect, it } from 'vitest';
import {
  circuitBreakerScenario,
  DeployProgressModel,
  destroyDeleteFailedScenario,
  nestedFailureRollbackScenario,
  type ProgressScenario,
  ROOT,
  renderSummary,
  replayScenario,
  successfulCreateScenario,
} from '../../../src/deploy/progress/index.js';

function modelAfter(scenario: ProgressScenario, until?: number): DeployProgressModel {
  let time = scenario.start.getTime();
  const model = new DeployProgressModel({ now: () => time });
  replayScenario(model, scenario, { setTime: (ms) => (time = ms), until });
  return model;
}

function summaryLines(model: DeployProgressModel): string[] {
  const text = renderSummary(model);
  expect(text.endsWith('\n')).toBe(true);
  expect(text).not.toContain('\u001b');
  return text.split('\n').slice(0, -1);
}

describe('renderSummary: what failed and why, at the end of a run', () => {
  it('says how long a successful deploy took', () => {
    expect(summaryLines(modelAfter(successfulCreateScenario()))).toEqual([
      'Deployed MyApp in 2m05s (CREATE_COMPLETE, 2/2 resources).',
    ]);
  });

  it("names the failed resource in the nested stack with CloudFormation's reason, not the nested stack that echoes it", () => {
    expect(summaryLines(modelAfter(nestedFailureRollbackScenario()))).toEqual([
      'Deploy of MyApp failed after 1m27s (ROLLBACK_COMPLETE).',
      '',
      '1 resource failed:',
      '  MyApp/ServiceStack/Service  ECS::Service  CREATE_FAILED',
      '    Resource handler returned message: "Invalid request provided: CreateService error: The target group with targetGroupArn arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/MyApp-Targets/6d0ecf831eec9f09 does not have an associated load balancer." (RequestToken: 5f1d1b9e-2a83-4d0c-b0d6-3c1f0c7c9a11, HandlerErrorCode: InvalidRequest)',
    ]);
  });

  it('adds the ECS rollout of a failed service: circuit breaker, stopped tasks with exit codes, last log lines', () => {
    expect(summaryLines(modelAfter(circuitBreakerScenario()))).toEqual([
      'Deploy of MyApp failed after 3m02s (ROLLBACK_COMPLETE).',
      '  The deployment circuit breaker stopped the rollout of ServiceStack/Service: its tasks keep exiting.',
      '',
      '1 resource failed:',
      '  MyApp/ServiceStack/Service  ECS::Service  CREATE_FAILED',
      '    Resource handler returned message: "Error occurred during operation \'ECS Deployment Circuit Breaker was triggered\'." (RequestToken: 0b6c2f4e-91d7-4a3e-8f25-6e0d9b7a1c38, HandlerErrorCode: GeneralServiceException)',
      '    tasks 0/2 running · rollout FAILED · circuit breaker 3/3 failed',
      '    rollout failed: ECS deployment circuit breaker: tasks failed to start.',
      '    task 1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6 stopped: Essential container in task exited (exit 1)',
      '      │ > node dist/server.js',
      '      │ listening on :8080',
      '      │ Error: connect ECONNREFUSED 10.0.3.17:5432',
      '      │     at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
      '      │ fatal: database unreachable, exiting',
      '    task 9e8d7c6b5a4f4e3d8c2b1a0f9e8d7c6b stopped: Essential container in task exited (exit 1)',
      '      │ (same log lines as task 1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6)',
      '    task 4c1f2a9e0b8d4e7f9a1b2c3d4e5f6a7b stopped: Essential container in task exited (exit 1)',
      '      │ (same log lines as task 1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6)',
    ]);
  });

  it('explains a deploy stopped early (fail fast) by the rollout of the service that keeps failing', () => {
    const model = modelAfter(circuitBreakerScenario(), 100);
    model.finished({
      stackName: ROOT,
      ok: false,
      message: 'Stopped: the tasks of ServiceStack/Service keep exiting.',
    });
    expect(summaryLines(model)).toEqual([
      'Deploy of MyApp failed after 1m37s (CREATE_IN_PROGRESS).',
      '  Stopped: the tasks of ServiceStack/Service keep exiting.',
      '',
      'ECS service MyApp/ServiceStack/Service (my-api):',
      '  tasks 0/2 running, 2 pending · rollout IN_PROGRESS · circuit breaker 1/3 failed',
      '  task 4c1f2a9e0b8d4e7f9a1b2c3d4e5f6a7b stopped: Essential container in task exited (exit 1)',
      '    │ > node dist/server.js',
      '    │ listening on :8080',
      '    │ Error: connect ECONNREFUSED 10.0.3.17:5432',
      '    │     at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
      '    │ fatal: database unreachable, exiting',
    ]);
  });

  it('reports what a destroy could not delete and why', () => {
    expect(summaryLines(modelAfter(destroyDeleteFailedScenario()))).toEqual([
      'Destroy of MyApp failed after 57s (DELETE_FAILED).',
      '  The following resource(s) failed to delete: [VpcStack].',
      '',
      '1 resource could not be deleted:',
      '  MyApp/VpcStack/Vpc  EC2::VPC  DELETE_FAILED',
      '    Resource handler returned message: "The vpc \'vpc-0a1b2c3d4e5f67890\' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400, Request ID: 7f3b9c1e-2d4a-4b8e-9f6c-0a1d2e3f4b5c)" (RequestToken: c2a7e9d1-5b3f-4e8a-9c6d-1f0e2d3c4b5a, HandlerErrorCode: InvalidRequest)',
    ]);
  });

  it('says when a run has not finished', () => {
    expect(summaryLines(modelAfter(successfulCreateScenario(), 60))).toEqual([
      'Deploy of MyApp has not finished after 57s (CREATE_IN_PROGRESS, 1/2 resources).',
    ]);
  });
});
