import { describe, expect, it } from 'vitest';
import { parseXmp, writeXmp } from './xmp-sidecar.ts';

describe('XMP sidecars', () => {
  it('round-trips rating, description, tags and albums', () => {
    const edits = {
      rating: 4,
      description: 'Dinner & <friends>',
      tags: ['food', 'Zürich'],
      albums: ['Trip 2024'],
    };
    expect(parseXmp(writeXmp(edits))).toEqual(edits);
  });
  it('reads the attribute form Lightroom writes and a capture date', () => {
    const xml = `<rdf:Description xmp:Rating="5" exif:DateTimeOriginal="2019-03-21T11:04:22-05:00"><dc:subject><rdf:Bag><rdf:li>a</rdf:li></rdf:Bag></dc:subject></rdf:Description>`;
    expect(parseXmp(xml)).toEqual({ rating: 5, tags: ['a'], date: '2019-03-21T11:04:22-05:00' });
  });
  it('ignores what it cannot read', () => {
    expect(parseXmp('not xml at all')).toEqual({});
  });
});
