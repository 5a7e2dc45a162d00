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
