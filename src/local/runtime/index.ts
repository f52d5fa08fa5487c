/** Task runtimes: Docker and local processes. */

export { HealthCheckLoop, type HealthProbe } from './container-health-check.js';
export {
  awslogsStreamName,
  ContainerLogs,
  containerLogFile,
  LineSplitter,
  logGroupFolder,
} from './container-logs.js';
export { DockerRuntime, type DockerRuntimeOptions, processAlive } from './docker.js';
export { type InitMode, LABEL } from './docker-container-config.js';
export { type HostHealthCheck, hostHealthCheck } from './host-health-check.js';
export { freePort } from './ports.js';
export { ProcessRuntime, type ProcessRuntimeOptions } from './process.js';
export {
  HOST_ENVIRONMENT_ALLOWLIST,
  type PassedEnvironment,
  passedEnvironment,
  processEnvironment,
} from './process-environment.js';
export { defaultRunsDir, type RemovedRuns, removeDeadRuns } from './process-runs.js';
export { pingDocker, type SelectedRuntime, type SelectRuntimeOptions, selectRuntime } from './select.js';
export type * from './types.js';
