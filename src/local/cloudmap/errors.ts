/**
 * Cloud Map's API errors, as the registry raises them and the endpoint renders them.
 *
 * Fidelity: the error names and their meaning are those of the `servicediscovery` 2017-03-14 API
 * model (aws-behavior.md §4.4): every one of them is an HTTP 400 with `__type` set to the name.
 * Messages are Wharf's own (AWS's exact wording is not documented) and say what was wrong, the
 * value received and what is allowed.
 */

import { WharfError } from '../../errors.js';

/** The Cloud Map exception names the emulator can return. */
export type CloudMapErrorType =
  | 'CustomHealthNotFound'
  | 'InstanceNotFound'
  | 'InvalidInput'
  | 'NamespaceNotFound'
  | 'OperationNotFound'
  | 'ResourceLimitExceeded'
  | 'ServiceNotFound';

/**
 * A Cloud Map API call was refused. Thrown by {@link CloudMapRegistry}; the endpoint turns it into
 * the AWS JSON 1.1 error response (`400 {"__type":"<awsType>","Message":"…"}`), so SDK callers see
 * an exception whose `name` is {@link CloudMapError.awsType}. Its Wharf `code` is
 * `WHARF_CLOUDMAP_<AWS_TYPE_IN_SNAKE_CASE>`, e.g. `WHARF_CLOUDMAP_SERVICE_NOT_FOUND`.
 */
export class CloudMapError extends WharfError {
  /** The AWS exception name, e.g. `ServiceNotFound`. */
  readonly awsType: CloudMapErrorType;
  /** HTTP status of the emulated response (400 for every Cloud Map exception). */
  readonly httpStatus = 400;

  constructor(awsType: CloudMapErrorType, message: string) {
    super(`WHARF_CLOUDMAP_${awsType.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`, message);
    this.awsType = awsType;
  }
}

/** True when `value` is a {@link CloudMapError} (by shape, so a second module copy still matches). */
export function isCloudMapError(value: unknown): value is CloudMapError {
  return (
    value instanceof Error &&
    typeof (value as Partial<CloudMapError>).awsType === 'string' &&
    typeof (value as Partial<CloudMapError>).code === 'string' &&
    (value as Partial<CloudMapError>).code?.startsWith('WHARF_CLOUDMAP_') === true
  );
}

/** `ServiceNotFound` for a service id (or name) the registry does not know. */
export function serviceNotFound(what: string): CloudMapError {
  return new CloudMapError('ServiceNotFound', `Service not found: ${what}.`);
}

/** `InstanceNotFound` for an instance id not registered with the service. */
export function instanceNotFound(serviceId: string, instanceId: string): CloudMapError {
  return new CloudMapError(
    'InstanceNotFound',
    `Instance not found: '${instanceId}' is not registered with service ${serviceId}.`,
  );
}

/** `InvalidInput` for a request member with a value the API does not accept. */
export function invalidInput(message: string): CloudMapError {
  return new CloudMapError('InvalidInput', message);
}
