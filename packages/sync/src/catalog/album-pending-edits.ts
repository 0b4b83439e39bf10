/**
 * Edits of listed albums that are not open yet (a lazy catalog opens albums on demand, and an
 * album's document may be on no connected peer yet): kept per album, in the order they were
 * made, until the album opens. A user's edit is never dropped without a word: what cannot be
 * applied is handed back with a description of each edit for the catalog to report.
 */
import type { DocHandle } from '@automerge/automerge-repo';
import type { AlbumId } from '../ids.ts';
import type { AlbumDoc } from './album-doc.ts';

/** One kept edit: what it does, for messages, and the change itself. */
export interface PendingAlbumEdit {
  /** e.g. `add 3 assets`, `rename to "Alps"` */
  what: string;
  apply: (d: AlbumDoc) => void;
}

export function createPendingAlbumEdits() {
  const byAlbum = new Map<AlbumId, PendingAlbumEdit[]>();
  return {
    add(id: AlbumId, edit: PendingAlbumEdit): void {
      const list = byAlbum.get(id);
      if (list) list.push(edit);
      else byAlbum.set(id, [edit]);
    },
    /** What waits for `id`, oldest first (empty when nothing does). */
    describe(id: AlbumId): string[] {
      return (byAlbum.get(id) ?? []).map((e) => e.what);
    },
    /** Removes and returns the edits waiting for `id`, oldest first. */
    take(id: AlbumId): PendingAlbumEdit[] {
      const list = byAlbum.get(id) ?? [];
      byAlbum.delete(id);
      return list;
    },
    /** Removes and returns every album's waiting edits. */
    takeAll(): Array<[AlbumId, PendingAlbumEdit[]]> {
      const all = [...byAlbum];
      byAlbum.clear();
      return all;
    },
  };
}

/**
 * Applies kept edits to an album that just opened, one change each as if made now, oldest
 * first. Returns the descriptions of those that threw (their change is rolled back).
 */
export function applyPending(handle: DocHandle<AlbumDoc>, edits: readonly PendingAlbumEdit[]): string[] {
  const failed: string[] = [];
  for (const e of edits) {
    try {
      handle.change(e.apply);
    } catch (err) {
      failed.push(`${e.what} (${String(err)})`);
    }
  }
  return failed;
}

/** "1 edit waits" / "3 edits wait", for reports. */
export function waitingEdits(whats: readonly string[]): string {
  const n = whats.length === 1 ? '1 edit waits' : `${whats.length} edits wait`;
  return `${n} for it: ${whats.join('; ')}`;
}
