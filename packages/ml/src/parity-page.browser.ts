/**
 * The page the Chromium parity test (browser-parity.test.ts) loads: the face pipeline, object
 * tagger, OCR and CLIP encoder on onnxruntime-web, models fetched from `/models/`, pixels
 * from `/rgb/<name>` (decoded once in Node, so only the runtimes differ). Results are plain
 * JSON for comparison; `analyzeAll` is the one function both sides run. Every tensor fed to a
 * session is fingerprinted (`FeedPrint`), so a preprocessing difference shows at its source
 * even where a model's output would hide it (the tiny CLIP only reports mean colour).
 */
import { createClipEncoder } from './clip-encoder.ts';
import { createFacePipeline } from './face-pipeline.ts';
import type { InferenceRuntime, Tensor } from './inference-session.ts';
import { createOnnxWebRuntime } from './inference-session.onnx-web.ts';
import { createModelLoader } from './model-loader.ts';
import { createFetchModelStore, type ModelStore } from './model-store.ts';
import { createObjectTagger } from './object-tagger.ts';
import { createTextReader } from './ocr.ts';
import type { RgbImage } from './rgb-image.ts';

/** What the page reports per image. */
export interface ParityResult {
  name: string;
  faces: {
    box: { x: number; y: number; width: number; height: number };
    score: number;
    embedding: number[];
  }[];
  tags: { label: string; confidence: number }[];
  /** OCR lines (only for the images asked) */
  ocr?: { text: string; confidence: number; box: { x: number; y: number; width: number; height: number } }[];
  /** CLIP image embedding (only for the images asked) */
  clip?: number[];
}

/** Everything one side reports: per-image results, the CLIP text embedding, the feeds in order. */
export interface ParityRun {
  images: ParityResult[];
  clipText: number[];
  feeds: FeedPrint[];
}

/** Which images also get OCR and CLIP, and the text to embed with CLIP. */
export interface ParityPlan {
  names: readonly string[];
  ocr: readonly string[];
  clip: readonly string[];
  clipText: string;
}

/** One tensor fed to a session: which model file and input, its shape, and its bytes' FNV-1a. */
export interface FeedPrint {
  model: string;
  input: string;
  dims: number[];
  fnv: number;
}

/** 32-bit FNV-1a over the tensor's bytes: equal only when the feed is bit-identical. */
function fnv1a(t: Tensor): number {
  const b = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  return h >>> 0;
}

/** Wraps store and runtime so every session run records a `FeedPrint` of its feeds, in order. */
function recording(store: ModelStore, runtime: InferenceRuntime, feeds: FeedPrint[]) {
  const files = new WeakMap<Uint8Array, string>();
  const recStore: ModelStore = {
    read: async (file) => {
      const bytes = await store.read(file);
      if (bytes) files.set(bytes, file);
      return bytes;
    },
  };
  const recRuntime: InferenceRuntime = {
    name: runtime.name,
    async createSession(model, options) {
      const session = await runtime.createSession(model, options);
      const file = files.get(model) ?? '?';
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        run(f) {
          for (const [input, t] of Object.entries(f))
            feeds.push({ model: file, input, dims: [...t.dims], fnv: fnv1a(t) });
          return session.run(f);
        },
        release: () => session.release(),
      };
    },
  };
  return { store: recStore, runtime: recRuntime };
}

/** Faces and tags for every image, OCR and CLIP for the images the plan names. */
export async function analyzeAll(
  store: ModelStore,
  runtime: InferenceRuntime,
  plan: ParityPlan,
  pixelsOf: (name: string) => Promise<RgbImage>,
): Promise<ParityRun> {
  const feeds: FeedPrint[] = [];
  const loader = createModelLoader(recording(store, runtime, feeds));
  const faces = createFacePipeline(loader);
  const tagger = createObjectTagger(loader);
  const reader = createTextReader(loader);
  const clip = createClipEncoder(loader);
  const images: ParityResult[] = [];
  try {
    for (const name of plan.names) {
      const img = await pixelsOf(name);
      const f = await faces.analyze(img);
      const t = await tagger.tag(img);
      const r: ParityResult = {
        name,
        faces: f.faces.map((x) => ({
          box: { x: x.box.x, y: x.box.y, width: x.box.width, height: x.box.height },
          score: x.score,
          embedding: Array.from(x.embedding),
        })),
        tags: t.tags.map((g) => ({ label: g.label, confidence: g.confidence })),
      };
      if (plan.ocr.includes(name))
        r.ocr = (await reader.read(img)).lines.map((l) => ({
          text: l.text,
          confidence: l.confidence,
          box: { x: l.box.x, y: l.box.y, width: l.box.width, height: l.box.height },
        }));
      if (plan.clip.includes(name)) r.clip = Array.from((await clip.embedImage(img)).vector);
      images.push(r);
    }
    const clipText = Array.from((await clip.embedText(plan.clipText)).vector);
    return { images, clipText, feeds };
  } finally {
    await loader.stop();
  }
}

async function pixels(name: string): Promise<RgbImage> {
  const res = await fetch(`/rgb/${encodeURIComponent(name)}`);
  if (!res.ok) throw new Error(`/rgb/${name}: HTTP ${res.status}`);
  const width = Number(res.headers.get('x-width'));
  const height = Number(res.headers.get('x-height'));
  return { width, height, data: new Uint8Array(await res.arrayBuffer()) };
}

/** Runs the plan on onnxruntime-web (wasm) in this page. */
export function runParity(plan: ParityPlan): Promise<ParityRun> {
  return analyzeAll(
    createFetchModelStore('/models'),
    createOnnxWebRuntime({ wasmPaths: '/ort/' }),
    plan,
    pixels,
  );
}

(globalThis as unknown as { hearthParity: typeof runParity }).hearthParity = runParity;
