/**
 * Indices of the k largest scores (descending), keeping only those `accept` allows. A
 * sorted buffer of k entries: O(n) for typical data, no full sort of n items.
 */
export function topK(
  scores: ArrayLike<number>,
  n: number,
  k: number,
  accept: (i: number) => boolean = () => true,
): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = scores[i] as number;
    if (idx.length === k && s <= (val[k - 1] as number)) continue;
    if (!accept(i)) continue;
    let j = idx.length === k ? k - 1 : idx.length;
    while (j > 0 && (val[j - 1] as number) < s) {
      val[j] = val[j - 1] as number;
      idx[j] = idx[j - 1] as number;
      j--;
    }
    val[j] = s;
    idx[j] = i;
  }
  return idx;
}
