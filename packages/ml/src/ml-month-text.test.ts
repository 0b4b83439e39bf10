import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.ts';
import { decodeMlMonthText, encodeMlMonthText, type MlMonthText } from './ml-month-text.ts';

const month: MlMonthText = {
  month: '2024-07',
  models: { tags: 'yolox-nano@1', ocr: 'ppocr-v4@1' },
  assets: {
    bbb: { ocr: 'OPEN 12345' },
    aaa: {
      tags: [
        { label: 'dog', confidence: 0.91 },
        { label: 'car', confidence: 0.5 },
      ],
    },
    ccc: {},
  },
};

describe('ML month text blob', () => {
  it('round-trips; the same results always make the same bytes (so the same blob hash)', async () => {
    const bytes = await encodeMlMonthText(month);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]); // gzip
    const back = await decodeMlMonthText(bytes);
    expect(back.month).toBe('2024-07');
    expect(back.models).toEqual(month.models);
    expect(back.assets).toEqual({ aaa: month.assets['aaa'], bbb: month.assets['bbb'] });
    const reordered = { ...month, assets: { ccc: {}, bbb: month.assets['bbb']!, aaa: month.assets['aaa']! } };
    expect(await encodeMlMonthText(reordered)).toEqual(bytes);
  });

  it('a malformed blob throws a typed error; a malformed photo entry is skipped', async () => {
    await expect(decodeMlMonthText(new TextEncoder().encode('{"format":"x"}'))).rejects.toThrow(
      InvalidInputError,
    );
    await expect(decodeMlMonthText(new Uint8Array([0xff, 0x00]))).rejects.toThrow(/not gzipped JSON/);
    const good = await encodeMlMonthText(month);
    await expect(decodeMlMonthText(good.subarray(0, good.length - 9))).rejects.toThrow(InvalidInputError);
    const raw = {
      format: 'hearth-ml-text/1',
      month: '2024-07',
      models: {},
      assets: {
        a: 5,
        b: {
          tags: [
            ['dog', 'high'],
            ['cat', 0.7],
          ],
        },
        c: { ocr: 7 },
      },
    };
    const m = await decodeMlMonthText(new TextEncoder().encode(JSON.stringify(raw)));
    expect(m.assets).toEqual({ b: { tags: [{ label: 'cat', confidence: 0.7 }] } });
  });
});
