/**
 * A models dir for tests that need CLIP: the real models (symlinked) plus the tiny generated
 * CLIP (real signature; it encodes mean colour), so text search runs fast and predictably.
 */
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tinyClipImageModel, tinyClipTextModel } from '@hearth/ml/testing';

/** Fill the empty dir `into` with `modelsDir`'s models, CLIP swapped for the tiny one; returns `into`. */
export function modelsWithTinyClip(modelsDir: string, into: string): string {
  for (const e of readdirSync(modelsDir).filter((n) => n !== 'clip'))
    symlinkSync(join(modelsDir, e), join(into, e));
  mkdirSync(join(into, 'clip'));
  symlinkSync(
    join(modelsDir, 'clip', 'bpe_simple_vocab_16e6.txt'),
    join(into, 'clip', 'bpe_simple_vocab_16e6.txt'),
  );
  writeFileSync(join(into, 'clip', 'visual.onnx'), tinyClipImageModel());
  writeFileSync(join(into, 'clip', 'textual.onnx'), tinyClipTextModel());
  return into;
}
