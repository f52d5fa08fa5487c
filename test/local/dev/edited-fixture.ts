/**
 * The seeds-like API Gateway fixture, copied to a temporary folder with the edits a test needs:
 * a `wharf:local:command` on the task definition, another container health check command, a
 * deployment circuit breaker. The edits are plain text replacements that fail loudly when the
 * fixture no longer has the text they replace.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture } from './support.js';

/** What to change in `service.yml`. */
export interface FixtureEdits {
  /** The task definition's `wharf:local:command` metadata. */
  readonly localCommand?: string;
  /** The container's `HealthCheck.Command` shell command (CMD-SHELL), and its interval in seconds. */
  readonly healthCheck?: { readonly shell: string; readonly intervalSeconds: number };
  /** Adds `DeploymentCircuitBreaker: { Enable: true, Rollback: true }`. */
  readonly circuitBreaker?: boolean;
}

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture service.yml no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, () => to);
}

/** Copies the API Gateway fixture with `edits`; returns the path of its `parent.yml`. */
export function editedApiGatewayFixture(edits: FixtureEdits): string {
  const dir = copyFixture('api-gateway');
  const file = join(dir, 'service.yml');
  let text = readFileSync(file, 'utf8');
  if (edits.localCommand !== undefined) {
    text = replaceOnce(
      text,
      '  TaskDefinition:\n    Type: AWS::ECS::TaskDefinition\n',
      `  TaskDefinition:\n    Type: AWS::ECS::TaskDefinition\n    Metadata:\n      wharf:local:command: ${JSON.stringify(edits.localCommand)}\n`,
    );
  }
  if (edits.healthCheck) {
    text = replaceOnce(
      text,
      'Command: [CMD-SHELL, "curl -fs http://localhost/ || exit 1"]\n            Interval: 10',
      `Command: [CMD-SHELL, ${JSON.stringify(edits.healthCheck.shell)}]\n            Interval: ${edits.healthCheck.intervalSeconds}`,
    );
  }
  if (edits.circuitBreaker) {
    text = replaceOnce(
      text,
      '      DeploymentConfiguration:\n',
      '      DeploymentConfiguration:\n        DeploymentCircuitBreaker:\n          Enable: true\n          Rollback: true\n',
    );
  }
  writeFileSync(file, text);
  return join(dir, 'parent.yml');
}
