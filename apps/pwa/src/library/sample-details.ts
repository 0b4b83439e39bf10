import type { AssetDetails } from './library-client.ts';

/** A plain backed-up 400×300 JPEG's details, for component tests; `overrides` set the rest. */
export function sampleDetails(overrides: Partial<AssetDetails> & Pick<AssetDetails, 'id'>): AssetDetails {
  return {
    type: 'image',
    mime: 'image/jpeg',
    size: 100,
    capturedAt: 1e12,
    width: 400,
    height: 300,
    ratio: 4 / 3,
    favorite: false,
    archived: false,
    rating: 0,
    description: '',
    tags: [],
    backedUp: true,
    ...overrides,
  };
}
