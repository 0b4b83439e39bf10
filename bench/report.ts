/** The one output format of every benchmark: a JSON line per figure. */
export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** A comparison measured in the same run, when one exists. */
  anchor?: { name: string; value: number };
  /** value / anchor.value (or the inverse for time, as the bench documents). */
  ratio?: number;
}

export function report(figure: Figure): void {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const out: Figure = { ...figure, value: round(figure.value) };
  if (figure.ratio !== undefined) out.ratio = round(figure.ratio);
  if (figure.anchor) out.anchor = { name: figure.anchor.name, value: round(figure.anchor.value) };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** Median of several runs: the machine is shared and noisy. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] as number;
}
