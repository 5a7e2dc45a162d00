/**
 * One pino root logger (JSON, one event per line) with secrets redacted, plus an adapter so Bolt logs through it.
 */
import type { Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths that may hold a secret anywhere in a logged object. */
const REDACT = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'eventsApiKey',
  'apiKey',
  'authorization',
  'password',
  'secret',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.eventsApiKey',
  '*.authorization',
  '*.secret',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-slack-signature"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'slack.botToken',
  'slack.appToken',
  'slack.signingSecret',
];

/** Tokens that should never appear even inside free text (e.g. an SDK error message). */
const TOKEN_PATTERN = /\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)/g;

export function scrub(text: string): string {
  return text.replace(TOKEN_PATTERN, (m) => `${m.slice(0, 5)}[REDACTED]`);
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'iam-findings-bot' },
      redact: { paths: REDACT, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as typeof args;
          return method.apply(this, scrubbed);
        },
      },
      serializers: {
        err: (err: unknown) => {
          const s = pino.stdSerializers.err(err as Error);
          if (s && typeof s.message === 'string') s.message = scrub(s.message);
          if (s && typeof s.stack === 'string') s.stack = scrub(s.stack);
          return s;
        },
      },
    },
    destination,
  );
}

const BOLT_LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/** Bolt's Logger interface on top of a pino child (component: bolt). */
export function boltLogger(root: Logger): BoltLogger {
  const log = root.child({ component: 'bolt' });
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg) => log.debug(text(msg)),
    info: (...msg) => log.info(text(msg)),
    warn: (...msg) => log.warn(text(msg)),
    error: (...msg) => log.error(text(msg)),
    setLevel: () => undefined,
    getLevel: () => BOLT_LEVELS[root.level] ?? LogLevel.INFO,
    setName: () => undefined,
  };
}
