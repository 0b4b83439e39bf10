/**
 * Which model serves each task: file, version, sha256, licence, I/O and preprocessing.
 * Results carry `modelKey(spec)` so a model change re-derives them (the reconcile loop
 * compares keys).
 */
import type { Normalization } from './rgb-image.ts';

export type ModelTask =
  | 'face-detection'
  | 'face-embedding'
  | 'object-detection'
  | 'ocr-detection'
  | 'ocr-recognition'
  | 'ocr-keys'
  | 'ocr-direction'
  | 'clip-image'
  | 'clip-text'
  | 'clip-vocab';

/** One model file and how to use it. */
export interface ModelSpec {
  readonly id: string;
  readonly task: ModelTask;
  readonly version: string;
  /** Path relative to the models dir. */
  readonly file: string;
  /** Lowercase hex sha256 of the file; `undefined` for user-supplied models (e.g. CLIP weights). */
  readonly sha256?: string;
  readonly bytes?: number;
  readonly license: string;
  /** Where `hearth models install` fetches it from (relative to the install base URL when not absolute). */
  readonly url?: string;
  /** Output dimensions for embedding models. */
  readonly dims?: number;
  readonly normalization?: Normalization;
  /** Element type of a text tower's token input (OpenAI exports take int64, Immich's int32). */
  readonly tokenType?: 'int32' | 'int64';
  /** True when the licence does not allow shipping it to users as a default. */
  readonly devOnly?: boolean;
  /**
   * A text tower's search threshold: photos whose cosine similarity with the query is below
   * it are not semantic results.
   */
  readonly minScore?: number;
}

/** The stable key stored next to every derived result. */
export function modelKey(spec: ModelSpec): string {
  return `${spec.id}@${spec.version}`;
}

