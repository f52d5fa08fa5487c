/**
 * `wharf dev` end to end on the seeds-shaped API Gateway templates (a parent with
 * `AWS::Serverless::Application` children): API Gateway → VPC link → Cloud Map → two tasks on
 * Docker. Behaviour references are to docs/reference/aws-behavior.md.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiscoverInstancesCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../../support/docker.js';
import { buildTestImages, WEB_IMAGE } from '../../support/web-image.js';
import {
  API_GATEWAY_PARENT,
  containersOfRun,
  eventually,
  get,
  ingressUrl,
  listeningPorts,
  loadUntil,
  portClosed,
  type StartedCloud,
  startCloud,
} from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const hasDocker = await requireDocker();

describe.skipIf(!hasDocker)(
  'wharf dev: API Gateway → VPC link → Cloud Map → Fargate (seeds-shaped YAML)',
  () => {
    let started: StartedCloud;
    let url: string;

    beforeAll(async () => {
      buildTestImages();
      started = await startCloud({
        template: API_GATEWAY_PARENT,
        runtime: 'docker',
        overrides: { images: { web: WEB_IMAGE } },
      });
      await started.cloud.waitUntilReady(60_000);
      url = ingressUrl(started.cloud, 'api-gateway');
    });

    afterAll(async () => {
      await started?.cloud.stop();
    });

    it('prints the local URL in place of the ApiGatewayUri output', () => {
      expect(started.cloud.outputs.ApiGatewayUri).toBe(url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it('serves HTTP 200 through the local API Gateway, and both tasks receive requests (§1.2 random choice)', async () => {
      const servers = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const response = await get(`${url}/`);
        expect(response.status).toBe(200);
        expect(response.headers['apigw-requestid']).toMatch(/^[A-Za-z0-9+/]{15}=$/);
        servers.add(response.body.trim());
      }
      expect(servers.size).toBe(2);
      for (const server of servers) expect(server).toMatch(/^hello from [0-9a-f]{12}$/);
    });

    it("passes a task's own 404 through unchanged: the $default route sends every path to the integration (§1.1, §1.4)", async () => {
      // busybox httpd answers 404 (text/html) for a missing file; a gateway 404 would be JSON.
      const response = await get(`${url}/no/such/file`);
      expect(response.status).toBe(404);
      expect(response.headers['apigw-requestid']).toBeTypeOf('string');
      expect(response.headers['content-type']).not.toBe('application/json');
    });

    it('registers both tasks in Cloud Map with the attributes ECS writes (official SDK, §4.2)', async () => {
      const endpoint = started.cloud.endpoints.find((e) => e.kind === 'cloud-map');
      const client = new ServiceDiscoveryClient({
        endpoint: endpoint?.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        disableHostPrefix: true,
      });
      const answer = await client.send(
        new DiscoverInstancesCommand({ NamespaceName: 'internal', ServiceName: 'web', HealthStatus: 'ALL' }),
      );
      client.destroy();
      const instances = answer.Instances ?? [];
      expect(instances).toHaveLength(2);
      const tasks = started.cloud.status().services[0]?.tasks.filter((t) => t.lastStatus === 'RUNNING') ?? [];
      expect(new Set(instances.map((i) => i.InstanceId))).toEqual(new Set(tasks.map((t) => t.taskId)));
      for (const instance of instances) {
        expect(instance.Attributes).toMatchObject({
          AWS_INSTANCE_PORT: '80',
          REGION: 'us-east-1',
          ECS_SERVICE_NAME: 'web',
          ECS_TASK_DEFINITION_FAMILY: 'web',
        });
        expect(instance.Attributes?.AWS_INSTANCE_IPV4).toMatch(/^10\.0\.\d+\.\d+$/);
        expect(instance.Attributes?.AVAILABILITY_ZONE).toMatch(/^us-east-1[ab]$/);
      }
      // Fargate spreads the two tasks over the two subnets, so over two AZs (§3.1).
      expect(new Set(instances.map((i) => i.Attributes?.AVAILABILITY_ZONE)).size).toBe(2);
    });

    it('writes access log lines rendered from the stage Format into the log group folder (§1.9)', async () => {
      // The one log group with access logs: the stage's AccessLogs group.
      const files = () =>
        readdirSync(started.cloud.logDir)
          .map((group) => join(started.cloud.logDir, group, 'access.log'))
          .filter((file) => existsSync(file));
      const lines = () =>
        files()[0]
          ? readFileSync(files()[0] as string, 'utf8')
              .trim()
              .split('\n')
          : [];
      const response = await get(`${url}/logged`);
      const requestId = response.headers['apigw-requestid'] as string;
      // $context.requestId is the apigw-requestid the client received.
      const line = () => lines().find((l) => l.includes(`"id":"${requestId}"`));
      await eventually('the access log line of this request', () => line() !== undefined);
      expect(files()).toHaveLength(1);
      const last = line() ?? '';
      expect(JSON.parse(last)).toEqual({ id: requestId, status: '404' });
    });

    it('replaces a killed task; API Gateway stops sending it traffic once it is deregistered (§3.5, §5.2)', async () => {
      const service = () => started.cloud.status().services[0];
      const victim = service()?.tasks.find((t) => t.lastStatus === 'RUNNING');
      expect(victim).toBeDefined();
      let replaced = false;
      const load = loadUntil(`${url}/`, 4, () => replaced);
      await new Promise((r) => setTimeout(r, 500));
      const { execFileSync } = await import('node:child_process');
      execFileSync('docker', ['kill', victim?.handles[0] as string]);
      await eventually('a replacement task RUNNING and the victim STOPPED', () => {
        const tasks = service()?.tasks ?? [];
        const stopped = tasks.find((t) => t.taskId === victim?.taskId);
        const running = tasks.filter((t) => t.lastStatus === 'RUNNING' && t.taskId !== victim?.taskId);
        return stopped?.lastStatus === 'STOPPED' && running.length === 2;
      });
      replaced = true;
      const tally = await load;
      const stopped = service()?.tasks.find((t) => t.taskId === victim?.taskId);
      expect(stopped?.stoppedReason).toBe('Essential container in task exited');
      const failed = tally.total - (tally.byStatus[200] ?? 0);
      console.log(
        `API Gateway path, task killed under load: ${failed} of ${tally.total} requests failed (${JSON.stringify(tally.byStatus)})`,
      );
      // Requests in flight to the killed task and those routed before deregistration may fail with
      // 503 (§5.2); after that every request succeeds.
      expect(Object.keys(tally.byStatus).every((s) => s === '200' || s === '503')).toBe(true);
      expect(failed).toBeLessThan(tally.total);
      for (let i = 0; i < 20; i++) expect((await get(`${url}/`)).status).toBe(200);
    });

    it('after stop, no container of the run remains and no port stays bound', async () => {
      const ports = listeningPorts(started.cloud);
      await started.cloud.stop();
      expect(await containersOfRun(started.cloud.runId)).toBe(0);
      for (const port of ports) expect(await portClosed(port)).toBe(true);
    });
  },
);
