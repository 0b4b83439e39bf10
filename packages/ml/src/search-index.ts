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
  readonly semantic?: SemanticOptions;
  readonly southern?: boolean;
}

/** CLIP ranking of a search. */
export interface SemanticOptions {
  readonly encoder: ClipEncoder;
  readonly index: VectorIndex;
  /**
   * Photos below this cosine similarity are not semantic results (so a query about nothing
   * in the library shows nothing semantic); word matches keep their place whatever it is.
   */
  readonly minScore?: number;
  /** At most this many semantic-only results (default: the search's `limit`). */
  readonly limit?: number;
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

/** Field names by bit: a posting keeps the fields a word was in as a bit mask, not a Set. */
const FIELD_NAMES = Object.keys(WEIGHTS);
const FIELD_BIT = new Map(FIELD_NAMES.map((f, i) => [f, 1 << i]));
/** The best weight of a mask's fields, by mask (8 fields: 256 entries). */
const MASK_WEIGHT = Array.from({ length: 1 << FIELD_NAMES.length }, (_, m) =>
  FIELD_NAMES.reduce((w, f, i) => (m & (1 << i) ? Math.max(w, WEIGHTS[f] ?? 1) : w), 0),
);
const fieldsOfMask = (m: number) => FIELD_NAMES.filter((_, i) => m & (1 << i));

interface Scored {
  w: number;
  mask: number;
}

/** Merges sorted `b` (deduplicated, none in `a`) into sorted `a`: O(a + b), no re-sort of `a`. */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out = new Array<string>(a.length + b.length);
  let i = 0,
    j = 0,
    k = 0;
  while (i < a.length && j < b.length) out[k++] = (a[i] as string) < (b[j] as string) ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

export function createSearchIndex(): SearchIndex {
  const docs = new Map<string, SearchDocument>();
  // Postings hold a small number per document, not its 64-character id: integer keys hash and
  // compare faster, and 100k documents' words make ~1M postings. Numbers are never reused.
  const numOf = new Map<string, number>();
  const idOf: string[] = [];
  /** capture time by number (NaN: none) */
  const takenOf: number[] = [];
  // word → document number → mask of the fields the word is in. A word stays a key once seen (its map may
  // empty), so the sorted vocabulary only ever grows by words it has never held.
  const postings = new Map<string, Map<number, number>>();
  /** every key of `postings`, sorted (prefix search) */
  let vocab: string[] = [];
  /** words added since `vocab` was last merged: merged on the next search, not sorted per put */
  let added: string[] = [];

  function unindex(d: SearchDocument) {
    const n = numOf.get(d.id);
    if (n === undefined) return;
    for (const [, text] of fieldsOf(d)) for (const w of words(text)) postings.get(w)?.delete(n);
  }
  function sortedVocab(): string[] {
    if (added.length > 0) {
      vocab = mergeSorted(vocab, added.sort());
      added = [];
    }
    return vocab;
  }
  /** Documents whose words start with `prefix` (so "bicy" finds "bicycle"), with field weights. */
  function match(prefix: string): Map<number, Scored> {
    const vocab = sortedVocab();
    const out = new Map<number, Scored>();
    let lo = 0,
      hi = vocab.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((vocab[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < vocab.length && (vocab[i] as string).startsWith(prefix); i++) {
      const exact = vocab[i] === prefix ? 1 : 0.6;
      for (const [id, mask] of postings.get(vocab[i] as string) ?? []) {
        const w = (MASK_WEIGHT[mask] ?? 1) * exact;
        const cur = out.get(id);
        if (!cur) out.set(id, { w, mask });
        else {
          cur.w = Math.max(cur.w, w);
          cur.mask |= mask;
        }
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
      let n = numOf.get(doc.id);
      if (n === undefined) {
        n = idOf.push(doc.id) - 1;
        numOf.set(doc.id, n);
      }
      takenOf[n] = doc.takenAt ?? NaN;
      for (const [field, text] of fieldsOf(doc)) {
        const bit = FIELD_BIT.get(field) ?? 0;
        for (const w of words(text)) {
          let m = postings.get(w);
          if (!m) {
            postings.set(w, (m = new Map()));
            added.push(w);
          }
          m.set(n, (m.get(n) ?? 0) | bit);
        }
      }
    },
    remove(id) {
      const old = docs.get(id);
      if (old) unindex(old);
      docs.delete(id);
    },
    async search(query, options = {}) {
      const limit = options.limit ?? 100;
      const q = parseQuery(query, options.southern ? { southern: true } : {});
      const inRange = (n: number) => {
        if (!q.range) return true;
        const t = takenOf[n] as number;
        return t >= q.range.from && t < q.range.to; // NaN: no date, never in a range
      };
      // Every word must match some field (AND); scores add up.
      let scored: Map<number, Scored> | undefined;
      for (const w of q.words) {
        const m = match(w);
        if (!scored) scored = m;
        else {
          const next = new Map<number, Scored>();
          for (const [id, a] of scored) {
            const b = m.get(id);
            if (b) next.set(id, { w: a.w + b.w, mask: a.mask | b.mask });
          }
          scored = next;
        }
      }
      const hits: SearchHit[] = [];
      if (scored)
        for (const [n, s] of scored)
          if (inRange(n)) hits.push({ id: idOf[n] as string, score: s.w, matched: fieldsOfMask(s.mask) });
      if (!scored)
        for (const id of docs.keys())
          if (inRange(numOf.get(id) as number)) hits.push({ id, score: 0, matched: q.range ? ['date'] : [] });
      if (options.semantic && q.words.length > 0) {
        // CLIP ranks what words alone cannot ("dog on a beach"); text matches stay on top.
        const t = await options.semantic.encoder.embedText(q.words.join(' '));
        const known = new Set(hits.map((h) => h.id));
        const min = options.semantic.minScore ?? -Infinity;
        const sem = (
          await options.semantic.index.search(
            t.vector,
            Math.min(limit, options.semantic.limit ?? limit),
            (id) => docs.has(id) && inRange(numOf.get(id) as number),
          )
        ).filter((s) => s.score >= min);
        const semScore = new Map(sem.map((s) => [s.id, s.score]));
        for (const h of hits) (h as { score: number }).score += 10 + (semScore.get(h.id) ?? 0);
        for (const s of sem)
          if (!known.has(s.id)) hits.push({ id: s.id, score: s.score, matched: ['semantic'] });
      }
      // Newest first among equal scores (the timeline's order).
      const taken = (id: string) => docs.get(id)?.takenAt ?? 0;
      hits.sort((a, b) => b.score - a.score || taken(b.id) - taken(a.id));
      return hits.slice(0, limit);
    },
  };
}
