/** Contract suites and sample/corpus builders, for every backend's tests (Node and the PWA's Chromium e2e). */
export { runMetadataReaderContract } from './metadata-reader.contract.ts';
export { runImageCodecContract } from './image-codec.contract.ts';
export { runVideoToolContract, type VideoClips } from './video-tool.contract.ts';
export * from './testing/samples.ts';
export * from './testing/exif-builder.ts';
export * from './testing/png-builder.ts';
export * from './testing/bad-input-corpus.ts';
