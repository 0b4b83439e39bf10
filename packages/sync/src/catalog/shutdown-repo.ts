/**
 * `repo.shutdown()` that saves every document it can. automerge-repo 2.5's shutdown flushes
 * every cached handle with `handle.doc()`, which throws "DocHandle is not ready" for a document
 * still unavailable (an album or shard asked for that no connected peer had): the shutdown
 * rejects at once, with the other saves still under way, and an owner's stop that awaits it
 * skipped closing its storage and stopping its libp2p node.
 */
import type { DocumentId, Repo } from '@automerge/automerge-repo';

/** Shuts `repo` down: network adapters disconnected, every ready document saved (awaited). */
export async function shutdownRepo(repo: Repo): Promise<void> {
  try {
    await repo.shutdown();
  } catch {
    // The adapters are disconnected; save what is ready (nothing is lost for a document that
    // never arrived), and wait for it this time.
    const ready = Object.values(repo.handles)
      .filter((h) => h.isReady())
      .map((h) => h.documentId as DocumentId);
    await repo.flush(ready);
  }
}
