/**
 * CLIP image and text embeddings, L2-normalised, stamped with their model keys. Image
 * preprocessing as OpenAI's `clip.load` transform: shortest side to 224 with Pillow's
 * bicubic (`resizeBicubic`, byte-exact), torchvision's centre crop, RGB/255, CLIP mean/std,
 * NCHW. It is plain JavaScript, so Node and the browser preprocess identically.
 */
import { createClipTokenizer, type ClipTokenizer } from './clip-tokenizer.ts';
import { l2normalize } from './face-embedder.ts';
import { float32Tensor, outputFloat32, type Tensor } from './inference-session.ts';
import type { ModelLoader } from './model-loader.ts';
import { modelKey } from './model-registry.ts';
import { resizeBicubic } from './resize-bicubic.ts';
import { letterboxNchw, type Normalization, type RgbImage } from './rgb-image.ts';

export const CLIP_NORMALIZATION: Normalization = {
  order: 'rgb',
  scale: 1 / 255,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

/** An embedding and the model key that made it. */
export interface Embedding {
  readonly vector: Float32Array;
  readonly model: string;
}

export interface ClipEncoder {
  embedImage(img: RgbImage): Promise<Embedding>;
  embedText(text: string): Promise<Embedding>;
}

/** Python's round(): halves go to the even neighbour (torchvision's crop offsets use it). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/**
 * torchvision `Resize(size, BICUBIC)` then `CenterCrop(size)` on a Pillow image: the short
 * side becomes `size`, the long one `int(size·long/short)` (truncated), the crop offset is
 * `round((side − size) / 2)`.
 */
export function centreCrop(img: RgbImage, size: number): RgbImage {
  const portrait = img.width <= img.height;
  const w = portrait ? size : Math.trunc((size * img.width) / img.height);
  const h = portrait ? Math.trunc((size * img.height) / img.width) : size;
  const r = w === img.width && h === img.height ? img : resizeBicubic(img, w, h);
  const x0 = roundHalfEven((w - size) / 2);
  const y0 = roundHalfEven((h - size) / 2);
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    out.set(r.data.subarray(((y + y0) * w + x0) * 3, ((y + y0) * w + x0 + size) * 3), y * size * 3);
  return { width: size, height: size, data: out };
}

export function createClipEncoder(loader: ModelLoader, size = 224): ClipEncoder {
  let tokenizer: Promise<ClipTokenizer> | undefined;
  const getTokenizer = () => {
    tokenizer ??= loader
      .file('clip-vocab')
      .then(({ bytes }) => createClipTokenizer(new TextDecoder().decode(bytes)));
    tokenizer.catch(() => (tokenizer = undefined));
    return tokenizer;
  };
  return {
    async embedImage(img) {
      const { spec, session } = await loader.session('clip-image');
      const { data } = letterboxNchw(
        centreCrop(img, size),
        size,
        size,
        spec.normalization ?? CLIP_NORMALIZATION,
      );
      const out = await session.run({
        [session.inputNames[0] ?? 'image']: float32Tensor(data, [1, 3, size, size]),
      });
      return {
        vector: l2normalize(Float32Array.from(outputFloat32(out, session.outputNames[0] ?? 'output').data)),
        model: modelKey(spec),
      };
    },
    async embedText(text) {
      const [{ spec, session }, tok] = await Promise.all([loader.session('clip-text'), getTokenizer()]);
      const ids = tok.encodeForClip(text);
      const feed: Tensor =
        spec.tokenType === 'int64'
          ? { type: 'int64', data: BigInt64Array.from(ids, (v) => BigInt(v)), dims: [1, ids.length] }
          : { type: 'int32', data: ids, dims: [1, ids.length] };
      const out = await session.run({ [session.inputNames[0] ?? 'text']: feed });
      return {
        vector: l2normalize(Float32Array.from(outputFloat32(out, session.outputNames[0] ?? 'output').data)),
        model: modelKey(spec),
      };
    },
  };
}
