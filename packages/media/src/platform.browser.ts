/** Browser backends, chosen by the `browser` condition of `@hearth/media/platform`. */
export { createExifrReader, type ExifrReaderOptions } from './metadata-reader.exifr.ts';
export { createCanvasCodec, type CanvasCodecOptions } from './image-codec.canvas.ts';
export {
  createBrowserWasmVideoTool,
  createBrowserWasmFfmpegRunner,
  type BrowserFfmpegOptions,
} from './video-tool.ffmpeg-wasm.ts';
export {
  createBundledCitiesReverseGeocoder,
  type BrowserCitiesOptions,
} from './reverse-geocoder.cities.browser.ts';
