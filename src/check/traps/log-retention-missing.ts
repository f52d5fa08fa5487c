/**
 * Catches: an `AWS::Logs::LogGroup` without `RetentionInDays`.
 *
 * Why: without it CloudWatch Logs keeps every event forever and bills the stored bytes every
 * month, so container and access logs become a cost that only grows.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
 * https://aws.amazon.com/cloudwatch/pricing/
 *
 * Does not catch: log groups created implicitly (e.g. by Lambda or `awslogs-create-group`), or
 * retention that is set but very long.
 */

import type { LoadedApp } from '../../template/model.js';
import { listResources } from '../../template/query.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { trapFinding } from './support.js';

function check(app: LoadedApp): Finding[] {
  return [...listResources(app, 'AWS::Logs::LogGroup')]
    .filter((group) => group.resource.Properties?.RetentionInDays === undefined)
    .map((group) =>
      trapFinding(logRetentionMissing, group, {
        propertyPath: 'Properties.RetentionInDays',
        message: `Log group ${group.logicalId} has no RetentionInDays, so its logs are kept (and billed) forever.`,
        fix: `Set RetentionInDays on ${group.logicalId}, e.g. 30 (allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, …).`,
      }),
    );
}

/** Log groups should expire their logs. */
export const logRetentionMissing: TrapRule = {
  id: 'log-retention-missing',
  title: 'Log group keeps logs forever',
  severity: 'warning',
  description: 'A log group without RetentionInDays stores (and bills) logs forever.',
  check,
};
