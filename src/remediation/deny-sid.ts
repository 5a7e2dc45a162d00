/**
 * The statement id (Sid) of the explicit Deny the bot adds for one finding. IAM policies, role trust policies
 * included, accept only Sids matching `[0-9A-Za-z]*` ("Statement IDs (SID) must be alpha-numeric") and reject
 * duplicate Sids, so the finding id (a UUID with hyphens) cannot be used as is.
 *
 * `'AADeny' + the finding id without its non-alphanumerics` is deterministic (Undo finds the statement again
 * from the finding id alone) and collision-free for UUIDs: they have a fixed 8-4-4-4-12 layout, so dropping
 * the hyphens loses nothing (a UUID gives 38 characters). Ids outside that layout that differ only in
 * punctuation (`a-b`, `ab`) would share a Sid; Access Analyzer does not issue such ids.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors';

export const DENY_SID_PREFIX = 'AADeny';
/** Longest Sid the bot writes. */
export const MAX_SID_LENGTH = 100;
const HASH_CHARS = 16;

/**
 * @throws InvalidInputError when the finding id has no letter or digit.
 * @example denySid('22222222-dcba-4444-dcba-333333333333') // 'AADeny22222222dcba4444dcba333333333333'
 */
export function denySid(findingId: string): string {
  const core = findingId.replace(/[^0-9A-Za-z]/g, '');
  if (core.length === 0) {
    throw new InvalidInputError(`finding id ${JSON.stringify(findingId)} has no letters or digits`);
  }
  const room = MAX_SID_LENGTH - DENY_SID_PREFIX.length;
  if (core.length <= room) return DENY_SID_PREFIX + core;
  // Far longer than any finding id: keep a readable head and make the tail depend on the whole id.
  const hash = createHash('sha256').update(findingId).digest('hex').slice(0, HASH_CHARS);
  return DENY_SID_PREFIX + core.slice(0, room - HASH_CHARS) + hash;
}

/**
 * Whether a Sid has the shape of one the bot writes (for display; Undo always matches the exact Sid).
 * @example isDenySid('AADeny22222222dcba4444dcba333333333333') // true
 */
export function isDenySid(sid: string | undefined): boolean {
  return sid !== undefined && sid.startsWith(DENY_SID_PREFIX) && /^[0-9A-Za-z]+$/.test(sid);
}
