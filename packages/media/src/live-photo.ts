import type { MediaMetadata } from './media-metadata.ts';

/** A file to consider for Live Photo pairing, with what its metadata says. */
export interface LivePhotoCandidate<K> {
  key: K;
  metadata: Pick<MediaMetadata, 'kind' | 'livePhotoId' | 'captureTime'>;
}

/** A still and its movie, sharing Apple's ContentIdentifier. */
export interface LivePhotoPair<K> {
  still: K;
  motion: K;
  contentId: string;
}

/**
 * Pair Live Photos: an image and a video with the same Apple ContentIdentifier (as Immich does)
 * become one asset. When a group holds several of either, each still takes the movie closest
 * in capture time. Everything not paired is returned as is.
 */
export function pairLivePhotos<K>(items: readonly LivePhotoCandidate<K>[]): {
  pairs: LivePhotoPair<K>[];
  unpaired: K[];
} {
  const groups = new Map<string, { stills: LivePhotoCandidate<K>[]; motions: LivePhotoCandidate<K>[] }>();
  const unpaired: K[] = [];
  for (const item of items) {
    const id = item.metadata.livePhotoId;
    if (!id || (item.metadata.kind !== 'image' && item.metadata.kind !== 'video')) {
      unpaired.push(item.key);
      continue;
    }
    const g = groups.get(id) ?? { stills: [], motions: [] };
    (item.metadata.kind === 'image' ? g.stills : g.motions).push(item);
    groups.set(id, g);
  }
  const pairs: LivePhotoPair<K>[] = [];
  for (const [contentId, g] of groups) {
    const motions = [...g.motions];
    for (const still of g.stills) {
      let best = -1;
      for (let i = 0; i < motions.length; i++) {
        const d = Math.abs((motions[i]?.metadata.captureTime.utcMs ?? 0) - still.metadata.captureTime.utcMs);
        if (
          best < 0 ||
          d < Math.abs((motions[best]?.metadata.captureTime.utcMs ?? 0) - still.metadata.captureTime.utcMs)
        )
          best = i;
      }
      const motion = best >= 0 ? motions.splice(best, 1)[0] : undefined;
      if (motion) pairs.push({ still: still.key, motion: motion.key, contentId });
      else unpaired.push(still.key);
    }
    for (const m of motions) unpaired.push(m.key);
  }
  return { pairs, unpaired };
}
