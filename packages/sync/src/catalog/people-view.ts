import type { PersonId } from '../ids.ts';
import { readPeople, type Person } from './people-doc.ts';
import { resolvePerson } from './people-edits.ts';
import { bad, isObject, ok, text, type Checked } from './schema-check.ts';

/**
 * The people document as plain data (no Automerge strings), shaped so it can be handed to
 * the clusterer as the user's decisions as it is (`people[id].mergedInto`, `assignments`).
 */
export interface PeopleState {
  people: Record<string, Person>;
  /** hand assignments: face key → person id */
  assignments: Record<string, string>;
  /** the node's clustering: face key → person id */
  faces: Record<string, string>;
  clusteredWith?: string;
  /** "not this person" decisions: `faceKey/personId` */
  rejected: Set<string>;
  /** malformed entries that were skipped */
  invalid: string[];
}

/** A person as the apps list them: merges resolved, with the faces that show them. */
export interface PersonSummary extends Person {
  faces: number;
}

function stringMap(v: unknown, where: string, invalid: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    const s = text(x);
    if (s === undefined) invalid.push(`${where} ${k}: not a person id`);
    else out[k] = s;
  }
  return out;
}

/** Validates a people document and reads it as plain data. */
export function readPeopleState(doc: unknown): Checked<PeopleState> {
  const r = readPeople(doc);
  if (!r.ok) return bad(r.reason);
  const d = doc as Record<string, unknown>;
  const invalid = [...r.value.invalid];
  const state: PeopleState = {
    people: Object.fromEntries(r.value.people.map((p) => [p.id, p])),
    assignments: stringMap(d['assignments'], 'assignment', invalid),
    faces: stringMap(d['faces'], 'face', invalid),
    rejected: new Set(isObject(d['rejected']) ? Object.keys(d['rejected']) : []),
    invalid,
  };
  const model = text(d['clusteredWith']);
  if (model !== undefined) state.clusteredWith = model;
  return ok(state);
}

/**
 * Face key → person with every user decision applied: hand assignment first, then merges; a
 * face the user said is not that person shows as nobody (until clustering puts it elsewhere).
 */
export function facePeople(s: PeopleState): Map<string, PersonId> {
  const out = new Map<string, PersonId>();
  for (const [k, id] of Object.entries(s.faces)) {
    const p = resolvePerson(s.people, id);
    if (!s.rejected.has(`${k}/${p}`) && !s.rejected.has(`${k}/${id}`)) out.set(k, p as PersonId);
  }
  for (const [k, id] of Object.entries(s.assignments)) out.set(k, resolvePerson(s.people, id) as PersonId);
  return out;
}

/** People to show (not merged away; hidden ones only when asked), most faces first. */
export function listPeople(s: PeopleState, opts: { includeHidden?: boolean } = {}): PersonSummary[] {
  const counts = new Map<string, number>();
  for (const id of facePeople(s).values()) counts.set(id, (counts.get(id) ?? 0) + 1);
  return Object.values(s.people)
    .filter((p) => resolvePerson(s.people, p.id) === p.id && (opts.includeHidden || !p.hidden))
    .map((p) => ({ ...p, faces: counts.get(p.id) ?? 0 }))
    .filter((p) => p.faces > 0 || p.name !== '')
    .sort((a, b) => b.faces - a.faces || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}
