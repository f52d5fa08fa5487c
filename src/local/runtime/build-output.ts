/**
 * Reading what Docker's classic builder streams back (`POST /build`): complete lines out of the
 * `stream` chunks (which split lines anywhere), the step in progress (`Step 3/5 : RUN …`), and where
 * in the Dockerfile a failure is (the line number Docker gives for a parse error, else the line of
 * the failing step). Pure.
 */

/** One instruction of a Dockerfile: its first line (1-based) and its text, continuations joined. */
export interface DockerfileInstruction {
  readonly line: number;
  readonly text: string;
}

/**
 * The instructions of a Dockerfile in order, as the classic builder numbers its steps: comments,
 * parser directives and blank lines skipped, `\`-continued lines joined (the escape character of an
 * `# escape=` directive honoured).
 * @example dockerfileInstructions('FROM node:22\n# hi\nRUN a \\\n  b\n') // [{line:1,…}, {line:3, text:'RUN a   b'}]
 */
export function dockerfileInstructions(text: string): DockerfileInstruction[] {
  const lines = text.split(/\r?\n/);
  let escapeChar = '\\';
  const directive = /^#\s*escape\s*=\s*(\S)\s*$/i;
  for (const line of lines) {
    const match = directive.exec(line.trim());
    if (match?.[1]) {
      escapeChar = match[1];
      break;
    }
    if (!/^#\s*\w+\s*=/.test(line.trim())) break;
  }
  const instructions: DockerfileInstruction[] = [];
  let current: { line: number; parts: string[] } | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) return;
    if (!current && trimmed === '') return;
    const continued = trimmed.endsWith(escapeChar);
    const part = continued ? trimmed.slice(0, -escapeChar.length) : trimmed;
    if (!current) current = { line: index + 1, parts: [] };
    current.parts.push(part);
    if (!continued) {
      instructions.push({ line: current.line, text: current.parts.join(' ').trim() });
      current = undefined;
    }
  });
  if (current) instructions.push({ line: current.line, text: current.parts.join(' ').trim() });
  return instructions;
}

/** `Step 3/5 : RUN npm ci` → 3; `undefined` for other lines. */
export function stepNumber(line: string): number | undefined {
  const match = /^Step (\d+)\/\d+ : /.exec(line);
  return match ? Number(match[1]) : undefined;
}

/** Removes terminal colour codes (the builder wraps a RUN step's stderr in red). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/** Splits streamed text into complete lines; keeps the unfinished tail for the next chunk. */
export class LineSplitter {
  private tail = '';

  /** The complete lines in `chunk` (with what was kept before it), without line ends. */
  push(chunk: string): string[] {
    const text = this.tail + chunk;
    const parts = text.split(/\r?\n/);
    this.tail = parts.pop() ?? '';
    return parts;
  }

  /** The unfinished tail, if any (call at the end of the stream). */
  flush(): string[] {
    const rest = this.tail;
    this.tail = '';
    return rest === '' ? [] : [rest];
  }
}

/** Whitespace collapsed, for comparing an instruction with BuildKit's step name. */
function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Where the builder was when it failed: the classic builder's step, or BuildKit's failed step name. */
export interface BuildPosition {
  /** The last `Step N/M` the classic builder printed. */
  readonly step?: number;
  /** The name of the step BuildKit reported failed, e.g. `[2/3] RUN npm ci`. */
  readonly vertexName?: string;
  /** The build's target stage, which BuildKit's step names leave unnamed. @default - the last stage */
  readonly target?: string;
}

/**
 * The instruction a BuildKit step name stands for: `[<stage> <i>/<n>] <text>` is the i-th
 * instruction (the `FROM` being the first) of the stage named `<stage>` (`AS <stage>`, or
 * `stage-<k>` for the k-th `FROM` counting from 0), or of the target stage when no stage is named.
 * Matched by text first (quotes and backslashes aside, which BuildKit's names drop).
 */
function instructionOfStep(
  vertexName: string,
  instructions: readonly DockerfileInstruction[],
  target: string | undefined,
): DockerfileInstruction | undefined {
  const match = /^\[(?:(\S+) )?(\d+)\/\d+\]\s*(.*)$/.exec(vertexName.trim());
  if (!match) return undefined;
  const [, stageName, index, text] = match;
  const loose = (t: string) => collapse(t.replace(/\\/g, ''));
  const byText = instructions.filter((i) => loose(i.text) === loose(text ?? ''));
  if (byText.length === 1) return byText[0];
  const stages = instructions.flatMap((instruction, at) => {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?\s*$/i.exec(
      collapse(instruction.text.replace(/--\S+\s+/g, '')),
    );
    return from ? [{ at, name: from[1]?.toLowerCase() }] : [];
  });
  const stage = stageName
    ? (stages.find((s) => s.name === stageName.toLowerCase()) ??
      stages[Number(/^stage-(\d+)$/.exec(stageName)?.[1] ?? Number.NaN)])
    : target
      ? stages.find((s) => s.name === target.toLowerCase())
      : stages.at(-1);
  return stage ? instructions[stage.at + Number(index) - 1] : undefined;
}

/**
 * The Dockerfile instruction a build failure belongs to: the line Docker names (`dockerfile parse
 * error line 3: …`), else the instruction of BuildKit's failed step (its name is the instruction's
 * text after a `[stage n/m]` prefix), else the instruction of the classic builder's last step.
 * `undefined` when none is known (e.g. a failure in the `LABEL` step Wharf adds after the
 * Dockerfile's own).
 * @example failedInstruction('exit code: 1', instructions, { vertexName: '[2/3] RUN false' }) // the RUN's line
 */
export function failedInstruction(
  message: string,
  instructions: readonly DockerfileInstruction[],
  position: BuildPosition = {},
): DockerfileInstruction | undefined {
  const named = /\bline (\d+)\b/.exec(message);
  if (named) {
    const line = Number(named[1]);
    return instructions.find((i) => i.line === line) ?? { line, text: '' };
  }
  if (position.vertexName) {
    const found = instructionOfStep(position.vertexName, instructions, position.target);
    if (found) return found;
  }
  return position.step === undefined ? undefined : instructions[position.step - 1];
}
