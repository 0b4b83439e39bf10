import { describe, expect, it } from 'vitest';
import { createReverseGeocoder } from './reverse-geocoder.ts';
import { createCitiesReverseGeocoder } from './reverse-geocoder.cities.node.ts';

describe('offline reverse geocoding', () => {
  const geo = createCitiesReverseGeocoder();
  it('names the city, region and country of the fixtures’ GPS points', () => {
    expect(geo.reverseGeocode(48.8566, 2.3522)).toMatchObject({
      city: 'Paris',
      countryCode: 'FR',
      country: 'France',
    });
    const omaha = geo.reverseGeocode(41.2203, -96.0716); // IMG_2682.heic
    expect(omaha).toMatchObject({ countryCode: 'US', region: 'NE' });
    expect(omaha?.distanceKm).toBeLessThan(25);
  });
  it('returns nothing in the open ocean, at the poles or for invalid points', () => {
    expect(geo.reverseGeocode(0, -30)).toBeUndefined();
    expect(geo.reverseGeocode(90, 0)).toBeUndefined();
    expect(geo.reverseGeocode(NaN, 0)).toBeUndefined();
    expect(geo.reverseGeocode(200, 0)).toBeUndefined();
  });
  it('finds the nearest place across the antimeridian grid edge', () => {
    const g = createReverseGeocoder([
      { name: 'East', country: 'FJ', admin1: '01', latitude: -16.5, longitude: 179.99 },
      { name: 'Far', country: 'FJ', admin1: '01', latitude: -16.5, longitude: 170 },
    ]);
    expect(g.reverseGeocode(-16.5, 179.9)?.city).toBe('East');
  });
});
