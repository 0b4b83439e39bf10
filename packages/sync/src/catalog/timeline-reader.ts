/**
 * Reading the timeline: straight from the TimelineIndexStore. No Repo, no Automerge
 * document, so the first screen paints from one small read.
 */
import type { MonthKey } from './shard-key.ts';
import { decodeTimelineMonth } from './timeline-codec.ts';
import type { TimelineIndexStore } from './timeline-index-store.ts';
import type { TimelineMonth } from './timeline-month.ts';

export async function readTimelineMonth(
  store: TimelineIndexStore,
  month: MonthKey,
): Promise<TimelineMonth | undefined> {
  const bytes = await store.read(month);
  return bytes ? decodeTimelineMonth(bytes, `month ${month}`) : undefined;
}

/** The newest month with an index (what the first screen shows), or undefined for an empty library. */
export async function readNewestTimelineMonth(store: TimelineIndexStore): Promise<TimelineMonth | undefined> {
  const [newest] = await store.months();
  return newest === undefined ? undefined : readTimelineMonth(store, newest);
}
