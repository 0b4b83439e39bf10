/**
 * The library's people document, opened from the root's `people` URL (created on first
 * use). Like asset shards, it has a deterministic id and first change, so two devices
 * that both create it while offline create the same document.
 */
import * as A from '@automerge/automerge';
import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo';
import { asPersonId, randomId, type PersonId } from '../ids.ts';
import { InvalidCatalogDataError } from './catalog-errors.ts';
import { emptyPeople, type PeopleDoc } from './people-doc.ts';
import * as edits from './people-edits.ts';
import {
  facePeople,
  listPeople,
  readPeopleState,
  type PeopleState,
  type PersonSummary,
} from './people-view.ts';
import type { RootDoc } from './root-doc.ts';
import { libraryDocUrl, openRootListedDoc } from './root-listed-doc.ts';
import { text } from './schema-check.ts';

/** The actor of the people document's first change (never used for later changes). */
const GENESIS_ACTOR = '686561727468' + '01' + '00'.repeat(9);

/** The URL of a library's people document: the first 16 bytes of SHA-256(library id). */
export async function peopleUrl(libraryId: string): Promise<AutomergeUrl> {
  return libraryDocUrl('hearth/people/1', libraryId);
}

function peopleGenesis(): Uint8Array {
  const doc = A.change(A.init<PeopleDoc>({ actor: GENESIS_ACTOR }), { time: 0 }, (d) => {
    Object.assign(d, emptyPeople());
  });
  return A.save(doc);
}

/** Operations on people: users name, hide, merge and reassign; the home node writes its clustering. */
export interface PeopleCatalog {
  readonly url: AutomergeUrl;
  /** The document as plain data; throws InvalidCatalogDataError when it is malformed. */
  read(): PeopleState;
  /** Face key → person, every user decision applied. */
  faceAssignments(): Map<string, PersonId>;
  /** People to show, most faces first. */
  list(opts?: { includeHidden?: boolean }): PersonSummary[];
  /** A new person made by a user (e.g. to move a face to someone the clustering missed). */
  createPerson(name: string): PersonId;
  rename(id: PersonId, name: string): void;
  setHidden(id: PersonId, hidden: boolean): void;
  setBirthDate(id: PersonId, date: string | undefined): void;
  /** Every face of `from` shows as `into` from now on, whatever later clustering runs find. */
  merge(from: PersonId, into: PersonId): void;
  unmerge(id: PersonId): void;
  /** Puts one face on a person (`null` hands it back to the clustering). */
  assignFace(faceKey: string, person: PersonId | null): void;
  /** "Not this person": the face leaves that person, and stays out on later clustering runs. */
  rejectFace(faceKey: string, person: PersonId): void;
  /** The home node's clustering run; returns how many face entries changed. */
  applyClustering(model: string, clustering: ReadonlyMap<string, string>): number;
  onChange(listener: () => void): () => void;
}

export interface PeopleCatalogOptions {
  repo: Repo;
  root: DocHandle<RootDoc>;
  now?: () => number;
}

/**
 * Opens (or creates, and lists in the root) the library's people document. Rejects like
 * `repo.find` when the root lists a people document no connected peer has yet: call again
 * once a peer is connected.
 */
export async function openPeopleCatalog(opts: PeopleCatalogOptions): Promise<PeopleCatalog> {
  const { repo, root } = opts;
  const now = opts.now ?? Date.now;
  const handle = await openRootListedDoc<PeopleDoc>(repo, root, 'people', peopleUrl, peopleGenesis);
  const read = (): PeopleState => {
    const r = readPeopleState(handle.doc());
    if (!r.ok) throw new InvalidCatalogDataError(`people ${handle.url}`, r.reason);
    return r.value;
  };
  const change = (fn: (d: PeopleDoc) => void) => handle.change(fn);
  return {
    url: handle.url,
    read,
    faceAssignments: () => facePeople(read()),
    list: (o) => listPeople(read(), o),
    createPerson(name) {
      const id = asPersonId(randomId());
      change((d) => void edits.addPerson(d, id, now(), name));
      return id;
    },
    rename: (id, name) => change((d) => edits.renamePerson(d, id, name)),
    setHidden: (id, hidden) => change((d) => edits.setPersonHidden(d, id, hidden)),
    setBirthDate: (id, date) => change((d) => edits.setBirthDate(d, id, date)),
    merge: (from, into) => change((d) => edits.mergePeople(d, from, into)),
    unmerge: (id) => change((d) => edits.unmergePerson(d, id)),
    assignFace: (key, person) => change((d) => edits.assignFace(d, key, person)),
    rejectFace: (key, person) => change((d) => edits.rejectFace(d, key, person)),
    applyClustering(model, clustering) {
      // The diff is read from the materialised document (plain objects, fast); inside a change
      // every read goes through a proxy, which at 100k faces costs seconds.
      const cur = handle.doc();
      const reset = cur.faces !== undefined && cur.clusteredWith !== model;
      const stored: Readonly<Record<string, unknown>> = reset ? {} : (cur.faces ?? {});
      const remove = Object.keys(stored).filter((k) => !clustering.has(k));
      const set: [string, string][] = [];
      const fresh = new Set<string>();
      for (const [k, id] of clustering) {
        if (text(stored[k]) === id) continue;
        set.push([k, id]);
        if (cur.people[id] === undefined) fresh.add(id);
      }
      if (!reset && cur.clusteredWith === model && set.length === 0 && remove.length === 0) return 0;
      const c = { model, reset, set, remove, newPeople: [...fresh] };
      change((d) => edits.writeClustering(d, c, now()));
      return set.length + remove.length;
    },
    onChange(listener) {
      const l = () => listener();
      handle.on('change', l);
      return () => handle.off('change', l);
    },
  };
}
