/**
 * Library-wide documents listed in the root (`people`, `ml`): each has a deterministic id
 * and first change, so two devices that both create it while offline create the same one.
 */
import {
  parseAutomergeUrl,
  stringifyAutomergeUrl,
  type AutomergeUrl,
  type BinaryDocumentId,
  type DocHandle,
  type Repo,
} from '@automerge/automerge-repo';
import type { RootDoc } from './root-doc.ts';

/** The URL of a library's `namespace` document: the first 16 bytes of SHA-256 of its name. */
export async function libraryDocUrl(namespace: string, libraryId: string): Promise<AutomergeUrl> {
  const bytes = new TextEncoder().encode(`${namespace}\0${libraryId}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return stringifyAutomergeUrl({ documentId: digest.slice(0, 16) as BinaryDocumentId });
}

/**
 * Opens the document the root lists under `key`, or creates it from `genesis` at `url` and
 * lists it. Rejects like `repo.find` when the listed document is on no connected peer yet.
 */
export async function openRootListedDoc<T>(
  repo: Repo,
  root: DocHandle<RootDoc>,
  key: 'people' | 'ml',
  url: (libraryId: string) => Promise<AutomergeUrl>,
  genesis: () => Uint8Array,
): Promise<DocHandle<T>> {
  const listed = root.doc()[key];
  if (listed) return repo.find<T>(listed as AutomergeUrl);
  const u = await url(String(root.doc().libraryId));
  const docId = parseAutomergeUrl(u).documentId;
  const handle = (repo.handles[docId] as DocHandle<T> | undefined) ?? repo.import<T>(genesis(), { docId });
  if (!handle.isReady()) handle.doneLoading();
  root.change((r) => {
    if (r[key] !== u) r[key] = u;
  });
  return handle;
}
