import { pairLivePhotos } from '@hearth/media';
import type { AssetRecord } from './asset-record.ts';

/** A file read and stored by the importer, whose record is not written yet. */
export interface Ingested {
  path: string;
  rec: AssetRecord;
  /** Apple's ContentIdentifier (still: MakerNotes; movie: QuickTime keys), when the file has one. */
  liveId?: string;
}

/** Links the records of Live Photo parts; see `createLivePairing`. */
export interface LivePairing {
  /** A file is ready: returns the records that can be written now (with their links set). */
  offer(item: Ingested): Ingested[];
  /** No more files: pair what is held and return it all. */
  rest(): Ingested[];
}

function link(still: Ingested, motion: Ingested): Ingested[] {
  still.rec.livePhotoVideo = motion.rec.id;
  motion.rec.livePhotoOf = still.rec.id;
  return [still, motion];
}

/**
 * Live Photos are paired by Apple's ContentIdentifier (as Immich does; @hearth/media's
 * `pairLivePhotos`), and only when neither part has one, by a shared file name stem
 * (`IMG_1.HEIC` + `IMG_1.MOV`, from `stemPairs`: still path → movie path). A part is held back
 * until its partner arrives, so both records are written with their links; a group of one
 * still and one movie is released at once (the reconcile loop can start on it), anything
 * else waits for the end of the import. Everything else passes straight through.
 */
export function createLivePairing(stemPairs: ReadonlyMap<string, string>): LivePairing {
  const stemPartner = new Map<string, string>();
  for (const [still, movie] of stemPairs) {
    stemPartner.set(still, movie);
    stemPartner.set(movie, still);
  }
  const byLiveId = new Map<string, Ingested[]>();
  const byPath = new Map<string, Ingested>();
  const isStill = (i: Ingested) => i.rec.type === 'photo';

  return {
    offer(item) {
      if (item.liveId) {
        const group = byLiveId.get(item.liveId) ?? [];
        group.push(item);
        byLiveId.set(item.liveId, group);
        const [a, b] = group;
        if (group.length === 2 && a && b && isStill(a) !== isStill(b)) {
          byLiveId.delete(item.liveId);
          return isStill(a) ? link(a, b) : link(b, a);
        }
        return [];
      }
      const partnerPath = stemPartner.get(item.path);
      if (partnerPath === undefined) return [item];
      const partner = byPath.get(partnerPath);
      if (!partner) {
        byPath.set(item.path, item);
        return [];
      }
      byPath.delete(partnerPath);
      return isStill(item) ? link(item, partner) : link(partner, item);
    },
    rest() {
      const held = [...byLiveId.values()].flat();
      byLiveId.clear();
      const out = [...byPath.values()];
      byPath.clear();
      const { pairs, unpaired } = pairLivePhotos(
        held.map((i) => ({
          key: i,
          metadata: {
            kind: isStill(i) ? ('image' as const) : ('video' as const),
            ...(i.liveId ? { livePhotoId: i.liveId } : {}),
            // Only utcMs matters to the pairing (closest movie in time).
            captureTime: { utcMs: i.rec.takenAt ?? 0, local: '', source: 'record' },
          },
        })),
      );
      for (const p of pairs) out.push(...link(p.still, p.motion));
      return [...out, ...unpaired];
    },
  };
}
