/**
 * Search over what the library knows about each photo: tags, OCR text, people, places,
 * camera, file name, description, album names, plus capture-time ranges; ranked by field
 * weight, and by CLIP similarity when an encoder and an embedding index are present. Pure
 * data in, so the PWA answers offline from synced records.
 */
import type { ClipEncoder } from './clip-encoder.ts';
import { parseQuery, words } from './search-query.ts';
import type { VectorIndex } from './vector-index.ts';

/** What search knows about one photo (built from the catalog and the ML results). */
export interface SearchDocument {
  readonly id: string;
  /** Capture time, ms since epoch (local wall clock as UTC). */
  readonly takenAt?: number;
  readonly tags?: readonly string[];
  readonly ocr?: string;
  readonly people?: readonly string[];
  readonly place?: string;
  readonly camera?: string;
  readonly fileName?: string;
  readonly description?: string;
  readonly albums?: readonly string[];
}

export interface SearchHit {
  readonly id: string;
  readonly score: number;
  /** Which fields matched, for the UI ("in OCR text"). */
  readonly matched: string[];
}

export interface SearchOptions {
  readonly limit?: number;
  /** CLIP text encoder + index of CLIP image embeddings by document id. */
  readonly semantic?: { readonly encoder: ClipEncoder; readonly index: VectorIndex };
  readonly southern?: boolean;
}

export interface SearchIndex {
  readonly size: number;
  put(doc: SearchDocument): void;
  remove(id: string): void;
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
}

const WEIGHTS: Record<string, number> = {
  people: 5,
  albums: 4,
  tags: 3,
  place: 3,
  description: 2,
  fileName: 2,
  camera: 2,
  ocr: 1,
};

function fieldsOf(d: SearchDocument): [string, string][] {
  const out: [string, string][] = [];
  for (const t of d.tags ?? []) out.push(['tags', t]);
  for (const p of d.people ?? []) out.push(['people', p]);
  for (const a of d.albums ?? []) out.push(['albums', a]);
  if (d.ocr) out.push(['ocr', d.ocr]);
  if (d.place) out.push(['place', d.place]);
  if (d.camera) out.push(['camera', d.camera]);
  if (d.fileName) out.push(['fileName', d.fileName.replace(/[._-]/g, ' ')]);
  if (d.description) out.push(['description', d.description]);
  return out;
}

export function createSearchIndex(): SearchIndex {
  const docs = new Map<string, SearchDocument>();
  // word → id → best field weight and its field names
  const postings = new Map<string, Map<string, { w: number; fields: Set<string> }>>();
  let vocab: string[] | undefined;

  function unindex(d: SearchDocument) {
    for (const [, text] of fieldsOf(d)) for (const w of words(text)) postings.get(w)?.delete(d.id);
  }
  /** Documents whose words start with `prefix` (so "bicy" finds "bicycle"), with field weights. */
  function match(prefix: string): Map<string, { w: number; fields: Set<string> }> {
    vocab ??= [...postings.keys()].sort();
    const out = new Map<string, { w: number; fields: Set<string> }>();
    let lo = 0,
      hi = vocab.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((vocab[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < vocab.length && (vocab[i] as string).startsWith(prefix); i++) {
      const exact = vocab[i] === prefix ? 1 : 0.6;
      for (const [id, p] of postings.get(vocab[i] as string) ?? []) {
        const cur = out.get(id) ?? { w: 0, fields: new Set<string>() };
        cur.w = Math.max(cur.w, p.w * exact);
        for (const f of p.fields) cur.fields.add(f);
        out.set(id, cur);
      }
    }
    return out;
  }

  return {
    get size() {
      return docs.size;
    },
    put(doc) {
      const old = docs.get(doc.id);
      if (old) unindex(old);
      docs.set(doc.id, doc);
      for (const [field, text] of fieldsOf(doc)) {
        for (const w of words(text)) {
          const m = postings.get(w) ?? new Map<string, { w: number; fields: Set<string> }>();
          const p = m.get(doc.id) ?? { w: 0, fields: new Set<string>() };
          p.w = Math.max(p.w, WEIGHTS[field] ?? 1);
          p.fields.add(field);
          m.set(doc.id, p);
          postings.set(w, m);
        }
      }
      vocab = undefined;
    },
    remove(id) {
      const old = docs.get(id);
      if (old) unindex(old);
      docs.delete(id);
    },
    async search(query, options = {}) {
      const limit = options.limit ?? 100;
      const q = parseQuery(query, options.southern ? { southern: true } : {});
      const inRange = (id: string) => {
        if (!q.range) return true;
        const t = docs.get(id)?.takenAt;
        return t !== undefined && t >= q.range.from && t < q.range.to;
      };
      // Every word must match some field (AND); scores add up.
      let scored: Map<string, { w: number; fields: Set<string> }> | undefined;
      for (const w of q.words) {
        const m = match(w);
        if (!scored) scored = m;
        else {
          const next = new Map<string, { w: number; fields: Set<string> }>();
          for (const [id, a] of scored) {
            const b = m.get(id);
            if (b) next.set(id, { w: a.w + b.w, fields: new Set([...a.fields, ...b.fields]) });
          }
          scored = next;
        }
      }
      const hits: SearchHit[] = [];
      if (scored)
        for (const [id, s] of scored) if (inRange(id)) hits.push({ id, score: s.w, matched: [...s.fields] });
      if (!scored)
        for (const id of docs.keys())
          if (inRange(id)) hits.push({ id, score: 0, matched: q.range ? ['date'] : [] });
      if (options.semantic && q.words.length > 0) {
        // CLIP ranks what words alone cannot ("dog on a beach"); text matches stay on top.
        const t = await options.semantic.encoder.embedText(q.words.join(' '));
        const known = new Set(hits.map((h) => h.id));
        const sem = await options.semantic.index.search(t.vector, limit, (id) => docs.has(id) && inRange(id));
        const semScore = new Map(sem.map((s) => [s.id, s.score]));
        for (const h of hits) (h as { score: number }).score += 10 + (semScore.get(h.id) ?? 0);
        for (const s of sem)
          if (!known.has(s.id)) hits.push({ id: s.id, score: s.score, matched: ['semantic'] });
      }
      // Newest first among equal scores (the timeline's order).
      hits.sort(
        (a, b) => b.score - a.score || (docs.get(b.id)?.takenAt ?? 0) - (docs.get(a.id)?.takenAt ?? 0),
      );
      return hits.slice(0, limit);
    },
  };
}
