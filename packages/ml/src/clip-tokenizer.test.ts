import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClipTokenizer } from './clip-tokenizer.ts';
import { InvalidInputError } from './errors.ts';
import { defaultModelsDir } from './model-store.fs.ts';
import { COLOUR_TOKENS } from './tiny-clip-model.ts';

const vocab = join(defaultModelsDir(), 'clip/bpe_simple_vocab_16e6.txt');

describe.skipIf(!existsSync(vocab))('CLIP tokenizer (skipped without clip/bpe_simple_vocab_16e6.txt)', () => {
  const tok = createClipTokenizer(readFileSync(vocab, 'utf8'));

  it("matches OpenAI's ids for known strings", () => {
    expect(Array.from(tok.encodeForClip('a photo of a dog').slice(0, 8))).toEqual([49406, 320, 1125, 539, 320, 1929, 49407, 0]);
    expect(tok.encode('hello world')).toEqual([3306, 1002]);
    // Case, repeated spaces and HTML entities are cleaned as CLIP does.
    expect(tok.encode('  A   Photo of a DOG ')).toEqual(tok.encode('a photo of a dog'));
    expect(tok.encode('cats &amp; dogs')).toEqual(tok.encode('cats & dogs'));
    expect([tok.encode('red'), tok.encode('green'), tok.encode('blue')]).toEqual([[COLOUR_TOKENS.red], [COLOUR_TOKENS.green], [COLOUR_TOKENS.blue]]);
  });

  it('pads to 77 and truncates long text keeping the end marker', () => {
    const short = tok.encodeForClip('dog');
    expect(short).toHaveLength(77);
    expect(short[76]).toBe(0);
    const long = tok.encodeForClip('dog '.repeat(200));
    expect(long).toHaveLength(77);
    expect(long[0]).toBe(49406);
    expect(long[76]).toBe(49407);
  });

  it('encodes non-Latin text into byte tokens without losing it', () => {
    const ids = tok.encode('東京 über');
    expect(ids.length).toBeGreaterThan(2);
    expect(ids.every((i) => i > 0 && i < 49406)).toBe(true);
  });
});

it('rejects a file that is not a CLIP merges file', () => {
  expect(() => createClipTokenizer('not a vocab')).toThrow(InvalidInputError);
});
