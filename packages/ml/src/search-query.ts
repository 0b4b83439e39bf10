/**
 * Parses a search box query into words and a capture-time range: "2019", "summer 2023",
 * "may 2021", "2018-2020", "dog beach 2019". Seasons are northern-hemisphere months (the
 * caller may pass `southern`). Dates are UTC day bounds of the photo's local capture time.
 */

export interface ParsedQuery {
  /** Lower-cased words left after dates were taken out. */
  readonly words: string[];
  /** Inclusive start / exclusive end, ms since epoch. */
  readonly range?: { readonly from: number; readonly to: number };
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const SEASONS: Record<string, [number, number]> = {
  spring: [2, 5],
  summer: [5, 8],
  autumn: [8, 11],
  fall: [8, 11],
  winter: [11, 14],
};

/** Split text into search words (letters/digits, any script), lower-cased. */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function parseQuery(q: string, options: { southern?: boolean } = {}): ParsedQuery {
  const ws = words(q);
  const out: string[] = [];
  let range: { from: number; to: number } | undefined;
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as string;
    const next = ws[i + 1];
    const year = (s: string | undefined) => (s && /^(19|20)\d\d$/.test(s) ? Number(s) : undefined);
    const y = year(next);
    const monthIdx = MONTHS.findIndex((m) => m === w || (w.length === 3 && m.startsWith(w)));
    if (y !== undefined && monthIdx >= 0) {
      range = { from: Date.UTC(y, monthIdx, 1), to: Date.UTC(y, monthIdx + 1, 1) };
      i++;
    } else if (y !== undefined && SEASONS[w]) {
      let [a, b] = SEASONS[w] as [number, number];
      if (options.southern) [a, b] = [(a + 6) % 12, ((a + 6) % 12) + 3];
      range = { from: Date.UTC(y, a, 1), to: Date.UTC(y, b, 1) };
      i++;
    } else if (
      /^(19|20)\d\d$/.test(w) &&
      ws[i + 1] !== undefined &&
      year(ws[i + 1]) !== undefined &&
      /-|to/.test(q)
    ) {
      range = { from: Date.UTC(Number(w), 0, 1), to: Date.UTC((year(ws[i + 1]) as number) + 1, 0, 1) };
      i++;
    } else if (year(w) !== undefined && next === 'to' && year(ws[i + 2]) !== undefined) {
      range = { from: Date.UTC(Number(w), 0, 1), to: Date.UTC((year(ws[i + 2]) as number) + 1, 0, 1) };
      i += 2;
    } else if (year(w) !== undefined) {
      range = { from: Date.UTC(Number(w), 0, 1), to: Date.UTC(Number(w) + 1, 0, 1) };
    } else if (w !== 'to' || range === undefined) {
      out.push(w);
    }
  }
  return range ? { words: out, range } : { words: out };
}
