import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readAll, type RootDoc } from '@hearth/sync';
import type { Library } from './library.ts';
import { createPeopleIndex } from './people-index.ts';

/** How many people `hearth status` shows, and where the figure comes from. */
export interface PeopleCount {
  people: number;
  /**
   * `document`: the synced people document (users' merges and hiding count), as devices show it;
   * `estimate`: clustered on the spot, because no daemon has written the document for these
   * face models yet.
   */
  from: 'document' | 'estimate';
}

/**
 * People among the stored faces (null when faces are off). A running daemon reports it
 * (`live`); otherwise the node's stored people document is read (opening the Automerge
 * storage only while no daemon uses it), and only without one is it clustered here.
 */
export async function countPeople(
  lib: Library,
  facesKey: string | undefined,
  live: number | null | undefined,
): Promise<PeopleCount | null> {
  if (facesKey === undefined) return null;
  if (typeof live === 'number') return { people: live, from: 'document' };
  const stored = await fromDocument(lib.layout.root, facesKey);
  if (stored !== undefined) return { people: stored, from: 'document' };
  const { createFaceClusterer } = await import('@hearth/ml');
  const index = createPeopleIndex({
    catalog: lib.catalog,
    readBlob: (h) => readAll(lib.blobs, h),
    modelKey: facesKey,
    clusterer: createFaceClusterer(),
  });
  await index.update();
  return { people: index.people().size, from: 'estimate' };
}

/** The people document's count, when it holds a clustering by these face models. */
async function fromDocument(root: string, facesKey: string): Promise<number | undefined> {
  const rootFile = join(root, 'root.json');
  if (!existsSync(rootFile)) return undefined;
  const [{ Repo }, sync, platform] = await Promise.all([
    import('@automerge/automerge-repo'),
    import('@hearth/sync'),
    import('@hearth/sync/platform'),
  ]);
  const storage = platform.createCatalogStorage(join(root, 'automerge'));
  const repo = new Repo({ storage });
  try {
    const { url } = JSON.parse(await readFile(rootFile, 'utf8')) as { url: string };
    const rootDoc = await repo.find<RootDoc>(url as never);
    const peopleUrl = rootDoc.doc().people;
    if (!peopleUrl) return undefined;
    const doc = (await repo.find(peopleUrl as never)).doc();
    const state = sync.readPeopleState(doc);
    if (!state.ok || state.value.clusteredWith !== facesKey) return undefined;
    return sync.listPeople(state.value).length;
  } catch {
    return undefined; // unreadable storage: the estimate below still answers
  } finally {
    await sync.shutdownRepo(repo);
    await storage.close(); // throttled saves may fire after shutdown: drop them
  }
}
