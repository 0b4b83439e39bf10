/**
 * OpenAI CLIP's byte-level BPE tokenizer (the same ids as `clip.tokenize`), built from the
 * merges file `bpe_simple_vocab_16e6.txt` in the models dir. ftfy's text repair is not
 * reproduced; HTML entities are unescaped and whitespace collapsed as CLIP does.
 */
import { InvalidInputError } from './errors.ts';

export const CLIP_CONTEXT_LENGTH = 77;

/** Text → CLIP token ids. */
export interface ClipTokenizer {
  readonly startToken: number;
  readonly endToken: number;
  /** Token ids of the text alone, no start/end markers. */
  encode(text: string): number[];
  /** [start, …ids, end] truncated and zero-padded to `length` (77), as the text tower takes it. */
  encodeForClip(text: string, length?: number): Int32Array;
}

/** GPT-2's byte→printable-char map; `order` is the vocab order (Python dict insertion order). */
function bytesToUnicode(): { table: string[]; order: string[] } {
  const bs: number[] = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const table: string[] = new Array<string>(256);
  bs.forEach((b, i) => (table[b] = String.fromCharCode(cs[i] as number)));
  return { table, order: cs.map((c) => String.fromCharCode(c)) };
}

const PATTERN =
  /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

function unescapeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (m, e: string) => {
    const l = e.toLowerCase();
    if (l.startsWith('#x')) return String.fromCodePoint(parseInt(l.slice(2), 16));
    if (l.startsWith('#')) return String.fromCodePoint(parseInt(l.slice(1), 10));
    return (
      ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' } as Record<string, string>)[l] ?? m
    );
  });
}

/** Build the tokenizer from the merges file's text. */
export function createClipTokenizer(mergesText: string): ClipTokenizer {
  const lines = mergesText.split('\n');
  if (!lines[0]?.startsWith('#version'))
    throw new InvalidInputError(
      'CLIP merges file must start with "#version"; is clip/bpe_simple_vocab_16e6.txt the right file?',
    );
  const merges = lines.slice(1, 49152 - 256 - 2 + 1).map((l) => l.split(' ') as [string, string]);
  const { table: byteEncoder, order } = bytesToUnicode();
  const vocab: string[] = [
    ...order,
    ...order.map((v) => v + '</w>'),
    ...merges.map(([a, b]) => a + b),
    '<|startoftext|>',
    '<|endoftext|>',
  ];
  const encoder = new Map(vocab.map((v, i) => [v, i]));
  const ranks = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
  const cache = new Map<string, string[]>([
    ['<|startoftext|>', ['<|startoftext|>']],
    ['<|endoftext|>', ['<|endoftext|>']],
  ]);
  const utf8 = new TextEncoder();

  function bpe(token: string): string[] {
    const hit = cache.get(token);
    if (hit) return hit;
    const chars = [...token];
    let word = [...chars.slice(0, -1), chars[chars.length - 1] + '</w>'];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const r = ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const a = word[best] as string;
      const b = word[best + 1] as string;
      // Merge every occurrence of the best pair, left to right (as CLIP's loop does).
      const next: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === a && word[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(word[i] as string);
      }
      word = next;
    }
    cache.set(token, word);
    return word;
  }

  const startToken = encoder.get('<|startoftext|>') as number;
  const endToken = encoder.get('<|endoftext|>') as number;
  function encode(text: string): number[] {
    const clean = unescapeHtml(unescapeHtml(text.normalize('NFC')).trim())
      .replace(/\s+/g, ' ')
      .trim()
      .toLowerCase();
    const ids: number[] = [];
    for (const m of clean.matchAll(PATTERN)) {
      const bytes = utf8.encode(m[0]);
      let mapped = '';
      for (const b of bytes) mapped += byteEncoder[b];
      for (const piece of bpe(mapped)) {
        const id = encoder.get(piece);
        if (id !== undefined) ids.push(id);
      }
    }
    return ids;
  }
  return {
    startToken,
    endToken,
    encode,
    encodeForClip(text, length = CLIP_CONTEXT_LENGTH) {
      const ids = encode(text).slice(0, length - 2);
      const out = new Int32Array(length);
      out.set([startToken, ...ids, endToken]);
      return out;
    },
  };
}
