/**
 * Where a piece of the local cloud came from in the templates, so every message and error can
 * name the file and resource (e.g. `service.yml: Service`).
 */

/** The template resource a local object was built from. */
export interface Origin {
  /** Absolute path of the template file. */
  readonly file: string;
  /** Display name of the stack (`ServiceStack`, `parent`, …). */
  readonly stackName: string;
  readonly logicalId: string;
}

/** Renders an origin as `file: LogicalId`, the format of Wharf's template locations. */
export function describeOrigin(origin: Origin, propertyPath?: string): string {
  return `${origin.file}: ${origin.logicalId}${propertyPath ? `.${propertyPath}` : ''}`;
}
