/**
 * createBot(deps): wires the bot from injected clients. No I/O happens until start().
 * Slack: Bolt in HTTP mode (requests at POST /slack/events on our server) or Socket Mode (SLACK_APP_TOKEN).
 * Findings: POST /events/findings and/or the SQS queue, plus periodic reconciliation, all through one handler.
 */
import type { Server } from 'node:http';
import { App, HTTPReceiver } from '@slack/bolt';
import { WebClient, type WebClientOptions, WebClientEvent } from '@slack/web-api';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { actions } from './actions';
import { createArchiveRemedy } from './actions/archive';
import { createArchiveRuleRemedy } from './archive-rules/remedy';
import type { ActionDeps } from './actions/types';
import { createWorkflow, type Workflow } from './approvals/workflow';
import { createFindingsSource } from './aws/access-analyzer';
import { createAccessPreviewer } from './aws/access-preview';
import { createArchiveRuleGateway } from './aws/archive-rules';
import { createDecisionPublisher } from './aws/decision-events';
import { createPolicyAttacher } from './aws/iam-policies';
import { createPolicyGenerator } from './aws/policy-generation';
import { createTrustPolicyGateway } from './aws/iam-roles';
import { createResourcePolicyGateways } from './aws/resource-policies';
import type { AwsClients } from './aws/clients';
import type { Config } from './config';
import { errorMessage } from './errors';
import { type Clock, systemClock } from './findings/ports';
import { createReconciler, type Reconciler } from './findings/reconcile';
import { createRecordFinding } from './findings/record-finding';
import { createReviewer, type Reviewer } from './findings/review';
import { type Digester, createDigester } from './findings/digests';
import { createFindingSync } from './findings/sync';
import { type SyncScheduler, createSyncScheduler } from './findings/sync-scheduler';
import { createHttpServer, listen } from './http/server';
import { refuseFutureSlackTimestamps } from './http/slack-timestamp';
import { createEventHandler, type HandleEvent } from './ingest/handle-event';
import { createFindingsEndpoint } from './ingest/http';
import { createQueuePoller, type QueuePoller } from './ingest/sqs';
import { boltLogger } from './log';
import { createAttachPolicyRemedy } from './policy-generation/attach-remedy';
import { createGenerations, type Generations } from './policy-generation/generations';
import { publishingDecisionLog } from './remediation/publishing-log';
import { createRemedies } from './remediation/remedies';
import { createApprovalNotifier } from './slack/approval-notifier';
import { reopenedNote } from './slack/blocks/review-note';
import { createErrorHandler, createErrorReporter } from './slack/error-handler';
import { registerApprovalActions } from './slack/listeners/approval-actions';
import { registerArchiveRuleListeners } from './slack/listeners/archive-rules';
import { registerArchiveReason } from './slack/listeners/archive-reason';
import { registerFindingActions } from './slack/listeners/finding-actions';
import { registerGenerateListeners } from './slack/listeners/iam-generate';
import { createGenerationMessenger } from './slack/generation-messenger';
import { createChannelPacer } from './slack/channel-pacer';
import { createDigestMessenger } from './slack/digest-messenger';
import { registerDigestListeners } from './slack/listeners/digests';
import { createMessenger } from './slack/messenger';
import { createGroupResolver } from './slack/user-groups';
import { createStores, type Stores } from './store';

/** How many clicks' follow-up work runs at once; the rest wait their turn (acks never wait). */
const AFTER_ACK_CONCURRENCY = 4;
/** How often stored due work (reminders, expiries, executions to resume, verifications) is looked for. */
const DUE_WORK_INTERVAL_MS = 15_000;
/** How often running policy generations are looked for (each job is polled with its own backoff). */
const GENERATION_TICK_MS = 2_000;
/** Slack Web API calls give up after this long (the Web API client's default is to wait for ever). */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

export interface BotDeps {
  config: Readonly<Config>;
  log: Logger;
  aws: AwsClients;
  clock?: Clock;
  /** Extra Web API client options (e.g. retry settings); the base URL comes from SLACK_API_URL. */
  slackClientOptions?: WebClientOptions;
  /** Interface to listen on (default: all). */
  host?: string;
}

