import { afterEach, describe, expect, it } from 'vitest';
import type { Repo } from '@automerge/automerge-repo';
import type { PersonId } from '../ids.ts';
import { InvalidCatalogInputError } from './catalog-errors.ts';
import type { RootDoc } from './root-doc.ts';
import { openPeopleCatalog, peopleUrl } from './people-catalog.ts';
import { createTestRoot, fakeAssetId, linkRepos, memoryRepo, waitUntil } from './test-library.ts';

const repos: Repo[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.shutdown();
});

async function open(name = 'a') {
  const repo = memoryRepo(name);
  repos.push(repo);
  const root = createTestRoot(repo);
  const people = await openPeopleCatalog({ repo, root, now: () => 1000 });
  return { repo, root, people };
}

const face = (asset: number, i: number) => `${fakeAssetId(asset)}/${i}`;
const p = (s: string) => s as PersonId;

describe('people catalog', { timeout: 30_000 }, () => {
  it('creates the people document at its deterministic URL and lists it in the root', async () => {
    const { root, people } = await open();
    expect(people.url).toBe(await peopleUrl('test-library-0001'));
    expect(root.doc().people).toBe(people.url);
    expect(people.read().people).toEqual({});
  });

  it('writes the clustering as unnamed people; names, hiding, merges and hand assignments win over every later run', async () => {
    const { people } = await open();
    const run1 = new Map([
      [face(1, 0), 'personA0001'],
      [face(2, 0), 'personA0001'],
      [face(3, 0), 'personB0001'],
      [face(4, 0), 'personB0001'],
      [face(5, 0), 'personC0001'],
    ]);
    expect(people.applyClustering('yunet@1+emb@1', run1)).toBe(5);
    expect(people.list().map((x) => [x.id, x.faces, x.name])).toEqual([
      ['personA0001', 2, ''],
      ['personB0001', 2, ''],
      ['personC0001', 1, ''],
    ]);
    // Unchanged entries are not rewritten.
    expect(people.applyClustering('yunet@1+emb@1', run1)).toBe(0);

    people.rename(p('personA0001'), 'Ada');
    people.merge(p('personB0001'), p('personA0001'));
    people.assignFace(face(5, 0), p('personA0001'));
    people.setHidden(p('personC0001'), true);
    // The next run disagrees about everything: it never touches user fields, and reads apply them.
    const run2 = new Map([...run1, [face(5, 0), 'personC0001'], [face(6, 0), 'personB0001']]);
    people.applyClustering('yunet@1+emb@1', run2);
    const s = people.read();
    expect(s.people['personA0001']?.name).toBe('Ada');
    expect(s.people['personB0001']?.mergedInto).toBe('personA0001');
    expect(s.people['personC0001']?.hidden).toBe(true);
    const byFace = people.faceAssignments();
    for (const n of [1, 2, 3, 4, 5, 6]) expect(byFace.get(face(n, 0))).toBe('personA0001');
    expect(people.list().map((x) => [x.name, x.faces])).toEqual([['Ada', 6]]);
    expect(people.list({ includeHidden: true }).map((x) => x.id)).toEqual(['personA0001']);

    // Handing the face back lets the clustering decide again; unmerging shows B on its own.
    people.assignFace(face(5, 0), null);
    people.unmerge(p('personB0001'));
    expect(people.faceAssignments().get(face(5, 0))).toBe('personC0001');
    expect(people.faceAssignments().get(face(3, 0))).toBe('personB0001');
  });

  it('a new face model starts the clustering afresh but keeps people and decisions', async () => {
    const { people } = await open();
    people.applyClustering('m@1', new Map([[face(1, 0), 'personA0001']]));
    people.rename(p('personA0001'), 'Ada');
    people.applyClustering('m@2', new Map([[face(1, 1), 'personA0001']]));
    expect(Object.keys(people.read().faces)).toEqual([face(1, 1)]);
    expect(people.read().clusteredWith).toBe('m@2');
    expect(people.read().people['personA0001']?.name).toBe('Ada');
  });

  it('"not this person" takes a face out of a person, also on every later clustering run', async () => {
    const { people } = await open();
    const run = new Map([
      [face(1, 0), 'personA0001'],
      [face(2, 0), 'personA0001'],
      [face(3, 0), 'personA0001'],
      [face(4, 0), 'personB0001'],
    ]);
    people.applyClustering('m@1', run);
    people.rename(p('personA0001'), 'Ada');
    people.rejectFace(face(3, 0), p('personA0001'));
    expect(people.faceAssignments().has(face(3, 0))).toBe(false);
    expect(people.list().map((x) => [x.name, x.faces])).toEqual([
      ['Ada', 2],
      ['', 1],
    ]);
    // The next run still puts the face in A: it stays out. If it moves it to B, it shows there.
    people.applyClustering('m@1', new Map([...run, [face(5, 0), 'personA0001']]));
    expect(people.faceAssignments().has(face(3, 0))).toBe(false);
    expect(people.faceAssignments().get(face(5, 0))).toBe('personA0001');
    people.applyClustering('m@1', new Map([...run, [face(3, 0), 'personB0001']]));
    expect(people.faceAssignments().get(face(3, 0))).toBe('personB0001');
    // Rejecting a merged-away person rejects whom the user saw (the merge target).
    people.merge(p('personB0001'), p('personA0001'));
    people.rejectFace(face(4, 0), p('personB0001'));
    expect(people.faceAssignments().has(face(4, 0))).toBe(false);
    // A hand assignment to that person takes the rejection back; a rejection undoes a hand assignment.
    people.assignFace(face(4, 0), p('personA0001'));
    expect(people.faceAssignments().get(face(4, 0))).toBe('personA0001');
    people.rejectFace(face(4, 0), p('personA0001'));
    expect(people.read().assignments[face(4, 0)]).toBeUndefined();
    expect(people.faceAssignments().has(face(4, 0))).toBe(false);
    expect(() => people.rejectFace('bad', p('personA0001'))).toThrow(InvalidCatalogInputError);
    expect(() => people.rejectFace(face(1, 0), p('nobody000'))).toThrow(InvalidCatalogInputError);
  });

  it('refuses bad input with a typed error and changes nothing', async () => {
    const { people } = await open();
    const ada = people.createPerson('Ada');
    const bob = people.createPerson('Bob');
    const before = JSON.stringify(people.read());
    expect(() => people.rename(p('nobody000'), 'x')).toThrow(InvalidCatalogInputError);
    expect(() => people.merge(ada, p('nobody000'))).toThrow(InvalidCatalogInputError);
    expect(() => people.assignFace('not-a-face-key', ada)).toThrow(InvalidCatalogInputError);
    expect(() => people.rename(ada, 'x'.repeat(201))).toThrow(InvalidCatalogInputError);
    expect(() => people.setBirthDate(ada, '5 May')).toThrow(InvalidCatalogInputError);
    expect(JSON.stringify(people.read())).toBe(before);
    // Merging back into someone already merged would make a cycle.
    people.merge(bob, ada);
    expect(() => people.merge(ada, bob)).toThrow(/nothing to merge/);
  });

  it('a device and the node edit concurrently: decisions and clustering both survive the merge', async () => {
    const node = await open('node');
    const phone = memoryRepo('phone');
    repos.push(phone);
    const link = linkRepos(node.repo, phone);
    node.people.applyClustering('m@1', new Map([[face(1, 0), 'personA0001']]));
    const rootOnPhone = await phone.find<RootDoc>(node.root.url);
    const rootChanged = (wake: () => void) => {
      rootOnPhone.on('change', wake);
      return () => rootOnPhone.off('change', wake);
    };
    await waitUntil(() => rootOnPhone.doc()?.people === node.people.url, [rootChanged]);
    const onPhone = await openPeopleCatalog({ repo: phone, root: rootOnPhone });
    await waitUntil(() => onPhone.read().people['personA0001'] !== undefined, [onPhone.onChange]);
    link.disconnect();
    onPhone.rename(p('personA0001'), 'Ada');
    node.people.applyClustering(
      'm@1',
      new Map([
        [face(1, 0), 'personA0001'],
        [face(2, 0), 'personA0001'],
      ]),
    );
    link.connect();
    await waitUntil(() => node.people.read().people['personA0001']?.name === 'Ada', [node.people.onChange]);
    await waitUntil(() => onPhone.faceAssignments().size === 2, [onPhone.onChange]);
    expect(node.people.list().map((x) => [x.name, x.faces])).toEqual([['Ada', 2]]);
  });
});
