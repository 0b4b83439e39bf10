/**
 * The words for how an asset and the library are backed up ("backed up twice"): pure, so the
 * info panel, the Back up page and their tests say the same thing.
 */
import type { AssetDetails, BackupSummary } from '../library/library-client.ts';

/** "Backed up on 2 home nodes: backup, home", or on one, or only here. */
export function backupLabel(a: Pick<AssetDetails, 'backedUp' | 'backedUpOn'>): string {
  const on = a.backedUpOn ?? [];
  if (on.length > 1) return `Backed up on ${on.length} home nodes: ${on.join(', ')}`;
  if (on.length === 1) return `Backed up on 1 home node: ${on[0]}`;
  // Held elsewhere, but by no home node known by name (an older pairing, or another device).
  return a.backedUp ? 'Backed up to the home node' : 'Only on this device';
}

const photos = (n: number) => `${n} ${n === 1 ? 'photo or video' : 'photos and videos'}`;

/**
 * What the Back up page says about the whole library: what is on no home node, and — once the
 * library has two home nodes — what is on only one of them. Empty when there is nothing to say.
 * While a count is still going (`counting`), it says how far it got, and its figures are
 * lower bounds ("at least"): months not read yet may add to them.
 */
export function backupSummaryLines(s: BackupSummary): string[] {
  const lines: string[] = [];
  const atLeast = s.counting ? 'At least ' : '';
  if (s.counting) lines.push(`Counting… ${s.counting.months} of ${s.counting.of} months`);
  if (s.onNoHomeNode) lines.push(`${atLeast}${photos(s.onNoHomeNode)} not on any home node yet`);
  if (s.homeNodes > 1 && s.onOneHomeNode)
    lines.push(`${atLeast}${photos(s.onOneHomeNode)} only on one home node`);
  if (lines.length === 0 && s.total)
    lines.push(
      s.homeNodes > 1
        ? 'Every photo and video is on at least 2 home nodes'
        : 'Every photo and video is on the home node (a second home node would keep a second copy)',
    );
  return lines;
}
