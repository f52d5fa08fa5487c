/**
 * Cloud assemblies for hand-written templates: `wharf deploy --template parent.yml` packages a
 * template tree with {@link assembleTemplate} and hands the folder to the CDK toolkit.
 */

export * from './from-template.js';
export {
  type BootstrapNames,
  bootstrapNames,
  DEFAULT_QUALIFIER,
  REQUIRED_BOOTSTRAP_VERSION,
  validateQualifier,
} from './manifest.js';
export { SERVERLESS_TRANSFORM } from './sam-application.js';
