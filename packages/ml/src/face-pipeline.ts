/**
 * Faces in one photo: detect → align → embed, each result stamped with the models that
 * made it so a model change re-derives it.
 */
import { alignFace } from './face-align.ts';
import { createYuNetDetector, type DetectedFace, type FaceDetectorOptions } from './face-detector.ts';
import { createScrfdDetector } from './face-detector-scrfd.ts';
import { createFaceEmbedder } from './face-embedder.ts';
import { modelKey } from './model-registry.ts';
import type { ModelLoader } from './model-loader.ts';
import type { RgbImage } from './rgb-image.ts';

/** A face found in a photo, with its unit-length embedding. */
export interface FaceResult extends DetectedFace {
  readonly embedding: Float32Array;
}

/** All faces of one photo plus the model keys that produced them. */
export interface FacesOfPhoto {
  readonly faces: FaceResult[];
  /** e.g. { detector: 'yunet-n@2023mar', embedder: 'faceplugin-512@0.0.1' } */
  readonly models: { readonly detector: string; readonly embedder: string };
}

export interface FacePipeline {
  analyze(img: RgbImage): Promise<FacesOfPhoto>;
}

export function createFacePipeline(loader: ModelLoader, options: FaceDetectorOptions = {}): FacePipeline {
  return {
    async analyze(img) {
      const det = await loader.session('face-detection');
      const emb = await loader.session('face-embedding');
      const detector = det.spec.id.startsWith('scrfd')
        ? createScrfdDetector(det.session, options)
        : createYuNetDetector(det.session, options);
      const embedder = createFaceEmbedder(
        emb.session,
        emb.spec.dims ?? 512,
        emb.spec.normalization ?? { order: 'rgb' },
      );
      const faces: FaceResult[] = [];
      for (const f of await detector.detect(img)) {
        faces.push({ ...f, embedding: await embedder.embed(alignFace(img, f.landmarks)) });
      }
      return { faces, models: { detector: modelKey(det.spec), embedder: modelKey(emb.spec) } };
    },
  };
}
