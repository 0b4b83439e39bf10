/** @hearth/media core: portable (no node:*, no sharp, no exiftool). Backends come from `@hearth/media/platform`. */
export * from './errors.ts';
export * from './media-input.ts';
export * from './media-metadata.ts';
export * from './raw-tags.ts';
export * from './capture-time.ts';
export * from './normalize-metadata.ts';
export * from './metadata-reader.ts';
export * from './extract-metadata.ts';
export * from './sniff-mime.ts';
export * from './rgba-image.ts';
export * from './image-codec.ts';
export * from './make-derivatives.ts';
export * from './perceptual-hash.ts';
