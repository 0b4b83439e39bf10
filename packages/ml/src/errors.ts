/**
 * Errors of `@hearth/ml`. Each has a stable `code`; messages name the file and what to do.
 */
import { HearthError } from '@hearth/sync/errors';

/** A model file is not in the models dir: its feature is disabled, nothing crashes. */
export class ModelMissingError extends HearthError {
  /** `downloadable: false` for user-supplied weights (CLIP), which `hearth models install` cannot fetch. */
  constructor(modelId: string, file: string, downloadable = true) {
    super(
      'ML_MODEL_MISSING',
      downloadable
        ? `model ${modelId} not found at ${file}: run \`hearth models install\` or set HEARTH_MODELS_DIR`
        : `model ${modelId} not found at ${file} in the models dir: it cannot be downloaded, put an ONNX export of it there (see packages/ml/README.md) or set HEARTH_MODELS_DIR`,
    );
  }
}

/** Downloaded or stored bytes do not match the pinned sha256. The bytes are not kept. */
export class ModelIntegrityError extends HearthError {
  constructor(file: string, expected: string, actual: string) {
    super(
      'ML_MODEL_INTEGRITY',
      `${file}: sha256 ${actual} does not match the pinned ${expected}; the download was discarded, retry \`hearth models install\``,
    );
  }
}

/** A model could not be downloaded (HTTP error, network). */
export class ModelDownloadError extends HearthError {
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(
      'ML_MODEL_DOWNLOAD',
      `download of ${url} failed: ${reason}; check the URL and network, then retry`,
      options,
    );
  }
}

/** An ONNX runtime refused to load or run a model. */
export class InferenceError extends HearthError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('ML_INFERENCE', `inference failed: ${what}`, options);
  }
}

/** Input that the pipeline cannot use (wrong pixel buffer size, bad dims, …). */
export class InvalidInputError extends HearthError {
  constructor(what: string) {
    super('ML_INVALID_INPUT', what);
  }
}
