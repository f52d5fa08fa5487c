/**
 * Wharf's error hierarchy.
 *
 * Every error Wharf throws on purpose is a {@link WharfError}: it has a stable `code`, says whether
 * the user or Wharf itself is at fault (`source`), and, where it can, names the file, construct,
 * resource or property that was wrong. Messages say what was received, what is allowed and how to
 * fix it. Use {@link isWharfError} rather than `instanceof`: a CDK app may load a second copy of
 * this module (brand check, as undici does).
 */

const BRAND = Symbol.for('wharf.error');

/** Who has to act on an error: the user (bad input) or us (a bug). */
export type ErrorSource = 'user' | 'internal';

/** Base class of every deliberate Wharf error. */
export class WharfError extends Error {
  /** A stable, documented identifier, e.g. `WHARF_PROPS_INVALID`. */
  readonly code: string;
  /** `user` when the input was wrong, `internal` when Wharf failed. */
  readonly source: ErrorSource;
  readonly [BRAND] = true;

  constructor(code: string, message: string, options: { source?: ErrorSource; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.source = options.source ?? 'user';
  }
}

/** True for any {@link WharfError}, even one thrown by another copy of this module. */
export function isWharfError(value: unknown): value is WharfError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * A construct prop has a value Wharf cannot build from. Carries the construct path and the prop
 * name, e.g. `ApiService/Service` and `cpu`.
 */
export class PropsValidationError extends WharfError {
  readonly constructPath: string;
  readonly prop: string;

  constructor(constructPath: string, prop: string, message: string) {
    super('WHARF_PROPS_INVALID', `${constructPath}: invalid prop '${prop}': ${message}`);
    this.constructPath = constructPath;
    this.prop = prop;
  }
}

/** Where in a CloudFormation template something was found. Every part but `file` is optional. */
export interface TemplateLocation {
  /** The template file (or cloud-assembly template) path. */
  readonly file: string;
  /** The logical id of the resource (or parameter/output) concerned. */
  readonly logicalId?: string;
  /** The property path inside it, e.g. `Properties.ContainerDefinitions.0.PortMappings`. */
  readonly propertyPath?: string;
}

/** Renders a location as `file: Resource.Property.Path`. */
export function formatLocation(location: TemplateLocation): string {
  const inner = [location.logicalId, location.propertyPath].filter(Boolean).join('.');
  return inner ? `${location.file}: ${inner}` : location.file;
}

/** A template cannot be read or has a shape Wharf does not accept. */
export class TemplateError extends WharfError {
  readonly location: TemplateLocation;

  constructor(location: TemplateLocation, message: string, options: { code?: string; cause?: unknown } = {}) {
    super(options.code ?? 'WHARF_TEMPLATE_INVALID', `${formatLocation(location)}: ${message}`, {
      cause: options.cause,
    });
    this.location = location;
  }
}

/** The command line was wrong: an unknown flag, a missing argument, a folder without `cdk.json`. */
export class UsageError extends WharfError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(options.code ?? 'WHARF_USAGE', message, options);
  }
}

/** The user's CDK app failed to synthesize. Carries the app command and its output. */
export class SynthError extends WharfError {
  readonly appCommand: string;
  readonly output: string;

  constructor(appCommand: string, output: string, message: string) {
    super('WHARF_SYNTH_FAILED', message);
    this.appCommand = appCommand;
    this.output = output;
  }
}
