import { parseAutomergeUrl, type AutomergeUrl, type DocHandle, type Repo } from '@automerge/automerge-repo';
import { withTimeout } from './with-timeout.ts';

/**
 * Finds a document and waits for it to arrive, bounded by `timeoutMs`. `repo.find` gives
 * up ("unavailable") when no sync partner has the document yet, e.g. right after pairing
 * while the link to the home node is still being set up; the handle still turns ready
 * once a peer sends the document, so this waits for that instead.
 */
export async function findDoc<T>(repo: Repo, url: AutomergeUrl, timeoutMs = 30_000): Promise<DocHandle<T>> {
  const what = `document ${url}`;
  try {
    return await withTimeout(repo.find<T>(url), timeoutMs, what);
  } catch (e) {
    const handle = repo.handles[parseAutomergeUrl(url).documentId] as DocHandle<T> | undefined;
    if (!handle) throw e;
    await withTimeout(handle.whenReady(['ready']), timeoutMs, what);
    return handle;
  }
}
