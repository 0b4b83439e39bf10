/**
 * The last sync status this device knew, kept across reloads (localStorage): after a reload
 * while offline the worker cannot know what is pending with the home node until it has
 * connected once, so the status shows what it last knew ("last synced 5 min ago, 3 changes to
 * send") instead of nothing.
 */
import type { SyncCounts } from '../peer/peer-protocol.ts';

/** What was last known, and when. */
export interface SyncMemory {
  pending: SyncCounts;
  /** when `pending` was known (ms since epoch) */
  at: number;
  /** the last time nothing was pending either way; absent: not seen since pairing */
  syncedAt?: number;
}

const KEY = 'hearth-sync-status';

type Store = Pick<Storage, 'getItem' | 'setItem'>;
const defaultStore = (): Store | undefined =>
  typeof localStorage === 'undefined' ? undefined : localStorage;

const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

export function loadSyncMemory(store = defaultStore()): SyncMemory | undefined {
  try {
    const v = JSON.parse(store?.getItem(KEY) ?? 'null') as Partial<SyncMemory> | null;
    const toSend = count(v?.pending?.toSend);
    const toReceive = count(v?.pending?.toReceive);
    const at = count(v?.at);
    // Anything else (another version's shape, a hand edit) is as good as nothing known.
    if (toSend === undefined || toReceive === undefined || at === undefined) return undefined;
    const m: SyncMemory = { pending: { toSend, toReceive }, at };
    const syncedAt = count(v?.syncedAt);
    if (syncedAt !== undefined) m.syncedAt = syncedAt;
    return m;
  } catch {
    return undefined;
  }
}

/** Records what is pending now; returns the new memory. Storage errors cost only the memory. */
export function rememberSync(pending: SyncCounts, now = Date.now(), store = defaultStore()): SyncMemory {
  const before = loadSyncMemory(store);
  const m: SyncMemory = { pending: { toSend: pending.toSend, toReceive: pending.toReceive }, at: now };
  const syncedAt = pending.toSend === 0 && pending.toReceive === 0 ? now : before?.syncedAt;
  if (syncedAt !== undefined) m.syncedAt = syncedAt;
  try {
    store?.setItem(KEY, JSON.stringify(m));
  } catch {
    // Private mode or a full quota: the status still shows the live counts.
  }
  return m;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function agoText(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

/** The status line for what was last known: "last synced 5 min ago, 3 changes to send". */
export function lastSyncText(m: SyncMemory, now: number): string {
  const parts = [m.syncedAt === undefined ? 'not synced yet' : `last synced ${agoText(now - m.syncedAt)}`];
  const { toSend, toReceive } = m.pending;
  if (toSend > 0) parts.push(`${toSend} ${toSend === 1 ? 'change' : 'changes'} to send`);
  if (toReceive > 0) parts.push(`${toReceive} to receive`);
  return parts.join(', ');
}
