import type { FaceClusterer, FaceClusterOptions } from '@hearth/ml';
import { readAll, type BlobHash, type PeopleCatalog } from '@hearth/sync';
import type { Library } from './library.ts';
import type { NodeCatalog } from './node-catalog.ts';
import type { PeerServices } from './peer-services.ts';
import { createPeopleIndex, type PeopleIndex } from './people-index.ts';

/** What one people run did. */
export interface PeopleRunResult {
  /** Faces clustered so far (all of them after the first run). */
  faces: number;
  /** Faces new in this run. */
  newFaces: number;
  /** People shown to users (not merged away, not hidden). */
  people: number;
  /** Face entries written to the people document. */
  written: number;
}

/** Options of {@link createPeopleSync}. */
export interface PeopleSyncOptions {
  journal: Pick<NodeCatalog, 'assets' | 'derived'>;
  readBlob(hash: BlobHash): Promise<Uint8Array>;
  /** Models key of the enabled face feature: only its faces are clustered. */
  modelKey: string;
  /** The synced people document (opened on first run). */
  people(): Promise<PeopleCatalog>;
  cluster?: FaceClusterOptions;
}

/** Clusters the node's faces into the synced people document, run after run. */
export interface PeopleSync {
  run(): Promise<PeopleRunResult>;
}

/**
 * Each run feeds the faces found since the last one to an incremental clusterer and writes
 * its clustering into the people document. The user's decisions are read from that document
 * before every run, so they steer new faces too (a face of a merged-away person lands in the
 * person it was merged into), and the clustering never writes a user's fields. After a
 * restart the first run restores the stored clustering, so person ids (and the names users
 * gave them) stay; after a face model change the new clusters adopt the old ids by face
 * overlap. Runs do not overlap.
 */
export function createPeopleSync(opts: PeopleSyncOptions): PeopleSync {
  let index: PeopleIndex | undefined;
  let clusterer: FaceClusterer | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  async function once(): Promise<PeopleRunResult> {
    const people = await opts.people();
    const state = people.read();
    const first = index === undefined;
    if (!index || !clusterer) {
      const { createFaceClusterer } = await import('@hearth/ml');
      clusterer = createFaceClusterer(opts.cluster);
      const previous =
        state.clusteredWith === opts.modelKey ? new Map(Object.entries(state.faces)) : undefined;
      index = createPeopleIndex({
        catalog: opts.journal,
        readBlob: opts.readBlob,
        modelKey: opts.modelKey,
        clusterer,
        ...(previous ? { previous } : {}),
      });
    }
    clusterer.setDecisions(state);
    const newFaces = await index.update();
    // A new face model: its clusters take over the ids (and so the names) of the old ones.
    if (first && state.clusteredWith !== opts.modelKey && Object.keys(state.faces).length > 0)
      clusterer.adopt(new Map(Object.entries(state.faces)));
    const written =
      newFaces > 0 || first ? people.applyClustering(opts.modelKey, clusterer.machineAssignments()) : 0;
    return { faces: index.faces, newFaces, people: people.list().length, written };
  }

  return {
    run() {
      const next = chain.then(once);
      chain = next.catch(() => undefined);
      return next;
    },
  };
}

/** A people sync the daemon runs whenever the node's catalog changed (polled). */
export interface PeopleSyncLoop {
  /** People shown to users after the last run (users' merges and hiding applied), once one ran. */
  people(): number | undefined;
  stop(): Promise<void>;
}

/** Runs `sync` now and whenever `version()` moved, at most every `intervalMs`. */
export function startPeopleSyncLoop(
  sync: PeopleSync,
  version: () => number,
  log: (line: string) => void,
  intervalMs = 2000,
): PeopleSyncLoop {
  let seen = -1;
  let people: number | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    const v = version();
    if (v === seen) return;
    seen = v;
    running = running
      .then(() => sync.run())
      .then((r) => {
        people = r.people;
        if (r.written > 0 || r.newFaces > 0)
          log(`people: ${r.people} people from ${r.faces} faces (${r.written} face entries written)`);
      })
      .catch((err: unknown) => log(`people: ${(err as Error).message}`));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    people: () => people,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** What {@link startNodePeople} needs from the running daemon. */
export interface NodePeopleOptions {
  lib: Pick<Library, 'catalog' | 'blobs'>;
  peers: Pick<PeerServices, 'repo' | 'root'>;
  /** Models key of the enabled face feature. */
  modelKey: string;
  log: (line: string) => void;
  intervalMs?: number;
}

/** The daemon's people part: clusters new faces into the synced people document as they are found. */
export async function startNodePeople(opts: NodePeopleOptions): Promise<PeopleSyncLoop> {
  const { openPeopleCatalog } = await import('@hearth/sync');
  let opened: Promise<PeopleCatalog> | undefined;
  let doc: PeopleCatalog | undefined;
  const sync = createPeopleSync({
    journal: opts.lib.catalog,
    readBlob: (h) => readAll(opts.lib.blobs, h),
    modelKey: opts.modelKey,
    people: () =>
      (opened ??= openPeopleCatalog({ repo: opts.peers.repo, root: opts.peers.root }).then((p) => (doc = p))),
  });
  const loop = startPeopleSyncLoop(sync, () => opts.lib.catalog.version, opts.log, opts.intervalMs);
  // Read from the document each time: a user's merge on a device changes the count between runs.
  return { people: () => (doc ? doc.list().length : loop.people()), stop: () => loop.stop() };
}
