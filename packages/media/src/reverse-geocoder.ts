/** A populated place (GeoNames). `admin1` is the GeoNames first-level admin code (e.g. `UT`). */
export interface City {
  name: string;
  country: string;
  admin1: string;
  latitude: number;
  longitude: number;
}

/** Where a point is: the nearest place within range. */
export interface Place {
  city: string;
  /** GeoNames admin1 code (region names are not in the shipped dataset). */
  region: string;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
  /** English country name (Intl.DisplayNames). */
  country: string;
  distanceKm: number;
}

/** Offline reverse geocoding. */
export interface ReverseGeocoder {
  reverseGeocode(latitude: number, longitude: number): Place | undefined;
}

const EARTH_KM = 6371;
const CELL_DEG = 0.5;

function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Nearest-city lookup within `maxKm` (Immich: 25 km), over a 0.5° grid so a query touches a few
 * hundred cities, not all of them. Portable: the city list comes from the platform's loader.
 */
export function createReverseGeocoder(cities: readonly City[], maxKm = 25): ReverseGeocoder {
  const grid = new Map<string, City[]>();
  const cellOf = (lat: number, lon: number) => `${Math.floor(lat / CELL_DEG)}:${Math.floor(lon / CELL_DEG)}`;
  for (const c of cities) {
    const k = cellOf(c.latitude, c.longitude);
    const list = grid.get(k);
    if (list) list.push(c);
    else grid.set(k, [c]);
  }
  const names =
    typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : undefined;
  return {
    reverseGeocode(latitude, longitude) {
      if (
        !Number.isFinite(latitude) ||
        !Number.isFinite(longitude) ||
        Math.abs(latitude) > 90 ||
        Math.abs(longitude) > 180
      )
        return undefined;
      const cy = Math.floor(latitude / CELL_DEG);
      const cx = Math.floor(longitude / CELL_DEG);
      // 25 km is < 0.25° of latitude; longitude cells shrink towards the poles, so widen there.
      const spanX = Math.min(360, Math.ceil(1 / Math.max(0.05, Math.cos((latitude * Math.PI) / 180))));
      let best: City | undefined;
      let bestKm = Infinity;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -spanX; dx <= spanX; dx++) {
          const x = ((cx + dx + 360) % 720) - 360;
          for (const c of grid.get(`${cy + dy}:${x}`) ?? []) {
            const d = haversineKm(latitude, longitude, c.latitude, c.longitude);
            if (d < bestKm) {
              bestKm = d;
              best = c;
            }
          }
        }
      }
      if (!best || bestKm > maxKm) return undefined;
      let country = best.country;
      try {
        country = names?.of(best.country) ?? best.country;
      } catch {
        // unknown code: keep it
      }
      return {
        city: best.name,
        region: best.admin1,
        countryCode: best.country,
        country,
        distanceKm: Math.round(bestKm * 10) / 10,
      };
    },
  };
}
