/**
 * Place names for photos imported on this device, in the import worker. The cities list
 * (`cities.pbf`, 6.4 MB: too big to precache for every install) is fetched and indexed on the
 * first photo with GPS only, then kept for the worker's life; the service worker caches it on
 * that first use, so later imports work offline. When it cannot be fetched, the photo is kept
 * without a place and the next GPS photo tries again.
 */
import { placeLabel, type ReverseGeocoder } from '@hearth/media';
import { createBundledCitiesReverseGeocoder } from '@hearth/media/browser';

let geocoder: Promise<ReverseGeocoder> | undefined;

/** "City, Region, Country" within 25 km of the point, else undefined (also when offline). */
export async function localPlaceOf(gps: { lat: number; lon: number }): Promise<string | undefined> {
  geocoder ??= createBundledCitiesReverseGeocoder();
  try {
    const place = (await geocoder).reverseGeocode(gps.lat, gps.lon);
    return place && placeLabel(place);
  } catch {
    geocoder = undefined;
    return undefined;
  }
}
