/**
 * The approval workflow: a click asks for a remediation, approvers vote, the remedy runs once, the bot checks
 * that it worked. The pure rules live in ./policy (canRequest, decide, dueActions); this module does the I/O
 * around them in an order that survives crashes and races:
 * - request: claim the finding (conditional write: one open request per finding), plan (AWS reads), store the
 *   request (idempotent per Slack click), log, then show it in Slack. A crash after storing leaves a request
 *   without a message; its reminder (or expiry) posts it.
 * - vote: decide on the stored request, write with optimistic concurrency (two simultaneous votes: one wins,
 *   the other is decided again on the new state), then update the message.
 * - execute: claim the execution (conditional write with a lease), run the remedy (idempotent on the
 *   resource), record EXECUTED/FAILED with the claim's token. A crash between the AWS call and the record
 *   lets the lease lapse; the next `runDue` (at start-up too) runs the remedy again, which then finds its
 *   change already made. So an approved remediation takes effect exactly once.
 * - runDue: expiries, reminders, escalations, unposted messages, pending executions and verifications, all
 *   read from stored due times, so a restart loses none.
 */
import type { Logger } from 'pino';
import { AppError, ConcurrentUpdateError, errorMessage } from '../errors';
import { escapeMrkdwn } from '../slack/text';
import type { Clock, Decision, DecisionLog, FindingRecord, FindingStore } from '../findings/ports';
import type { FindingMessenger } from '../findings/ports';
import type { FindingSync } from '../findings/sync';
import type { DecisionPublisher } from '../remediation/ports';
import { decisionEvent } from '../remediation/publishing-log';
import { applyDecision, applyDue, canRequest, dueActions, nextDueAt, openRequest } from './policy';
import { mentionList } from './principals';
import {
  type AnyRemedy,
  type ApprovalNotifier,
  type ApprovalView,
  type GroupResolver,
  type RemedyParams,
  isSubjectRemedy,
} from './ports';
import { decide } from './decide';
import type { StoredApproval, ApprovalStore } from './store-port';
import type {
  ApprovalAction,
  ApprovalPolicy,
  ApprovalRequest,
  ApprovalSubject,
  Decision as VoteDecision,
} from './types';

/** How long one executor may hold an approved request before another may take over. */
const EXECUTION_LEASE_MS = 5 * 60_000;
/** How many times a vote is decided again after losing a race with another write. */
const VOTE_ATTEMPTS = 5;

export interface WorkflowDeps {
  policy: ApprovalPolicy;
  approvals: ApprovalStore;
  findings: FindingStore;
  decisions: DecisionLog;
  publisher: DecisionPublisher;
  notifier: ApprovalNotifier;
  messenger: FindingMessenger;
  groups: GroupResolver;
  remedies: readonly AnyRemedy[];
  sync: FindingSync;
  clock: Clock;
  log: Logger;
  /** After a remedy ran, when to check that Access Analyzer agrees (VERIFY_AFTER). */
  verifyAfterMs: number;
}

export interface RequestInput {
  action: ApprovalAction;
  findingId: string;
  requester: string;
  /** Stable per Slack click (e.g. `deny:<finding>:<user>:<action_ts>`): a redelivery opens no second request. */
  idempotencyKey: string;
  /** The request id to use (also the key of the decision-log entries and of the AWS call). */
  requestId: string;
  /** What the requester filled in (a modal's values), passed to the remedy's check and plan. */
  params?: RemedyParams;
}

/** A request about something other than a finding (a SubjectRemedy's action), e.g. attaching a generated policy. */
export interface SubjectRequestInput {
  action: ApprovalAction;
  subject: ApprovalSubject;
  requester: string;
  idempotencyKey: string;
  requestId: string;
  params?: RemedyParams;
}

export interface VoteInput {
  requestId: string;
  by: string;
  verdict: 'approve' | 'reject';
  reason?: string;
  stage: number;
}

