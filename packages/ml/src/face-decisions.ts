/** The user's word on faces, which every clustering applies over the machine's. */

/**
 * What the user decided, shaped like the catalog's people document so it can be passed
 * as is: `assignments` are hand assignments (face key → person id), `people[id].mergedInto`
 * records merges.
 */
export interface UserFaceDecisions {
  readonly people: Readonly<Record<string, { readonly mergedInto?: string }>>;
  readonly assignments: Readonly<Record<string, string>>;
}

/** Follows merge chains (bounded, so a cycle written by two devices cannot loop). */
export function mergeResolver(decisions: UserFaceDecisions): (id: string) => string {
  return (id) => {
    let cur = id;
    for (let i = 0; i < 32; i++) {
      const next = decisions.people[cur]?.mergedInto;
      if (!next || next === cur) break;
      cur = next;
    }
    return cur;
  };
}
