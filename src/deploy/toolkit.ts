/**
 * The one place Wharf creates the CDK toolkit library's `Toolkit`, and the bridge from its IoHost
 * messages to Wharf's: stack activity (`CDK_TOOLKIT_I5501`–`I5503`) goes to the progress view,
 * asset building and publishing (`CDK_TOOLKIT_I5210`–`I5221`, `CDK_ASSETS_I5270`–`E5279`) is
 * read by the deploy's image tracker through `onMessage` (`assets/tracker.ts`) and otherwise
 * kept for `--verbose`, the rest is forwarded by level.
 * (Message codes: https://docs.aws.amazon.com/cdk/api/toolkit-lib/message-registry/)
 */

import {
  BaseCredentials,
  type IIoHost,
  type IoRequest,
  Toolkit,
  type IoMessage as ToolkitMessage,
} from '@aws-cdk/toolkit-lib';
import type { StackEvent } from '@aws-sdk/client-cloudformation';
import type { IoHost } from '../io/io-host.js';

/** Where the deployment runs: AWS profile and region, as the AWS CLI resolves them. */
export interface AwsTarget {
  /**
   * A named profile from `~/.aws/config` (SSO profiles included).
   * @default - `AWS_PROFILE`, then the default credential chain (environment, profile, SSO, IMDS)
   */
  readonly profile?: string;
  /**
   * The region of env-agnostic stacks.
   * @default - `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's region
   */
  readonly region?: string;
}

/** Stack activity as the toolkit reports it while it watches a deployment or a deletion. */
export interface StackActivityListener {
  /** A stack's operation began (`I5501`). */
  stackStarted?(info: { stackName: string; resourcesTotal?: number; isUpdate: boolean }): void;
  /** One CloudFormation event, of the stack or of a nested stack (`I5502`), old to new. */
  stackEvent?(event: StackEvent): void;
  /** The toolkit stopped watching a stack (`I5503`). */
  stackStopped?(info: { stackName: string }): void;
}

/** Options of {@link createToolkit}. */
export interface CreateToolkitOptions extends AwsTarget {
  /** Where the toolkit's messages go. */
  readonly io: IoHost;
  /** Receives stack events for the progress view. */
  readonly activity?: StackActivityListener;
  /** Sees every toolkit message first (e.g. `diff` takes the formatted diff from `I4002`). */
  readonly onMessage?: (message: ToolkitMessage<unknown>) => void;
}

/** Toolkit messages that only repeat what the progress view shows, or are noise for our users. */
const QUIET_CODES = new Set([
  'CDK_TOOLKIT_I5501',
  'CDK_TOOLKIT_I5502',
  'CDK_TOOLKIT_I5503',
  // "✨ Synthesis time", "Stack ARN", "✅ stack (no changes)", outputs: Wharf prints its own.
  'CDK_TOOLKIT_I1000',
  'CDK_TOOLKIT_I5000',
  'CDK_TOOLKIT_I5001',
  'CDK_TOOLKIT_I5900',
  'CDK_TOOLKIT_I7900',
]);

/**
 * Bridges the toolkit's `IIoHost` to Wharf's {@link IoHost}. Requests (confirmations) get their
 * default answer: Wharf asks its own questions before it calls the toolkit.
 */
export class ToolkitIoBridge implements IIoHost {
  constructor(
    private readonly io: IoHost,
    private readonly activity: StackActivityListener = {},
    private readonly onMessage?: (message: ToolkitMessage<unknown>) => void,
  ) {}

  async notify(msg: ToolkitMessage<unknown>): Promise<void> {
    this.onMessage?.(msg);
    const code = msg.code ?? '';
    const data = msg.data as Record<string, unknown> | undefined;
    if (code === 'CDK_TOOLKIT_I5501' && data) {
      this.activity.stackStarted?.({
        stackName: String(data.stackName),
        // The toolkit counts the stack itself as one more "resource"; the view counts resources.
        resourcesTotal:
          typeof data.resourcesTotal === 'number' ? Math.max(0, data.resourcesTotal - 1) : undefined,
        isUpdate: data.isStackUpdate === true,
      });
    } else if (code === 'CDK_TOOLKIT_I5502' && data?.event) {
      this.activity.stackEvent?.(data.event as StackEvent);
    } else if (code === 'CDK_TOOLKIT_I5503' && data) {
      this.activity.stackStopped?.({ stackName: String(data.stackName) });
    }
    if (QUIET_CODES.has(code)) return;
    const text = stripAnsi(msg.message).trim();
    if (text === '') return;
    // cdk-assets' lines (a failure included: the deploy reports it, naming the image and the next
    // step) are detail for --verbose.
    const level = code.startsWith('CDK_ASSETS_') ? 'info' : msg.level;
    switch (level) {
      case 'error':
        this.io.notify({ level: 'error', code: code || 'CDK_TOOLKIT', message: text, data: msg.data });
        return;
      case 'warn':
        this.io.notify({ level: 'warn', code: code || 'CDK_TOOLKIT', message: text, data: msg.data });
        return;
      case 'info':
      case 'result':
        // The toolkit's info lines (asset publishing, change set names) are detail for --verbose.
        this.io.notify({ level: 'debug', code: code || 'CDK_TOOLKIT', message: text, data: msg.data });
        return;
      default:
        return;
    }
  }

  async requestResponse<T>(msg: IoRequest<unknown, T>): Promise<T> {
    await this.notify(msg);
    return msg.defaultResponse;
  }
}

/** Creates the toolkit with the AWS CLI's credential and region resolution. */
export function createToolkit(options: CreateToolkitOptions): Toolkit {
  return new Toolkit({
    ioHost: new ToolkitIoBridge(options.io, options.activity, options.onMessage),
    color: false,
    emojis: false,
    sdkConfig: {
      baseCredentials: BaseCredentials.awsCliCompatible({
        ...(options.profile ? { profile: options.profile } : {}),
        ...(options.region ? { defaultRegion: options.region } : {}),
      }),
    },
  });
}

/** Text without ANSI colour codes (the toolkit colours some of its messages). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
