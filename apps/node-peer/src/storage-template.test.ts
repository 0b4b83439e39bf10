import { describe, expect, it } from 'vitest';
import { asAssetId, asBlobHash } from '@hearth/sync';
import type { AssetRecord } from './asset-record.ts';
import { checkTemplate, DEFAULT_TEMPLATE, renderTemplate } from './storage-template.ts';

const id = 'ab'.repeat(32);
const asset = (over: Partial<AssetRecord> = {}): AssetRecord => ({
  id: asAssetId(id),
  original: asBlobHash(id),
  type: 'photo',
  mime: 'image/jpeg',
  size: 1,
  fileName: 'IMG_1.jpg',
  importedAt: 0,
  takenAt: Date.UTC(2024, 0, 31, 23, 30),
  ...over,
});

describe('storage template', () => {
  it('renders the default {yyyy}/{MM}/{filename}', () => {
    expect(renderTemplate(DEFAULT_TEMPLATE, asset())).toBe('2024/01/IMG_1.jpg');
  });
  it('uses the wall-clock time of the capture offset', () => {
    expect(
      renderTemplate('{yyyy}-{MM}-{dd} {HH}{mm}/{filestem}.{ext}', asset({ takenOffset: '+02:00' })),
    ).toBe('2024-02-01 0130/IMG_1.jpg');
  });
  it('never lets a value escape the target folder', () => {
    expect(renderTemplate('{album}/{filename}', asset({ albums: ['../../etc'], fileName: '..' }))).toBe(
      '.._.._etc/_',
    );
  });
  it('rejects unknown tokens and templates that would overwrite files', () => {
    expect(() => checkTemplate('{yyyy}/{nope}/{filename}')).toThrow(/unknown template token \{nope\}/);
    expect(() => checkTemplate('{yyyy}/{MM}')).toThrow(/must contain/);
    expect(() => checkTemplate(DEFAULT_TEMPLATE)).not.toThrow();
  });
});