export interface Bot {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
  stores: Stores;
  handleEvent: HandleEvent;
  reconciler: Reconciler;
  /** Approval requests, votes, executions and the due work (tests drive `runDue` with their own clock). */
  workflow: Workflow;
  /** Archive reviews ("Archive with reason…" with a review date): tests drive `runDue` with their own clock. */
  reviews: Reviewer;
  /** `/iam-generate` jobs: tests drive `runDue` (the polling) with their own clock. */
  generations: Generations;
  /** Slack syncs queued by bursts: `idle()` resolves when every stored finding has been shown. */
  syncs: SyncScheduler;
  /** Digest messages of bursts: tests drive `runDue` (unposted digests after a crash). */
  digests: Digester;
}

export function createBot(deps: BotDeps): Bot {
  const { config, log } = deps;
  const clock = deps.clock ?? systemClock;
  const stores = createStores(deps.aws.dynamodb, {
    tablePrefix: config.tablePrefix,
    createTables: config.createTables,
  });
  const source = createFindingsSource(deps.aws.accessAnalyzer);
  const archiveRuleGateway = createArchiveRuleGateway(deps.aws.accessAnalyzer);

  const receiver =
    config.slack.mode === 'http'
      ? new HTTPReceiver({
          signingSecret: config.slack.signingSecret as string,
          endpoints: '/slack/events',
          logger: boltLogger(log),
        })
      : undefined;
  const slackClientOptions: WebClientOptions = {
    // A Slack call that hangs would hold its finding's sync lease; give up and let the retry paths take over.
    timeout: SLACK_CALL_TIMEOUT_MS,
    ...deps.slackClientOptions,
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
  };
  const app = new App({
    token: config.slack.botToken,
    ...(receiver ? { receiver } : { appToken: config.slack.appToken, socketMode: true }),
    logger: boltLogger(log),
    extendedErrorHandler: true,
    deferInitialization: true,
    clientOptions: slackClientOptions,
  });
  // Finding cards go through a client that never repeats a post itself (see createMessenger).
  const cardClient = new WebClient(config.slack.botToken, {
    ...slackClientOptions,
    logger: boltLogger(log),
    retryConfig: { retries: 0 },
  });

  const pacer = createChannelPacer(config.slackPostIntervalMs);
  // Slack said 429 (the Web API client retries after Retry-After): no channel posts before then either.
  for (const client of [app.client, cardClient]) {
    client.on(WebClientEvent.RATE_LIMITED, (retrySeconds: number) => {
      log.warn({ retrySeconds }, 'Slack rate-limited a call; pausing posts');
      pacer.pause(retrySeconds * 1000);
    });
  }
  const messenger = createMessenger({
    client: app.client,
    cardClient,
    channel: config.slack.findingsChannelId,
    actions,
    pacer,
  });
  const digester = createDigester({
    findings: stores.findings,
    digests: stores.digests,
    messenger: createDigestMessenger({
      client: app.client,
      cardClient,
      channel: config.slack.findingsChannelId,
      pacer,
    }),
    clock,
    log,
    threshold: config.digestThreshold,
  });
  const sync = createFindingSync({
    store: stores.findings,
    messenger,
    clock,
    log,
    refreshDigest: (id) => digester.refresh(id),
  });
  // Ingest and reconcile go through the scheduler (bursts queue instead of waiting on Slack); clicks sync directly.
  const syncScheduler = createSyncScheduler({
    sync,
    store: stores.findings,
    clock,
    log,
    canRunNow: () => !pacer.busy(config.slack.findingsChannelId),
    digest: { threshold: config.digestThreshold, absorb: (ids) => digester.absorb(ids) },
  });
  const record = createRecordFinding({
    store: stores.findings,
    source,
    sync: syncScheduler.run,
    log,
    clock,
    syncRunsNow: () => syncScheduler.hasRoom(),
  });
  const reconciler = createReconciler({
    store: stores.findings,
    source,
    analyzers: stores.analyzers,
    record,
    sync: syncScheduler.run,
    log,
    clock,
    backfill: config.backfill,
  });

  const running = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    running.add(p);
    p.finally(() => running.delete(p)).catch(() => undefined);
  };
  const reconcileInBackground = (what: () => Promise<unknown>) =>
    track(what().catch((err: unknown) => log.error({ err: errorMessage(err) }, 'reconcile failed')));

  const handleEvent = createEventHandler({
    record,
    unhandled: stores.unhandled,
    analyzers: stores.analyzers,
    log,
    fallbackAnalyzerArn: config.analyzerArn,
    onNewAnalyzer: (arn) => reconcileInBackground(() => reconciler.reconcileAnalyzer(arn)),
  });

  const generator = createPolicyGenerator(deps.aws.accessAnalyzer, deps.aws.iam);
  const attacher = createPolicyAttacher(deps.aws.iam);
  const generations = createGenerations({
    store: stores.generations,
    generator,
    attacher,
    messenger: createGenerationMessenger(app.client, clock, messenger),
    clock,
    log,
    settings: { ...config.policyGeneration, fallbackChannel: config.slack.findingsChannelId },
  });

  const publisher = createDecisionPublisher(deps.aws.eventbridge, config.eventBusName, log);
  const groups = createGroupResolver(app.client, { log, now: () => clock.now() });
  const workflow = createWorkflow({
    policy: config.approvals,
    approvals: stores.approvals,
    findings: stores.findings,
    decisions: stores.decisions,
    publisher,
    notifier: createApprovalNotifier(app.client, config.slack.findingsChannelId),
    messenger,
    groups,
    remedies: [
      ...createRemedies(
        {
          roles: createTrustPolicyGateway(deps.aws.iam),
          gateways: createResourcePolicyGateways(deps.aws),
          previewer: createAccessPreviewer(deps.aws.accessAnalyzer),
          maxChars: config.trustPolicyMaxChars,
          ...(config.organizationId ? { organizationId: config.organizationId } : {}),
        },
        clock,
      ),
      createArchiveRemedy({ source, store: stores.findings, clock }),
      createArchiveRuleRemedy({
        gateway: archiveRuleGateway,
        store: stores.archiveRules,
        clock,
        policy: config.approvals,
      }),
      createAttachPolicyRemedy({
        store: stores.generations,
        attacher,
        generator,
        clock,
        refresh: (jobId) => generations.refresh(jobId),
      }),
    ],
    sync,
    clock,
    log,
    verifyAfterMs: config.verifyAfterMs,
  });
  const reportError = createErrorReporter(messenger, log);
  const actionDeps: ActionDeps = {
    store: stores.findings,
    source,
    decisions: publishingDecisionLog(stores.decisions, publisher),
    sync,
    clock,
    log,
    workflow,
    policy: config.approvals,
  };
  // Work that follows an ack (AWS, DynamoDB, Slack updates) runs a few at a time, so acks stay fast in a burst.
  const limit = pLimit(AFTER_ACK_CONCURRENCY);
  // Tracked, so a graceful stop lets work already acked finish (AWS call, store, message update).
  const afterAck = <T>(work: () => Promise<T>): Promise<T> => {
    const done = limit(work);
    track(done);
    return done;
  };
  // Create archive rule: its modal's count, submission, `/iam-findings rules` and Delete… (issue #5).
  const archiveRules = registerArchiveRuleListeners(
    app,
    {
      findings: stores.findings,
      workflow,
      policy: config.approvals,
      gateway: archiveRuleGateway,
      rules: stores.archiveRules,
      groups,
      reportError,
      log,
    },
    afterAck,
  );
  registerFindingActions(
    app,
    { ...actionDeps, groups, reportError, onModalOpened: archiveRules.modalOpened },
    afterAck,
  );
  registerGenerateListeners(
    app,
    {
      generations,
      workflow,
      policy: config.approvals,
      groups,
      settings: config.policyGeneration,
      reportError,
      log,
    },
    afterAck,
  );
  registerApprovalActions(app, { workflow, approvals: stores.approvals, reportError }, afterAck);
  registerArchiveReason(app, { ...actionDeps, groups, reportError }, afterAck);
  registerDigestListeners(
    app,
    { digester, sync: syncScheduler.run, policy: config.approvals, groups, reportError },
    afterAck,
  );
  const reviews = createReviewer({ ...actionDeps, messenger, reopenedNote });
  app.error(createErrorHandler(messenger, log));

  const server: Server = createHttpServer(
    {
      slack: receiver ? refuseFutureSlackTimestamps(receiver.requestListener, log) : undefined,
      findings: createFindingsEndpoint({ apiKey: config.eventsApiKey, handle: handleEvent, log }),
      ready: () => stores.ready(),
    },
    log,
  );

  let poller: QueuePoller | undefined;
  let timer: NodeJS.Timeout | undefined;
  let dueTimer: NodeJS.Timeout | undefined;
  let dueRun: Promise<void> | undefined;
  let generationTimer: NodeJS.Timeout | undefined;
  let generationRun: Promise<void> | undefined;
  /** One polling pass at a time over the running generations. */
  const pollGenerations = () => {
    if (generationRun) return;
    generationRun = generations
      .runDue()
      .catch((err: unknown) => log.error({ err: errorMessage(err) }, 'policy generation polling failed'))
      .finally(() => {
        generationRun = undefined;
      });
    track(generationRun);
  };
  /** One due-work pass at a time; errors are logged, the next tick tries again. */
  const runDueInBackground = () => {
    if (dueRun) return;
    dueRun = workflow
      .runDue()
      .catch((err: unknown) => log.error({ err: errorMessage(err) }, 'due approval work failed'))
      .then(() => reviews.runDue())
      .catch((err: unknown) => log.error({ err: errorMessage(err) }, 'due archive reviews failed'))
      .then(() => digester.runDue())
      .catch((err: unknown) => log.error({ err: errorMessage(err) }, 'posting due digests failed'))
      .finally(() => {
        dueRun = undefined;
      });
    track(dueRun);
  };

  return {
    stores,
    handleEvent,
    reconciler,
    workflow,
    reviews,
    generations,
    syncs: syncScheduler,
    digests: digester,
    async start() {
      await stores.initialize();
      await app.init();
      const port = await listen(server, config.port, deps.host);
      if (config.slack.mode === 'socket') await app.start();
      log.info({ port, mode: config.slack.mode, tables: stores.tableNames }, 'bot started');
      // Shows what an earlier run stored but had not shown yet (a crash mid-burst), then keeps polling.
      syncScheduler.start();

      if (config.analyzerArn) await stores.analyzers.remember(config.analyzerArn);
      reconcileInBackground(() => reconciler.reconcileAll());
      timer = setInterval(
        () => reconcileInBackground(() => reconciler.reconcileAll()),
        config.reconcileIntervalMs,
      );
      timer.unref();
      for (const warning of config.approvals.warnings) log.warn(warning);
      log.info(
        { approvals: config.approvals.source, sensitiveAccounts: config.approvals.sensitiveAccounts.length },
        'approval policy loaded',
      );
      // Resumes what a previous run left: approved requests to execute, reminders and expiries that came due.
      runDueInBackground();
      dueTimer = setInterval(runDueInBackground, DUE_WORK_INTERVAL_MS);
      dueTimer.unref();
      pollGenerations();
      generationTimer = setInterval(pollGenerations, GENERATION_TICK_MS);
      generationTimer.unref();

      if (config.findingsQueueUrl) {
        poller = createQueuePoller({
          sqs: deps.aws.sqs,
          queueUrl: config.findingsQueueUrl,
          handle: handleEvent,
          log,
        });
        await poller.start();
      }
      if (!config.findingsQueueUrl && !config.eventsApiKey) {
        log.warn(
          'neither FINDINGS_QUEUE_URL nor EVENTS_API_KEY is set: findings arrive only by reconciliation',
        );
      }
      return { port };
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (dueTimer) clearInterval(dueTimer);
      if (generationTimer) clearInterval(generationTimer);
      await poller?.stop();
      await syncScheduler.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (config.slack.mode === 'socket') await app.stop();
      await Promise.allSettled([...running]);
      log.info('bot stopped');
    },
  };
}
