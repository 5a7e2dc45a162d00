/** The bursts the burst tests send: findings with duplicates and out-of-order updates, and how to send them. */
import { roleAlice } from '../../fixtures/events';

const idOf = (i: number) => `bbbbbbbb-0000-4000-8000-${String(i).padStart(12, '0')}`;
const at = (i: number, minutes = 0) => new Date(Date.UTC(2024, 4, 1, 10, minutes, i % 60, 0)).toISOString();

export function event(i: number, status: 'ACTIVE' | 'ARCHIVED', minutes = 0) {
  return roleAlice({
    id: idOf(i),
    status,
    resource: `arn:aws:iam::111122223333:role/burst-role-${i}`,
    updatedAt: at(i, minutes),
  });
}

export interface Burst {
  events: unknown[];
  /**
   * Finding id → the status it must end with, and whether it must have a message: `true` (once), or
   * `undefined` for findings archived in the burst (archived before its turn, or first seen archived because
   * the events crossed: not posted; otherwise posted once and updated).
   */
  expected: Map<string, { status: string; shown: boolean | undefined }>;
}

/** n findings; every 5th is later archived, every 10th of those arrives archived first; 10% duplicates. */
export function burst(n: number): Burst {
  const events: unknown[] = [];
  const expected = new Map<string, { status: string; shown: boolean | undefined }>();
  for (let i = 0; i < n; i++) {
    const archived = i % 5 === 0;
    const outOfOrder = i % 50 === 0;
    if (outOfOrder) events.push(event(i, 'ARCHIVED', 5), event(i, 'ACTIVE'));
    else events.push(event(i, 'ACTIVE'), ...(archived ? [event(i, 'ARCHIVED', 5)] : []));
    if (i % 10 === 3) events.push(event(i, 'ACTIVE')); // a duplicate delivery
    // First seen archived (the ACTIVE state came late): stored, never posted.
    expected.set(idOf(i), {
      status: archived ? 'ARCHIVED' : 'ACTIVE',
      shown: archived ? undefined : true,
    });
  }
  return { events, expected };
}

/** Runs `fn` over `items`, `width` at a time. */
export async function inParallel<T>(items: T[], width: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}
