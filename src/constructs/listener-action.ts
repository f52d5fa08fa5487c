import type { CfnListener } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { PropsValidationError } from '../errors.js';
import { type ListenerRuleConditions, RULE_VALUE_MAX_LENGTH } from './listener-rule.js';

/**
 * The actions an ALB listener rule performs itself, without a target: redirect and fixed
 * response, as the load balancer pattern accepts them in `listenerRules` and `defaultResponse`.
 * Pure: check the props and return the CloudFormation `Actions` entry. Limits from
 * docs/reference/aws-behavior-2.md §3.3 and §4.2.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#rule-action-types
 */

/**
 * A redirect answer (`HTTP_301` or `HTTP_302`). Unset parts keep the request's value; the
 * keywords `#{protocol}`, `#{host}`, `#{port}`, `#{path}` and `#{query}` may be used.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions
 */
export interface RedirectOptions {
  /** @default 'HTTP_301' */
  readonly statusCode?: 'HTTP_301' | 'HTTP_302';
  /** `HTTP`, `HTTPS` or `#{protocol}`. @default '#{protocol}' */
  readonly protocol?: string;
  /** @default '#{host}' @example 'www.example.com' */
  readonly host?: string;
  /** @default '#{port}' @example '443' */
  readonly port?: string;
  /** Starts with `/`. @default '/#{path}' @example '/v2/#{path}' */
  readonly path?: string;
  /** Without the leading `?`. @default '#{query}' */
  readonly query?: string;
}

/** A fixed answer from the load balancer itself, no target involved. */
export interface FixedResponseOptions {
  /** A 2XX, 4XX or 5XX status. @example 404 */
  readonly statusCode: number;
  /** @default 'text/plain' */
  readonly contentType?:
    | 'text/plain'
    | 'text/css'
    | 'text/html'
    | 'application/javascript'
    | 'application/json';
  /** At most 1024 characters. @default - empty @example '{"message":"Not Found"}' */
  readonly messageBody?: string;
}

/** A listener rule that the load balancer answers itself: exactly one of `redirect` or `fixedResponse`. */
export interface ListenerActionRule extends ListenerRuleConditions {
  /** Redirect matching requests. @example { protocol: 'HTTPS', port: '443' } */
  readonly redirect?: RedirectOptions;
  /** Answer matching requests with a fixed response. @example { statusCode: 410, messageBody: 'gone' } */
  readonly fixedResponse?: FixedResponseOptions;
}

/** Checks a redirect and returns its CloudFormation action; pure. */
export function redirectAction(
  owner: string,
  prop: string,
  redirect: RedirectOptions,
): CfnListener.ActionProperty {
  const statusCode = redirect.statusCode ?? 'HTTP_301';
  if (statusCode !== 'HTTP_301' && statusCode !== 'HTTP_302') {
    throw new PropsValidationError(
      owner,
      `${prop}.statusCode`,
      `got ${JSON.stringify(statusCode)}; allowed: 'HTTP_301', 'HTTP_302'.`,
    );
  }
  if (redirect.protocol !== undefined && !['HTTP', 'HTTPS', '#{protocol}'].includes(redirect.protocol)) {
    throw new PropsValidationError(
      owner,
      `${prop}.protocol`,
      `got ${JSON.stringify(redirect.protocol)}; allowed: 'HTTP', 'HTTPS', '#{protocol}'.`,
    );
  }
  if (redirect.path !== undefined && !redirect.path.startsWith('/')) {
    throw new PropsValidationError(
      owner,
      `${prop}.path`,
      `got ${JSON.stringify(redirect.path)}; allowed: a path starting with '/'.`,
    );
  }
  for (const part of ['host', 'path', 'query'] as const) {
    const value = redirect[part];
    if (value !== undefined && value.length > RULE_VALUE_MAX_LENGTH) {
      throw new PropsValidationError(
        owner,
        `${prop}.${part}`,
        `has ${value.length} characters; allowed: at most ${RULE_VALUE_MAX_LENGTH}.`,
      );
    }
  }
  if ([redirect.protocol, redirect.host, redirect.port, redirect.path].every((v) => v === undefined)) {
    throw new PropsValidationError(
      owner,
      prop,
      'changes nothing; allowed: a redirect that sets at least one of protocol, host, port or path (a redirect to the same URL would loop).',
    );
  }
  return {
    type: 'redirect',
    redirectConfig: {
      statusCode,
      protocol: redirect.protocol,
      host: redirect.host,
      port: redirect.port,
      path: redirect.path,
      query: redirect.query,
    },
  };
}

/** The content types a fixed response may declare. */
export const FIXED_RESPONSE_CONTENT_TYPES = [
  'text/plain',
  'text/css',
  'text/html',
  'application/javascript',
  'application/json',
] as const;

/** Checks a fixed response and returns its CloudFormation action; pure. */
export function fixedResponseAction(
  owner: string,
  prop: string,
  response: FixedResponseOptions,
): CfnListener.ActionProperty {
  if (!Number.isInteger(response.statusCode) || !/^[245]\d\d$/.test(String(response.statusCode))) {
    throw new PropsValidationError(
      owner,
      `${prop}.statusCode`,
      `got ${JSON.stringify(response.statusCode)}; allowed: a 2XX, 4XX or 5XX status code.`,
    );
  }
  const contentType = response.contentType ?? 'text/plain';
  if (!(FIXED_RESPONSE_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    throw new PropsValidationError(
      owner,
      `${prop}.contentType`,
      `got ${JSON.stringify(contentType)}; allowed: ${FIXED_RESPONSE_CONTENT_TYPES.join(', ')}.`,
    );
  }
  if (response.messageBody !== undefined && response.messageBody.length > 1024) {
    throw new PropsValidationError(
      owner,
      `${prop}.messageBody`,
      `has ${response.messageBody.length} characters; allowed: at most 1024.`,
    );
  }
  return {
    type: 'fixed-response',
    fixedResponseConfig: {
      statusCode: String(response.statusCode),
      contentType,
      messageBody: response.messageBody,
    },
  };
}
