/**
 * Digests: when a burst leaves more new findings waiting for Slack than DIGEST_THRESHOLD, they are grouped by
 * account, resource type and external principal, and each group is shown as one message (at most
 * MAX_PER_DIGEST findings) instead of one message per finding. A click on "Show findings" posts a card per
 * active finding in the digest's thread, after which each card lives like any other.
 *
 * At-least-once safe, like the card sync:
 * - a finding joins a digest with a conditional write (never posted, in no digest, no sync in flight), so it is
 *   shown either by its own card or by exactly one digest;
 * - a digest is stored (marked as owing its post in a sparse index) before its findings join it, and posted
 *   after; a crash in between is finished by `runDue`, and a post whose answer was lost is found in the channel
 *   by its metadata before it is posted again;
 * - expanding marks the findings first (idempotent), then claims the expansion, so a crash never loses cards.
 */
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { AlreadyDecidedError, AppError, errorMessage } from '../errors';
import { type Finding, principalText } from './finding';
import type { Clock, FindingRecord, FindingStore, SlackRef } from './ports';
import { renderKey, shouldPost } from './sync';

/** Findings in one digest message at most (its list shows the first ones; the rest are counted). */
export const MAX_PER_DIGEST = 50;
/** A group's digest takes more findings for this long after it was started (then a new one starts). */
const OPEN_FOR_MS = 10 * 60_000;
const JOIN_CONCURRENCY = 8;
/** How long a poster holds a digest's post (a dead poster's hold runs out; runDue then finds or posts it). */
const POST_LEASE_MS = 60_000;

export interface DigestRecord {
  id: string;
  groupKey: string;
  findingIds: string[];
  createdAt: number;
  slack?: SlackRef;
  postAttempts: number;
  /** Not posted yet (kept in a sparse index, so a crash before the post is finished by `runDue`). */
  postDue: boolean;
  expanded?: { by: string; at: number };
}

export interface DigestStore {
  /** Stores a new digest, marked as owing its post. */
  create(digest: { id: string; groupKey: string; findingIds: string[]; createdAt: number }): Promise<void>;
  get(id: string): Promise<DigestRecord | undefined>;
  /**
   * The findings listed (before they join: a listed finding that did not join, because a card of its own took
   * it first, is left out when the digest is shown).
   */
  setMembers(id: string, findingIds: string[]): Promise<void>;
  /**
   * Counts a post attempt; returns the digest as of then. With `lease`: only while it is unposted and nobody
   * else holds its post (one poster at a time, across replicas), which it then holds until `lease.until`.
   */
  beginPost(id: string, lease?: { now: number; until: number }): Promise<DigestRecord | undefined>;
  /** Records the message and drops the "owes its post" mark. */
  posted(id: string, ref: SlackRef): Promise<void>;
  /** True for the first caller only. */
  claimExpand(id: string, by: string, at: number): Promise<boolean>;
  /** Digests owing their post, oldest first. */
  listPostDue(limit: number): Promise<string[]>;
  /** No finding joined it (a crash between storing it and the joins): it is owed no post any more. */
  drop(id: string): Promise<void>;
}

export interface DigestView {
  digest: DigestRecord;
  /** The findings the digest shows (those whose `digestId` names it), in the digest's order. */
  members: FindingRecord[];
  /** The DIGEST_THRESHOLD in force, to explain why findings were grouped. */
  threshold: number;
}

export interface DigestMessenger {
  post(view: DigestView): Promise<SlackRef>;
  update(ref: SlackRef, view: DigestView): Promise<void>;
  /** Looks for a digest message already posted (after a crash between post and store). */
  findPosted(digestId: string): Promise<SlackRef | undefined>;
}

export interface Digester {
  /**
   * Puts the findings that wait for their first message into digests, one per group (and per
   * MAX_PER_DIGEST). Returns the ids it did not take (updates of posted cards, findings a sync holds, …),
   * which the caller syncs one by one.
   */
  absorb(findingIds: string[]): Promise<string[]>;
  /** Shows the digest's current state: posts it if it was never posted, else edits it. Coalesces calls. */
  refresh(digestId: string): Promise<void>;
  /** Marks the digest's findings for a card each in its thread; returns their ids (to sync). */
  expand(digestId: string, by: string): Promise<string[]>;
  /** Finishes digests a crash left unposted. */
  runDue(): Promise<void>;
}

