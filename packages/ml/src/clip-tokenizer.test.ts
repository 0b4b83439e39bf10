import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClipTokenizer } from './clip-tokenizer.ts';
import { InvalidInputError } from './errors.ts';
import { defaultModelsDir } from './model-store.fs.ts';
import { COLOUR_TOKENS } from './tiny-clip-model.ts';

const vocab = join(defaultModelsDir(), 'clip/bpe_simple_vocab_16e6.txt');

describe.skipIf(!existsSync(vocab))('CLIP tokenizer (skipped without clip/bpe_simple_vocab_16e6.txt)', () => {
  // Built lazily: a skipped describe still runs its body.
  let cached: ReturnType<typeof createClipTokenizer> | undefined;
  const tk = () => (cached ??= createClipTokenizer(readFileSync(vocab, 'utf8')));

  it("matches OpenAI's ids for known strings", () => {
    expect(Array.from(tk().encodeForClip('a photo of a dog').slice(0, 8))).toEqual([
      49406, 320, 1125, 539, 320, 1929, 49407, 0,
    ]);
    expect(tk().encode('hello world')).toEqual([3306, 1002]);
    // Case, repeated spaces and HTML entities are cleaned as CLIP does.
    expect(tk().encode('  A   Photo of a DOG ')).toEqual(tk().encode('a photo of a dog'));
    expect(tk().encode('cats &amp; dogs')).toEqual(tk().encode('cats & dogs'));
    expect([tk().encode('red'), tk().encode('green'), tk().encode('blue')]).toEqual([
      [COLOUR_TOKENS.red],
      [COLOUR_TOKENS.green],
      [COLOUR_TOKENS.blue],
    ]);
  });

  it('pads to 77 and truncates long text keeping the end marker', () => {
    const short = tk().encodeForClip('dog');
    expect(short).toHaveLength(77);
    expect(short[76]).toBe(0);
    const long = tk().encodeForClip('dog '.repeat(200));
    expect(long).toHaveLength(77);
    expect(long[0]).toBe(49406);
    expect(long[76]).toBe(49407);
  });

  it('encodes non-Latin text into byte tokens without losing it', () => {
    const ids = tk().encode('東京 über');
    expect(ids.length).toBeGreaterThan(2);
    expect(ids.every((i) => i > 0 && i < 49406)).toBe(true);
  });
});

it('rejects a file that is not a CLIP merges file', () => {
  expect(() => createClipTokenizer('not a vocab')).toThrow(InvalidInputError);
});
