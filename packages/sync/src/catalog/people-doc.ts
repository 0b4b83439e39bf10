import type { ImmutableString } from '@automerge/automerge';
import type { PersonId } from '../ids.ts';
import { bad, finite, isObject, ok, text, type Checked } from './schema-check.ts';

/** A person (a named face cluster). */
export interface PersonRecord {
  name: string;
  hidden: boolean;
  /** ISO date `YYYY-MM-DD` */
  birthDate?: string;
  /** set when merged into another person */
  mergedInto?: string;
  createdAt: number;
}

/**
 * The people document: names, hidden flags, birth dates, merges, and the face→person
 * assignments a user made by hand. `assignments` is flat (`assetId/faceIndex` → personId)
 * so concurrent assignments of different faces never compete for one nested object.
 * `faces` is the home node's clustering (written only by it, see people-edits.ts), so
 * every device shows the same people offline; a user's entry always wins over it.
 */
export interface PeopleDoc {
  schema: 1;
  kind: 'people';
  people: Record<string, PersonRecord>;
  assignments: Record<string, string>;
  /** machine clustering: face key → person id */
  faces?: Record<string, ImmutableString>;
  /** models key of the face embedder `faces` was clustered with */
  clusteredWith?: string;
  /**
   * "Not this person": `assetId/faceIndex/personId` → true. The face never shows as that
   * person again, whatever later clustering runs find (a set: flat keys merge).
   */
  rejected?: Record<string, true>;
}

export function emptyPeople(): PeopleDoc {
  return { schema: 1, kind: 'people', people: {}, assignments: {} };
}

/** A person as read (malformed people are dropped by readPeople). */
export interface Person extends PersonRecord {
  id: PersonId;
}

/** Validates a people document from a peer or a file and reads its valid people. */
export function readPeople(doc: unknown): Checked<{ people: Person[]; invalid: string[] }> {
  if (!isObject(doc)) return bad('not an object');
  if (doc['kind'] !== 'people' || doc['schema'] !== 1) return bad('not a schema-1 people document');
  const raw = doc['people'];
  if (!isObject(raw) || !isObject(doc['assignments'])) return bad('people/assignments are not maps');
  const people: Person[] = [];
  const invalid: string[] = [];
  for (const [id, p] of Object.entries(raw)) {
    const name = isObject(p) ? text(p['name']) : undefined;
    const createdAt = isObject(p) ? finite(p['createdAt']) : undefined;
    if (!isObject(p) || name === undefined || createdAt === undefined) {
      invalid.push(`person ${id}: name/createdAt missing`);
      continue;
    }
    const person: Person = { id: id as PersonId, name, hidden: p['hidden'] === true, createdAt };
    const birth = text(p['birthDate']);
    if (birth !== undefined) person.birthDate = birth;
    const merged = text(p['mergedInto']);
    if (merged !== undefined) person.mergedInto = merged;
    people.push(person);
  }
  return ok({ people, invalid });
}