export interface DigesterDeps {
  findings: FindingStore;
  digests: DigestStore;
  messenger: DigestMessenger;
  clock: Clock;
  log: Logger;
  threshold: number;
  maxPerDigest?: number;
}

/** Findings of one account, resource type and external principal are digested together. */
export function digestGroupKey(finding: Finding): string {
  return JSON.stringify([finding.accountId, finding.resourceType, principalText(finding.principal) ?? null]);
}

/** Groups in first-seen order, each cut into chunks of at most `max`. */
export function groupForDigests(records: FindingRecord[], max: number): { key: string; ids: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const rec of records) {
    const key = digestGroupKey(rec.finding);
    const list = groups.get(key) ?? [];
    list.push(rec.finding.id);
    groups.set(key, list);
  }
  const out: { key: string; ids: string[] }[] = [];
  for (const [key, ids] of groups) {
    for (let i = 0; i < ids.length; i += max) out.push({ key, ids: ids.slice(i, i + max) });
  }
  return out;
}

/** Waiting for a first message of its own, and free to be shown by a digest instead. */
export function digestible(rec: FindingRecord, now: number): boolean {
  return (
    shouldPost(rec) &&
    !rec.slack &&
    !rec.digestId &&
    (rec.leaseUntil === undefined || rec.leaseUntil < now) &&
    // More than one sync attempt may mean a card is already in the channel: let the card sync find it.
    rec.syncAttempts === 0
  );
}

