/**
 * BuildKit's progress as the Docker API streams it: `{"id":"moby.buildkit.trace","aux":"<base64>"}`,
 * each `aux` a protobuf `moby.buildkit.v1.StatusResponse`. Only what a build log needs is decoded
 * (vertexes: name, started, completed, cached, error; logs: vertex and bytes), with a minimal reader
 * of the protobuf wire format; {@link BuildkitProgress} turns a sequence of them into lines. Pure.
 */

/** A build step (`[2/4] COPY . .`) as BuildKit reports it. */
export interface BuildkitVertex {
  readonly digest: string;
  readonly name: string;
  readonly started: boolean;
  readonly completed: boolean;
  readonly cached: boolean;
  readonly error: string;
}

/** Output of a step (a `RUN`'s stdout/stderr), raw bytes. */
export interface BuildkitLog {
  readonly vertex: string;
  readonly msg: Buffer;
}

/** The decoded parts of one `StatusResponse`. */
export interface BuildkitStatus {
  readonly vertexes: BuildkitVertex[];
  readonly logs: BuildkitLog[];
}

/** The fields of one protobuf message: field number → values (varints as numbers, the rest as bytes). */
function readFields(buffer: Buffer): Map<number, Array<number | Buffer>> {
  const fields = new Map<number, Array<number | Buffer>>();
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[offset++];
      if (byte === undefined) throw new Error('truncated protobuf varint');
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (offset < buffer.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    let value: number | Buffer;
    if (wireType === 0) value = varint();
    else if (wireType === 2) {
      const length = varint();
      value = buffer.subarray(offset, offset + length);
      offset += length;
    } else if (wireType === 1) {
      value = buffer.subarray(offset, offset + 8);
      offset += 8;
    } else if (wireType === 5) {
      value = buffer.subarray(offset, offset + 4);
      offset += 4;
    } else throw new Error(`unsupported protobuf wire type ${wireType}`);
    const list = fields.get(field) ?? [];
    list.push(value);
    fields.set(field, list);
  }
  return fields;
}

function text(fields: Map<number, Array<number | Buffer>>, field: number): string {
  const value = fields.get(field)?.[0];
  return Buffer.isBuffer(value) ? value.toString('utf8') : '';
}

/** Decodes one `aux` value (base64 protobuf). Throws on malformed input. */
export function decodeBuildkitStatus(base64: string): BuildkitStatus {
  const top = readFields(Buffer.from(base64, 'base64'));
  const messages = (field: number) =>
    (top.get(field) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v)).map(readFields);
  return {
    vertexes: messages(1).map((v) => ({
      digest: text(v, 1),
      name: text(v, 3),
      cached: v.get(4)?.[0] === 1,
      started: v.has(5),
      completed: v.has(6),
      error: text(v, 7),
    })),
    logs: messages(3).map((l) => {
      const msg = l.get(4)?.[0];
      return { vertex: text(l, 1), msg: Buffer.isBuffer(msg) ? Buffer.from(msg) : Buffer.alloc(0) };
    }),
  };
}

/**
 * Turns BuildKit statuses into log lines: a step's name when it starts (`[2/4] COPY . .`) or
 * `CACHED [2/4] …` when it was cached, the output lines of `RUN` steps, and `ERROR …` for a
 * failed step. Remembers the first failed step for the error message.
 */
export class BuildkitProgress {
  private readonly names = new Map<string, string>();
  private readonly shown = new Set<string>();
  private readonly partial = new Map<string, string>();
  /** The first step that failed with its own error (not a cancellation), if any. */
  failed: { name: string; error: string } | undefined;

  /** The lines one status adds. */
  push(status: BuildkitStatus): string[] {
    const lines: string[] = [];
    for (const vertex of status.vertexes) {
      if (vertex.name) this.names.set(vertex.digest, vertex.name);
      const name = this.names.get(vertex.digest) ?? vertex.digest.slice(0, 19);
      if (vertex.error) {
        if (!this.failed && !/context canceled/.test(vertex.error))
          this.failed = { name, error: vertex.error };
        lines.push(`ERROR ${name}: ${vertex.error}`);
        continue;
      }
      if (this.shown.has(vertex.digest)) continue;
      if (vertex.cached && vertex.completed) {
        this.shown.add(vertex.digest);
        lines.push(`CACHED ${name}`);
      } else if (vertex.started) {
        this.shown.add(vertex.digest);
        lines.push(name);
      }
    }
    for (const log of status.logs) {
      const text = (this.partial.get(log.vertex) ?? '') + log.msg.toString('utf8');
      const parts = text.split(/\r?\n/);
      this.partial.set(log.vertex, parts.pop() ?? '');
      lines.push(...parts);
    }
    return lines;
  }
}