export interface Workflow {
  /** Starts a request; returns it (executed already when the chain is empty). Refusals throw AppError. */
  request(input: RequestInput): Promise<StoredApproval>;
  /** Starts a request of a SubjectRemedy (no finding): same chain, store, log and execution as `request`. */
  requestAbout(input: SubjectRequestInput): Promise<StoredApproval>;
  /** Records a vote; refusals throw AppError with the sentence for the voter. */
  vote(input: VoteInput): Promise<StoredApproval>;
  /** Runs an approved request if nobody else is; safe to call any number of times. */
  execute(requestId: string): Promise<void>;
  /** Does all time-based and resumable work that is due now. */
  runDue(): Promise<void>;
  remedyFor(action: ApprovalAction): AnyRemedy | undefined;
}

class RefusedError extends AppError {
  constructor(message: string) {
    super('approval_refused', message, message);
    this.name = 'RefusedError';
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Everyone who approved the request, in order. */
export function approversOf(request: ApprovalRequest): string[] {
  return request.stages.flatMap((s) => s.votes.filter((v) => v.verdict === 'approve').map((v) => v.by));
}

export function createWorkflow(deps: WorkflowDeps): Workflow {
  const { policy, approvals, findings, decisions, clock, log } = deps;

  const remedyFor = (action: ApprovalAction) => deps.remedies.find((r) => r.action === action);
  const mustRemedy = (action: ApprovalAction) => {
    const remedy = remedyFor(action);
    if (!remedy) throw new Error(`no remedy registered for ${action}`);
    return remedy;
  };

  const groupsFor = async (request?: ApprovalRequest) => {
    const ids = new Set<string>(policy.requesters ?? []);
    const chains = request ? [request.chain] : Object.values(policy.chains).map((c) => c.stages);
    for (const chain of [...chains, [policy.broadRuleStage]]) {
      for (const stage of chain)
        for (const id of [...stage.approvers, ...(stage.escalateTo ?? [])]) ids.add(id);
    }
    return deps.groups([...ids]);
  };

  /** The decision-log key of a request: its finding, or its subject's key. */
  const subjectOf = (request: ApprovalRequest) => request.findingId ?? request.subject?.key ?? '';

  /** Appends to the decision log and publishes the same entry to EventBridge (never throws for the latter). */
  const record = async (entry: Decision, finding?: FindingRecord['finding']) => {
    await decisions.append(entry);
    await deps.publisher.publish(decisionEvent(entry, finding));
  };

  /** Posts the request's message if it has none yet, else edits it. */
  const show = async (stored: StoredApproval, outcome?: string): Promise<StoredApproval> => {
    const { findingId, subject } = stored.request;
    const rec = findingId ? await findings.get(findingId) : undefined;
    if (!rec && !subject) return stored;
    const label = remedyFor(stored.request.action)?.label ?? stored.request.action;
    const view: ApprovalView = { approval: stored, label, outcome, ...(rec ? { finding: rec.finding } : {}) };
    if (stored.message) {
      await deps.notifier.update(stored.message, view);
      return stored;
    }
    const ref = await deps.notifier.post(rec ? rec.slack : subject?.thread, view);
    return (await approvals.attachMessage(stored.request.id, ref)) ?? stored;
  };

  /** A reply in the thread of the request's finding (or of its subject's message). */
  const threadNote = async (request: ApprovalRequest, text: string) => {
    if (request.subject?.thread) {
      await deps.messenger.threadReply(request.subject.thread, text);
      return;
    }
    if (!request.findingId) return;
    const rec = await findings.get(request.findingId);
    if (rec?.slack) await deps.messenger.threadReply(rec.slack, text);
  };

  const claims = (action: ApprovalAction) => {
    const remedy = remedyFor(action);
    return remedy !== undefined && !isSubjectRemedy(remedy) && remedy.claimsFinding !== false;
  };

  /** Closes a request that will not run: the finding's claim is dropped so it can be asked for again. */
  const releaseFinding = async (request: ApprovalRequest) => {
    if (!request.findingId || !claims(request.action)) return;
    await findings.abortAction(request.findingId, request.id);
    await deps.sync(request.findingId, { justChanged: true });
  };

  /** Runs the remedy's plan, then checks the chain it calls for (a broad archive rule adds a stage) can be completed. */
  async function planned(
    remedy: AnyRemedy,
    plan: () => Promise<Record<string, unknown>>,
    input: { action: ApprovalAction; requester: string },
    groups: Awaited<ReturnType<typeof groupsFor>>,
    baseCheck: Extract<ReturnType<typeof canRequest>, { kind: 'allowed' }>,
  ): Promise<{ plan: Record<string, unknown>; chain: ApprovalRequest['chain'] }> {
    const made = await plan();
    const allowed = remedy.chainOptions
      ? canRequest(policy, input.action, input.requester, groups, remedy.chainOptions(made))
      : baseCheck;
    if (allowed.kind === 'refused') throw new RefusedError(allowed.reason);
    return { plan: made, chain: allowed.chain };
  }

  async function request(input: RequestInput): Promise<StoredApproval> {
    const remedy = mustRemedy(input.action);
    if (isSubjectRemedy(remedy)) throw new Error(`${input.action} is not about a finding: use requestAbout`);
    const rec = await findings.get(input.findingId);
    if (!rec)
      throw new RefusedError('The bot has no record of this finding; it may belong to another deployment.');
    remedy.check(rec, input.params);
    const groups = await groupsFor();
    // Refuse early (before any AWS read) when even the base chain could not be completed.
    const baseCheck = canRequest(policy, input.action, input.requester, groups);
    if (baseCheck.kind === 'refused') throw new RefusedError(baseCheck.reason);
    const now = clock.now();
    const claim = remedy.claimsFinding !== false;
    // One open request per finding: the claim lasts as long as the request can stay open.
    if (claim) {
      await findings.beginAction(
        rec.finding.id,
        { action: input.action, requestId: input.requestId, by: input.requester, until: now + policy.ttlMs },
        now,
        { statuses: remedy.statuses },
      );
    } else if (!remedy.statuses.includes(rec.finding.status)) {
      throw new RefusedError(
        `${remedy.label} cannot be requested while the finding is ${rec.finding.status.toLowerCase()}.`,
      );
    }
    const free = () => (claim ? findings.abortAction(rec.finding.id, input.requestId) : Promise.resolve());
    const base = {
      requestId: input.requestId,
      findingId: rec.finding.id,
      action: input.action,
      actor: input.requester,
    };
    let plan: Record<string, unknown>;
    let chain: ApprovalRequest['chain'];
    try {
      ({ plan, chain } = await planned(
        remedy,
        () => remedy.plan(rec, input.params),
        input,
        groups,
        baseCheck,
      ));
    } catch (err) {
      await free();
      await record({ ...base, phase: 'failed', at: iso(clock.now()), error: errorMessage(err) }, rec.finding);
      throw err;
    }
    const opened = openRequest(policy, {
      id: input.requestId,
      action: input.action,
      requester: input.requester,
      chain,
      now,
      findingId: rec.finding.id,
      plan,
    });
    let stored: Awaited<ReturnType<ApprovalStore['create']>>;
    try {
      stored = await approvals.create(opened, input.idempotencyKey, nextDueAt(opened, policy));
    } catch (err) {
      // Nothing was stored: free the finding so the request can be made again.
      await free();
      throw err;
    }
    if (!stored.created) return stored;
    log.info({ requestId: opened.id, findingId: rec.finding.id, action: input.action }, 'approval requested');
    await record({ ...base, phase: 'requested', at: iso(now), input: plan }, rec.finding);
    await deps.sync(rec.finding.id, { justChanged: true });
    if (opened.status === 'APPROVED') {
      await execute(opened.id);
      return (await approvals.get(opened.id)) ?? stored;
    }
    return show(stored);
  }

  async function requestAbout(input: SubjectRequestInput): Promise<StoredApproval> {
    const remedy = mustRemedy(input.action);
    if (!isSubjectRemedy(remedy)) throw new Error(`${input.action} acts on a finding: use request`);
    remedy.check(input.params);
    const groups = await groupsFor();
    const baseCheck = canRequest(policy, input.action, input.requester, groups);
    if (baseCheck.kind === 'refused') throw new RefusedError(baseCheck.reason);
    const now = clock.now();
    const base = {
      requestId: input.requestId,
      findingId: input.subject.key,
      action: input.action,
      actor: input.requester,
    };
    let plan: Record<string, unknown>;
    let chain: ApprovalRequest['chain'];
    try {
      ({ plan, chain } = await planned(remedy, () => remedy.plan(input.params), input, groups, baseCheck));
    } catch (err) {
      await record({ ...base, phase: 'failed', at: iso(clock.now()), error: errorMessage(err) });
      throw err;
    }
    const opened: ApprovalRequest = {
      ...openRequest(policy, {
        id: input.requestId,
        action: input.action,
        requester: input.requester,
        chain,
        now,
        plan,
      }),
      subject: input.subject,
    };
    const stored = await approvals.create(opened, input.idempotencyKey, nextDueAt(opened, policy));
    if (!stored.created) return stored;
    log.info(
      { requestId: opened.id, subject: input.subject.key, action: input.action },
      'approval requested',
    );
    await record({ ...base, phase: 'requested', at: iso(now), input: plan });
    if (opened.status === 'APPROVED') {
      await execute(opened.id);
      return (await approvals.get(opened.id)) ?? stored;
    }
    return show(stored);
  }

  async function vote(input: VoteInput): Promise<StoredApproval> {
    let current = await approvals.get(input.requestId);
    for (let attempt = 1; ; attempt++) {
      if (!current) throw new RefusedError('This approval request is not known to the bot.');
      const groups = await groupsFor(current.request);
      const decision: VoteDecision = decide(current.request, input, policy, groups, clock.now());
      if (decision.kind === 'refused') throw new RefusedError(decision.message);
      const next = applyDecision(current.request, decision);
      try {
        const stored = await approvals.transition(
          current.request.id,
          current.version,
          next,
          nextDueAt(next, policy),
        );
        await afterVote(stored, decision);
        return stored;
      } catch (err) {
        if (!(err instanceof ConcurrentUpdateError) || attempt >= VOTE_ATTEMPTS) throw err;
        current = err.current as StoredApproval | undefined;
      }
    }
  }

  async function afterVote(stored: StoredApproval, decision: Exclude<VoteDecision, { kind: 'refused' }>) {
    const { request } = stored;
    const rec = request.findingId ? await findings.get(request.findingId) : undefined;
    const base = {
      requestId: request.id,
      findingId: subjectOf(request),
      action: request.action,
      actor: decision.vote.by,
    };
    const at = iso(decision.vote.at);
    await record(
      {
        ...base,
        phase: 'vote',
        seq: decision.vote.by,
        at,
        input: { verdict: decision.vote.verdict, reason: decision.vote.reason, stage: request.stageIndex },
      },
      rec?.finding,
    );
    log.info({ requestId: request.id, by: decision.vote.by, kind: decision.kind }, 'vote recorded');
    switch (decision.kind) {
      case 'recorded':
        await show(stored);
        return;
      case 'stage-approved': {
        await record(
          { ...base, phase: 'stage-approved', seq: String(decision.nextStage - 1), at },
          rec?.finding,
        );
        await show(stored);
        const stage = request.chain[decision.nextStage];
        const who = decision.mention.length ? mentionList(decision.mention) : 'its approvers';
        await threadNote(
          request,
          `Stage ${decision.nextStage + 1} ("${stage?.name ?? ''}") of the ${mustRemedy(request.action).label} request is open: ${who}, please review.`,
        );
        return;
      }
      case 'rejected':
        await record({ ...base, phase: 'rejected', at, input: { reason: decision.reason } }, rec?.finding);
        await show(stored);
        await releaseFinding(request);
        await threadNote(
          request,
          `${mustRemedy(request.action).label} request rejected by <@${decision.vote.by}>: ${escapeMrkdwn(decision.reason)}`,
        );
        return;
      case 'approved':
        await record({ ...base, phase: 'approved', at }, rec?.finding);
        await show(stored);
        await execute(request.id);
        return;
    }
  }

  async function execute(requestId: string): Promise<void> {
    const claim = await approvals.claimExecution(requestId, EXECUTION_LEASE_MS, clock.now());
    if (!claim) return; // someone else runs it, or it already ran
    const { request } = claim.approval;
    const remedy = mustRemedy(request.action);
    const rec = request.findingId ? await findings.get(request.findingId) : undefined;
    const approvers = approversOf(request);
    const base = {
      requestId,
      findingId: subjectOf(request),
      action: request.action,
      actor: request.requester,
    };
    const ctx = {
      requestId,
      findingId: request.findingId,
      subject: request.subject?.key,
      action: request.action,
    };
    const approved = {
      id: requestId,
      requester: request.requester,
      approvers,
      ...(request.plan ? { plan: request.plan } : {}),
    };
    try {
      if (isSubjectRemedy(remedy)) {
        const result = await remedy.apply(approved);
        const now = clock.now();
        if (!(await approvals.completeExecution(requestId, claim.token, { status: 'EXECUTED', at: now }))) {
          log.warn(ctx, 'execution claim lost after the remedy ran; the other executor records it');
          return;
        }
        await record({
          ...base,
          phase: 'succeeded',
          at: iso(now),
          input: request.plan,
          result: { ...result.details, approvedBy: approvers },
        });
        log.info(ctx, 'remediation executed');
        await show((await approvals.get(requestId)) ?? claim.approval, result.summary);
        await threadNote(request, result.summary);
        return;
      }
      if (!rec) throw new RefusedError("The finding is no longer in the bot's store.");
      const result = await remedy.apply(rec, approved);
      const now = clock.now();
      const verifyAt = result.expectResolved ? now + deps.verifyAfterMs : undefined;
      const won = await approvals.completeExecution(requestId, claim.token, {
        status: 'EXECUTED',
        at: now,
        ...(verifyAt !== undefined ? { verifyAt } : {}),
      });
      if (!won) {
        log.warn(ctx, 'execution claim lost after the remedy ran; the other executor records it');
        return;
      }
      if (result.denied !== undefined) {
        await findings.finishRemediation(rec.finding.id, requestId, { denied: result.denied });
      } else if (remedy.claimsFinding !== false) {
        await findings.abortAction(rec.finding.id, requestId);
      }
      await record(
        {
          ...base,
          phase: 'succeeded',
          at: iso(now),
          input: request.plan,
          result: { ...result.details, approvedBy: approvers },
        },
        rec.finding,
      );
      log.info(ctx, 'remediation executed');
      const done = (await approvals.get(requestId)) ?? claim.approval;
      await show(done, result.summary);
      await threadNote(request, result.summary);
      await deps.sync(rec.finding.id, { justChanged: true });
    } catch (err) {
      const message = err instanceof AppError ? err.userMessage : errorMessage(err);
      log.error({ ...ctx, err: errorMessage(err) }, 'remediation failed');
      const won = await approvals.completeExecution(requestId, claim.token, {
        status: 'FAILED',
        at: clock.now(),
        error: message,
      });
      if (!won) return;
      await record({ ...base, phase: 'failed', at: iso(clock.now()), error: message }, rec?.finding);
      const failed = (await approvals.get(requestId)) ?? claim.approval;
      await show(failed, `:x: Failed: ${message}`).catch(() => undefined);
      await threadNote(request, `:x: ${remedy.label} failed after approval: ${message}`);
      await releaseFinding(request);
    }
  }

  async function runTimed(stored: StoredApproval) {
    const now = clock.now();
    let current = stored;
    for (const due of dueActions(current.request, policy, now)) {
      const next = applyDue(current.request, due, now);
      try {
        current = await approvals.transition(
          current.request.id,
          current.version,
          next,
          nextDueAt(next, policy),
        );
      } catch (err) {
        if (err instanceof ConcurrentUpdateError) return; // another replica (or a vote) got there first
        throw err;
      }
      const { request } = current;
      const base = {
        requestId: request.id,
        findingId: subjectOf(request),
        action: request.action,
        actor: 'bot',
      };
      const label = mustRemedy(request.action).label;
      if (due.kind === 'expire') {
        await record({ ...base, phase: 'expired', at: iso(now) });
        await show(current);
        await releaseFinding(request);
        await threadNote(request, `${label} request by <@${request.requester}> expired without a decision.`);
        return;
      }
      const stageName = request.chain[due.stage]?.name ?? '';
      if (due.kind === 'remind') {
        if (!current.message) current = await show(current);
        await record({ ...base, phase: 'reminded', seq: String(due.stage), at: iso(now) });
        const who = due.mention.length ? mentionList(due.mention) : 'approvers';
        await threadNote(
          request,
          `:bell: Reminder: the ${label} request by <@${request.requester}> is still waiting for stage ${due.stage + 1} ("${stageName}"): ${who}, please approve or reject.`,
        );
      } else {
        await record({ ...base, phase: 'escalated', seq: String(due.stage), at: iso(now) });
        await threadNote(
          request,
          `:rotating_light: Escalation: the ${label} request by <@${request.requester}> has waited too long at stage ${due.stage + 1} ("${stageName}"). ${mentionList(due.to)}, you may now approve or reject it.`,
        );
      }
    }
  }

  async function verify(stored: StoredApproval) {
    if (!(await approvals.claimVerification(stored.request.id))) return;
    const { request } = stored;
    const rec = request.findingId ? await findings.get(request.findingId) : undefined;
    if (!rec) return;
    const remedy = mustRemedy(request.action);
    // Only remedies that expect the finding resolved (the Deny) get a verification time.
    const expected = 'RESOLVED';
    const base = { requestId: request.id, findingId: rec.finding.id, action: request.action, actor: 'bot' };
    const at = iso(clock.now());
    if (rec.finding.status === expected) {
      await record({ ...base, phase: 'verified', at, result: { status: rec.finding.status } }, rec.finding);
      return;
    }
    await record({ ...base, phase: 'not-verified', at, result: { status: rec.finding.status } }, rec.finding);
    const people = [request.requester, ...approversOf(request)];
    const minutes = Math.round(deps.verifyAfterMs / 60_000);
    await threadNote(
      request,
      `:warning: ${remedy.label} was applied ${minutes} min ago, but Access Analyzer still reports this finding as ${rec.finding.status} (expected ${expected}). ` +
        `${mentionList([...new Set(people)])}: check the resource policy (another statement may still grant the access) and the analyzer.`,
    );
  }

  async function runDue(): Promise<void> {
    const now = clock.now();
    const safely = async (what: string, id: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (err) {
        log.error({ requestId: id, err: errorMessage(err) }, `${what} failed; retried on the next run`);
      }
    };
    for (const stored of await approvals.due(now)) {
      await safely('timed approval work', stored.request.id, () => runTimed(stored));
    }
    for (const stored of await approvals.pendingExecutions(now)) {
      await safely('execution', stored.request.id, () => execute(stored.request.id));
    }
    for (const stored of await approvals.dueVerifications(now)) {
      await safely('verification', stored.request.id, () => verify(stored));
    }
  }

  return { request, requestAbout, vote, execute, runDue, remedyFor };
}
