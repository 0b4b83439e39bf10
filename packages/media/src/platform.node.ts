/** Node backends, chosen by the `node` condition of `@hearth/media/platform`. */
export { createExiftoolReader, type ExiftoolReaderOptions } from './metadata-reader.exiftool.ts';
export { createExifrReader, type ExifrReaderOptions } from './metadata-reader.exifr.ts';
export { createSharpCodec, type SharpCodecOptions } from './image-codec.sharp.ts';
export { createNativeVideoTool, hasNativeFfmpeg } from './video-tool.ffmpeg.ts';
export { createWasmVideoTool, createWasmFfmpegRunner } from './video-tool.ffmpeg-wasm.node.ts';
export { createNativeFfmpegRunner, type NativeFfmpegOptions } from './ffmpeg-runner.native.ts';
export { reapOrphanedChildren } from './ffmpeg-runner-children.native.ts';
export { createCitiesReverseGeocoder, loadCities } from './reverse-geocoder.cities.node.ts';
export { findSidecar } from './find-sidecar.node.ts';
export { probeMotionPhotoFile } from './motion-photo-probe.node.ts';
