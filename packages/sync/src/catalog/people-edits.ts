/**
 * The mutations of the people document, as plain functions over the document inside a
 * `handle.change` callback. Users own names, hidden flags, merges and hand assignments;
 * the home node owns `faces` (its clustering) and only ever adds person records there, so
 * a clustering run can never undo what a user decided.
 */
import { ImmutableString } from '@automerge/automerge';
import { InvalidCatalogInputError } from './catalog-errors.ts';
import type { PeopleDoc } from './people-doc.ts';

const im = (s: string) => new ImmutableString(s);
/** Merge chains are followed at most this far (two devices can write a cycle). */
const MAX_MERGE_DEPTH = 32;

function person(d: PeopleDoc, id: string) {
  const p = d.people[id];
  if (!p) throw new InvalidCatalogInputError(`person ${id} is not in the people document`);
  return p;
}

/** The person a (possibly merged) id stands for now. */
export function resolvePerson(
  people: Readonly<Record<string, { mergedInto?: unknown }>>,
  id: string,
): string {
  let cur = id;
  for (let i = 0; i < MAX_MERGE_DEPTH; i++) {
    const next = people[cur]?.mergedInto;
    const n = typeof next === 'string' ? next : next instanceof ImmutableString ? next.val : undefined;
    if (!n || n === cur) break;
    cur = n;
  }
  return cur;
}

export function checkName(name: string): string {
  const t = name.trim();
  if (t.length > 200) throw new InvalidCatalogInputError('a person name has at most 200 characters');
  return t;
}

/** Adds a person record unless it exists. */
export function addPerson(d: PeopleDoc, id: string, now: number, name = ''): boolean {
  if (d.people[id] !== undefined) return false;
  d.people[id] = { name: checkName(name), hidden: false, createdAt: now };
  return true;
}

export function renamePerson(d: PeopleDoc, id: string, name: string): void {
  const t = checkName(name);
  const p = person(d, id);
  if (p.name !== t) p.name = t;
}

export function setPersonHidden(d: PeopleDoc, id: string, hidden: boolean): void {
  const p = person(d, id);
  if (p.hidden !== hidden) p.hidden = hidden;
}

export function setBirthDate(d: PeopleDoc, id: string, date: string | undefined): void {
  const p = person(d, id);
  if (date === undefined) delete p.birthDate;
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new InvalidCatalogInputError(`birth date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  else p.birthDate = date;
}

/** Merges `from` into `into` (as resolved now); refuses a merge that would make a cycle. */
export function mergePeople(d: PeopleDoc, from: string, into: string): void {
  person(d, from);
  person(d, into);
  const target = resolvePerson(d.people, into);
  if (resolvePerson(d.people, from) === target)
    throw new InvalidCatalogInputError(`person ${from} is already ${target}: nothing to merge`);
  person(d, from).mergedInto = target;
}

/** Undoes a merge: the person shows on its own again. */
export function unmergePerson(d: PeopleDoc, id: string): void {
  delete person(d, id).mergedInto;
}

/** A user's assignment of one face (`assetId/faceIndex`); `null` forgets it (the clustering decides again). */
export function assignFace(d: PeopleDoc, faceKey: string, personId: string | null): void {
  if (!/^[^/]+\/\d+$/.test(faceKey))
    throw new InvalidCatalogInputError(
      `face key must be "<assetId>/<faceIndex>", got ${JSON.stringify(faceKey)}`,
    );
  if (personId === null) {
    delete d.assignments[faceKey];
    return;
  }
  person(d, personId);
  d.assignments[faceKey] = personId;
  // Putting a face on someone by hand takes back an earlier "not this person" for them.
  if (d.rejected?.[`${faceKey}/${personId}`] !== undefined) delete d.rejected[`${faceKey}/${personId}`];
}

/**
 * "Not this person": the face leaves `personId` (as the user saw it: merges resolved) now and
 * on every later clustering run. A hand assignment of the face to that person is undone too.
 */
export function rejectFace(d: PeopleDoc, faceKey: string, personId: string): void {
  if (!/^[^/]+\/\d+$/.test(faceKey))
    throw new InvalidCatalogInputError(
      `face key must be "<assetId>/<faceIndex>", got ${JSON.stringify(faceKey)}`,
    );
  person(d, personId);
  const target = resolvePerson(d.people, personId);
  const hand = d.assignments[faceKey];
  if (hand !== undefined && resolvePerson(d.people, String(hand)) === target) delete d.assignments[faceKey];
  d.rejected ??= {};
  d.rejected[`${faceKey}/${target}`] = true;
}

/** What one clustering run changes (computed outside the change: reads there are slow proxies). */
export interface ClusteringChange {
  model: string;
  /** The face model changed: every stored entry goes. */
  reset: boolean;
  set: readonly (readonly [faceKey: string, person: string])[];
  remove: readonly string[];
  /** Ids in `set` that have no person record yet (they get unnamed, visible records). */
  newPeople: readonly string[];
}

/**
 * Writes the node's clustering: changed entries only, new people unnamed and visible. A user's
 * fields are never touched.
 */
export function writeClustering(d: PeopleDoc, c: ClusteringChange, now: number): void {
  if (d.faces === undefined || c.reset) d.faces = {};
  if (d.clusteredWith !== c.model) d.clusteredWith = c.model;
  const faces = d.faces;
  for (const k of c.remove) delete faces[k];
  for (const id of c.newPeople) addPerson(d, id, now);
  for (const [k, id] of c.set) faces[k] = im(id);
}