export function createDigester(deps: DigesterDeps): Digester {
  const { findings, digests, messenger, clock, log } = deps;
  const max = deps.maxPerDigest ?? MAX_PER_DIGEST;
  /** Refreshes in progress per digest; a call while one runs asks for one more round. */
  const refreshing = new Map<string, { done: Promise<void>; again: boolean }>();
  /** Per group, the digest this process is filling (a burst spreads over several passes). */
  const openDigests = new Map<string, { id: string; size: number; since: number }>();
  /** Joins are conditional writes, one per finding: a few at a time. */
  const joins = pLimit(JOIN_CONCURRENCY);

  /** Findings that joined a digest someone expanded meanwhile get their cards too (the poll posts them). */
  const expandLateJoiners = async (digestId: string, joined: string[], now: number) => {
    const digest = await digests.get(digestId);
    if (!digest?.expanded || !digest.slack) return;
    const threadTs = digest.slack.ts;
    await Promise.all(
      joined.map((fid) => joins(() => findings.expandFromDigest(fid, digestId, threadTs, now))),
    );
  };

  const viewOf = async (digest: DigestRecord): Promise<DigestView> => {
    const recs = await findings.getMany(digest.findingIds);
    const members = digest.findingIds
      .map((id) => recs.get(id))
      .filter((r): r is FindingRecord => r?.digestId === digest.id);
    return { digest, members, threshold: deps.threshold };
  };

  const refreshOnce = async (digestId: string) => {
    const digest = await digests.get(digestId);
    if (!digest) return;
    if (digest.slack) {
      await messenger.update(digest.slack, await viewOf(digest));
      return;
    }
    const view = await viewOf(digest);
    if (view.members.length === 0) {
      // Stored, but no finding joined it before a crash (or all were taken by cards): nothing to show.
      await digests.drop(digestId);
      return;
    }
    const now = clock.now();
    const attempt = await digests.beginPost(digestId, { now, until: now + POST_LEASE_MS });
    if (!attempt || attempt.slack) return; // posted, or being posted by someone else (runDue retries after)
    let ref = attempt.postAttempts > 1 ? await messenger.findPosted(digestId) : undefined;
    if (ref) {
      log.warn({ digestId, ts: ref.ts }, 'recovered a digest posted by an interrupted attempt');
      await messenger.update(ref, view);
    } else {
      ref = await messenger.post(view);
      log.info({ digestId, findings: view.members.length, ts: ref.ts }, 'digest posted');
    }
    await digests.posted(digestId, ref);
  };

  const refresh = (digestId: string): Promise<void> => {
    const running = refreshing.get(digestId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const entry = { done: Promise.resolve(), again: false };
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          await refreshOnce(digestId);
        } while (entry.again);
      } finally {
        refreshing.delete(digestId);
      }
    })();
    refreshing.set(digestId, entry);
    return entry.done;
  };

  return {
    refresh,

    async absorb(findingIds) {
      const now = clock.now();
      const recs = await findings.getMany(findingIds);
      const candidates: FindingRecord[] = [];
      const rest: string[] = [];
      for (const id of findingIds) {
        const rec = recs.get(id);
        if (rec && digestible(rec, now)) candidates.push(rec);
        else if (rec) rest.push(id);
      }
      /** The findings that joined digest `id` (the others are left to their own cards). */
      const join = async (id: string, ids: string[]) => {
        const joined = await Promise.all(
          ids.map((fid) =>
            joins(async () => {
              const rec = recs.get(fid) as FindingRecord;
              return (await findings.joinDigest(fid, id, renderKey(rec), now)) ? fid : undefined;
            }),
          ),
        );
        const taken = joined.filter((x): x is string => x !== undefined);
        rest.push(...ids.filter((fid) => !taken.includes(fid)));
        return taken;
      };
      const show = async (id: string) => {
        try {
          await refresh(id);
        } catch (err) {
          // Stored and marked: runDue posts it.
          log.warn({ digestId: id, err: errorMessage(err) }, 'digest not shown yet; tried again shortly');
        }
      };
      for (const group of groupForDigests(candidates, Number.MAX_SAFE_INTEGER)) {
        let ids = group.ids;
        // A burst arrives over minutes: fill the group's open digest (not expanded, not full) first.
        const current = openDigests.get(group.key);
        if (current && current.size < max && now - current.since < OPEN_FOR_MS) {
          const digest = await digests.get(current.id);
          if (digest && !digest.expanded) {
            const take = ids.slice(0, max - digest.findingIds.length);
            ids = ids.slice(take.length);
            // Listed before they join (a crash in between leaves no finding that names a digest not listing
            // it); those that do not join are left out when it is shown (their `digestId` is not this one).
            await digests.setMembers(digest.id, [...digest.findingIds, ...take]);
            current.size = digest.findingIds.length + take.length;
            const joined = await join(digest.id, take);
            if (joined.length > 0) {
              log.info({ digestId: digest.id, added: joined.length }, 'findings added to a digest');
              await show(digest.id);
              await expandLateJoiners(digest.id, joined, now);
            }
          } else {
            openDigests.delete(group.key);
          }
        }
        for (let i = 0; i < ids.length; i += max) {
          const chunk = ids.slice(i, i + max);
          const id = randomUUID();
          await digests.create({ id, groupKey: group.key, findingIds: chunk, createdAt: now });
          const joined = await join(id, chunk);
          openDigests.set(group.key, { id, size: chunk.length, since: now });
          log.info({ digestId: id, findings: joined.length }, 'findings grouped into a digest');
          await show(id);
        }
      }
      return rest;
    },

    async expand(digestId, by) {
      const digest = await digests.get(digestId);
      if (!digest) {
        throw new AppError(
          'digest_unknown',
          `digest ${digestId} not found`,
          'The bot has no record of this digest.',
        );
      }
      if (!digest.slack) {
        throw new AppError(
          'digest_not_posted',
          `digest ${digestId} has no message yet`,
          'This digest is still being posted; try again in a moment.',
        );
      }
      if (digest.expanded) {
        throw new AlreadyDecidedError(`This digest was already expanded by <@${digest.expanded.by}>.`);
      }
      const now = clock.now();
      const { members } = await viewOf(digest);
      const marked: string[] = [];
      for (const rec of members) {
        if (await findings.expandFromDigest(rec.finding.id, digestId, digest.slack.ts, now)) {
          marked.push(rec.finding.id);
        }
      }
      if (!(await digests.claimExpand(digestId, by, now))) {
        const current = await digests.get(digestId);
        throw new AlreadyDecidedError(
          `This digest was already expanded by <@${current?.expanded?.by ?? 'someone'}>.`,
        );
      }
      log.info({ digestId, by, findings: marked.length }, 'digest expanded');
      await refresh(digestId);
      return marked;
    },

    async runDue() {
      for (const id of await digests.listPostDue(100)) {
        try {
          await refresh(id);
        } catch (err) {
          log.warn({ digestId: id, err: errorMessage(err) }, 'digest still not posted; next run retries');
        }
      }
    },
  };
}
