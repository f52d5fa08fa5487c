/**
 * `wharf check` traps on two task definitions of one family (issue 16): the traps follow each
 * service's `TaskDefinition` to the resource it names, never to the family, so a service is
 * compared with its own containers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrapRules } from '../../src/check/traps/index.js';
import { loadTemplateFile } from '../../src/template/load.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/any-ecs/shared-family.yml', import.meta.url));
const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('traps on task definitions that share a Family', () => {
  it('trips nothing when each service names a container and port of its own definition', () => {
    expect(runTrapRules(loadTemplateFile(FIXTURE))).toEqual([]);
  });

  it("reports port-mismatch for a service that names the other definition's port, though its family maps it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-family-'));
    folders.push(dir);
    const file = join(dir, 'shared-family.yml');
    const text = readFileSync(FIXTURE, 'utf8');
    const edited = text.replace(
      '- ContainerName: api\n          ContainerPort: 8081',
      '- ContainerName: api\n          ContainerPort: 8080',
    );
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    const findings = runTrapRules(loadTemplateFile(file)).map(
      (f) => `${f.ruleId} ${f.logicalId} ${f.propertyPath}`,
    );
    expect(findings).toContain('port-mismatch ApiService Properties.LoadBalancers.0.ContainerPort');
    expect(findings.filter((f) => f.includes('SiteService'))).toEqual([]);
  });
});
