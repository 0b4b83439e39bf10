/**
 * A month of the sync package's timeline index (`TimelineMonth`, columnar) as the timeline
 * grid's rows. The columns and flag bits are the same; ids and hashes become hex strings.
 */
import type { TimelineMonth } from '@hearth/sync/timeline-index';
import type { TimelineItem } from '../library/timeline-item.ts';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexAt(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let j = at; j < at + 32; j++) s += HEX[bytes[j]!];
  return s;
}

function isZero(bytes: Uint8Array, at: number): boolean {
  for (let j = at; j < at + 32; j++) if (bytes[j] !== 0) return false;
  return true;
}

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/=+$/, '');
}

/** The rows of a month, newest first (the index's order). */
export function timelineRows(m: TimelineMonth): TimelineItem[] {
  const rows = new Array<TimelineItem>(m.count);
  for (let i = 0; i < m.count; i++) {
    const r: TimelineItem = {
      id: hexAt(m.ids, i * 32),
      capturedAt: m.capturedAt[i]!,
      ratio: m.ratio[i]!,
      flags: m.flags[i]!,
    };
    const from = m.thumbOffsets[i]!;
    const to = m.thumbOffsets[i + 1]!;
    if (to > from) r.thumbhash = base64(m.thumbBytes.subarray(from, to));
    if (!isZero(m.thumbs, i * 32)) r.thumb = hexAt(m.thumbs, i * 32);
    const tz = m.tzOffset?.[i];
    if (tz) r.tzOffsetMin = tz;
    rows[i] = r;
  }
  return rows;
}
