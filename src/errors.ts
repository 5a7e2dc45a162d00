/**
 * One error family. An AppError carries a stable `code` and a `userMessage` that is safe to show in Slack;
 * the single Bolt error handler renders it. Vendor errors are translated into these at the adapters.
 */
export class AppError extends Error {
  /** Where the user is told: privately (ephemeral), or in the finding's thread for everyone. */
  visibility: 'user' | 'thread' = 'user';

  constructor(
    readonly code: string,
    message: string,
    readonly userMessage: string = message,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

/** The finding or analyzer does not exist (any more) in Access Analyzer. */
export class FindingNotFoundError extends AppError {
  constructor(findingId: string, options?: ErrorOptions) {
    super(
      'finding_not_found',
      `finding ${findingId} not found in Access Analyzer`,
      `Access Analyzer does not know finding \`${findingId}\` (deleted, or another analyzer).`,
      options,
    );
    this.name = 'FindingNotFoundError';
    this.visibility = 'thread';
  }
}

/** An AWS call failed in a way the user can act on (permissions, throttling after retries, service error). */
export class AwsCallError extends AppError {
  constructor(
    readonly operation: string,
    readonly awsCode: string,
    userMessage: string,
    options?: ErrorOptions,
  ) {
    super('aws_call_failed', `${operation} failed: ${awsCode}`, userMessage, options);
    this.name = 'AwsCallError';
    this.visibility = 'thread';
  }
}

/** Someone else already decided, or is deciding, this (a conditional write lost). */
export class AlreadyDecidedError extends AppError {
  constructor(userMessage: string, options?: ErrorOptions) {
    super('already_decided', userMessage, userMessage, options);
    this.name = 'AlreadyDecidedError';
  }
}

/** An incoming event or payload is malformed; `reason` says exactly what is wrong. */
export class InvalidInputError extends AppError {
  constructor(readonly reason: string) {
    super('invalid_input', reason, reason);
    this.name = 'InvalidInputError';
  }
}

/** Thrown with every configuration problem found, so the operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * A conditional write on an approval request lost: the request changed since it was read (another vote, a
 * reminder, an expiry). It is an AlreadyDecidedError, so when it escapes, the voter sees `userMessage`.
 * Callers that can retry should: take `current`, decide again on it and transition from `current.version`.
 */
export class ConcurrentUpdateError<
  T extends { request: { status: string } } = { request: { status: string } },
> extends AlreadyDecidedError {
  constructor(
    readonly requestId: string,
    readonly expectedVersion: number,
    /** The request as it is now; undefined if it does not exist. */
    readonly current: T | undefined,
    options?: ErrorOptions,
  ) {
    super(concurrentMessage(current), options);
    this.name = 'ConcurrentUpdateError';
  }
}

function concurrentMessage(current: { request: { status: string } } | undefined): string {
  if (!current) return 'This approval request is not known to the bot.';
  if (current.request.status === 'PENDING') {
    return 'Someone else acted on this request at the same moment, so your click was not applied. Please try again.';
  }
  return `Someone else acted on this request at the same moment: it is now ${current.request.status.toLowerCase()}.`;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A Slack Web API call failed; `slackError` is Slack's error name (e.g. channel_not_found, not_in_channel). */
export class SlackCallError extends AppError {
  constructor(
    readonly method: string,
    readonly slackError: string,
    options?: ErrorOptions,
  ) {
    super(
      'slack_call_failed',
      `Slack ${method} failed: ${slackError}`,
      `Slack refused ${method} (${slackError}).`,
      options,
    );
    this.name = 'SlackCallError';
  }
}