export const MODELS: readonly ModelSpec[] = [
  {
    id: 'yunet-n',
    task: 'face-detection',
    version: '2023mar',
    file: 'face-detection/yunet_n_dynamic.onnx',
    sha256: '104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12',
    bytes: 322906,
    license: 'Apache-2.0',
    url: 'face-detection/yunet_n_dynamic.onnx',
    normalization: { order: 'bgr' },
  },
  {
    id: 'yunet-s',
    task: 'face-detection',
    version: '2023mar',
    file: 'face-detection/yunet_s_dynamic.onnx',
    sha256: 'daede24002cc8590f457998cc5e6c9e8b82f45f6bd969506a8913cd4ed10a2d3',
    bytes: 237823,
    license: 'Apache-2.0',
    url: 'face-detection/yunet_s_dynamic.onnx',
    normalization: { order: 'bgr' },
  },
  // Opt-in only: InsightFace says its pretrained weights are for non-commercial research.
  {
    id: 'scrfd-500m',
    task: 'face-detection',
    version: 'bnkps-1',
    file: 'face-detection/scrfd_500m_bnkps.onnx',
    sha256: '6c6ba7956684796d7d582bfa1ab95dfe01dd280159f6bff1e23c1bc32bcc8431',
    bytes: 2529618,
    license: 'InsightFace: non-commercial research only',
    devOnly: true,
    url: 'face-detection/scrfd_500m_bnkps.onnx',
    normalization: { order: 'rgb', mean: [127.5, 127.5, 127.5], std: [128, 128, 128] },
  },
  {
    id: 'mobilefacenet-128',
    task: 'face-embedding',
    version: '1',
    file: 'face-recognition/mobilefacenet_128d.onnx',
    sha256: 'f055d9c9a4d826d198c42666590fdefa0fdc1374a75ccb6306c3d1b1bf8f74c5',
    bytes: 3973728,
    license: 'none stated',
    devOnly: true,
    url: 'face-recognition/mobilefacenet_128d.onnx',
    dims: 128,
    normalization: { order: 'rgb', mean: [127.5, 127.5, 127.5], std: [128, 128, 128] },
  },
  {
    id: 'faceplugin-512',
    task: 'face-embedding',
    version: '0.0.1',
    file: 'face-recognition/faceplugin_fr_feature_512d.onnx',
    sha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581',
    bytes: 4884269,
    license: 'MIT',
    url: 'face-recognition/faceplugin_fr_feature_512d.onnx',
    dims: 512,
    normalization: { order: 'rgb', mean: [127, 127, 127], std: [128, 128, 128] },
  },
  {
    id: 'yolox-nano',
    task: 'object-detection',
    version: 'coco80-1',
    file: 'object-detection/yolox_nano_coco.onnx',
    sha256: 'e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd',
    bytes: 3678356,
    license: 'Apache-2.0',
    url: 'object-detection/yolox_nano_coco.onnx',
    normalization: { order: 'bgr' },
  },
  {
    id: 'ppocr-v4-det',
    task: 'ocr-detection',
    version: '4',
    file: 'ocr/ch_PP-OCRv4_det_infer.onnx',
    sha256: '30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff',
    bytes: 4745517,
    license: 'Apache-2.0',
    url: 'ocr/ch_PP-OCRv4_det_infer.onnx',
    normalization: { order: 'rgb', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  },
  {
    id: 'ppocr-v4-rec',
    task: 'ocr-recognition',
    version: '4',
    file: 'ocr/ch_PP-OCRv4_rec_infer.onnx',
    sha256: '06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0',
    bytes: 10822323,
    license: 'Apache-2.0',
    url: 'ocr/ch_PP-OCRv4_rec_infer.onnx',
    normalization: { order: 'rgb', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  },
  {
    // Text direction (0° / 180°) of each detected line, PaddleOCR's mobile v2.0 classifier.
    id: 'ppocr-mobile-v2-cls',
    task: 'ocr-direction',
    version: '2.0',
    file: 'ocr/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    sha256: '491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640',
    bytes: 578966,
    license: 'Apache-2.0',
    url: 'ocr/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    normalization: { order: 'rgb', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  },
  {
    id: 'ppocr-keys-v1',
    task: 'ocr-keys',
    version: '1',
    file: 'ocr/ppocr_keys_v1.txt',
    sha256: '28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7',
    bytes: 26249,
    license: 'Apache-2.0',
    url: 'ocr/ppocr_keys_v1.txt',
  },
  {
    id: 'clip-bpe',
    task: 'clip-vocab',
    version: '16e6',
    file: 'clip/bpe_simple_vocab_16e6.txt',
    sha256: '7e0847f6fced8bd28a736dcaeab20e64ac19010771700197ba479a0a8e517d4f',
    bytes: 3194958,
    license: 'MIT',
    url: 'clip/bpe_simple_vocab_16e6.txt',
  },
  // CLIP weights cannot be had here: users drop a ViT-B/32 export into the models dir.
  {
    id: 'clip-vit-b32-visual',
    task: 'clip-image',
    version: 'openai',
    file: 'clip/visual.onnx',
    license: 'MIT',
    dims: 512,
    normalization: {
      order: 'rgb',
      scale: 1 / 255,
      mean: [0.48145466, 0.4578275, 0.40821073],
      std: [0.26862954, 0.26130258, 0.27577711],
    },
  },
  {
    id: 'clip-vit-b32-textual',
    task: 'clip-text',
    version: 'openai',
    file: 'clip/textual.onnx',
    license: 'MIT',
    dims: 512,
    tokenType: 'int32',
    // OpenAI ViT-B/32 gives a matching caption ~0.25–0.35 and an unrelated one ~0.1–0.2
    // (not tuned here: no weights); the tiny test model gives ≥ 0.9 against ≤ 0.
    minScore: 0.2,
  },
];

/** Which model serves each task by default; `devOnly` models are chosen only when asked. */
export const DEFAULT_MODELS: Readonly<Record<ModelTask, string>> = {
  'face-detection': 'yunet-n',
  // The 512-d model has a licence that allows shipping; MobileFaceNet is faster but dev-only.
  'face-embedding': 'faceplugin-512',
  'object-detection': 'yolox-nano',
  'ocr-detection': 'ppocr-v4-det',
  'ocr-recognition': 'ppocr-v4-rec',
  'ocr-keys': 'ppocr-keys-v1',
  'ocr-direction': 'ppocr-mobile-v2-cls',
  'clip-image': 'clip-vit-b32-visual',
  'clip-text': 'clip-vit-b32-textual',
  'clip-vocab': 'clip-bpe',
};

export function modelSpec(id: string, models: readonly ModelSpec[] = MODELS): ModelSpec | undefined {
  return models.find((m) => m.id === id);
}
