/**
 * The examples in `--help` are command lines a new user can paste: `npx wharf …` (the bin of the
 * project's node_modules), never a bare `wharf`, which is on nobody's PATH.
 */

import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';

describe('--help examples', () => {
  for (const command of COMMANDS) {
    it(`wharf ${command.name}: every example runs npx wharf, never a bare wharf`, () => {
      const examples = (command.details.split('\nExamples:\n')[1] ?? '').split('\n').filter((l) => l.trim());
      expect(examples.length).toBeGreaterThan(0);
      expect(examples[0]).toMatch(new RegExp(`^  npx wharf ${command.name}\\b`));
      for (const line of examples) {
        expect(line).toContain('npx wharf ');
        expect(line.replaceAll('npx wharf ', '')).not.toMatch(/\bwharf /);
      }
    });
  }
});
