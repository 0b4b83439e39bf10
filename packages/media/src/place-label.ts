import type { Place } from './reverse-geocoder.ts';

/**
 * The one-line place name an asset keeps (`place`): "Omaha, NE, United States". The region is
 * the GeoNames admin1 code, shown only when it reads as a name or abbreviation (many countries
 * use numeric codes, e.g. "11" for Île-de-France, which mean nothing to a reader).
 */
export function placeLabel(p: Place): string {
  const region = /^\d+$/.test(p.region) || p.region === '' ? [] : [p.region];
  return [p.city, ...region, p.country].join(', ');
}
