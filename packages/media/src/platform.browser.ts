/** Browser backends, chosen by the `browser` condition of `@hearth/media/platform`. */
export { createExifrReader, type ExifrReaderOptions } from './metadata-reader.exifr.ts';
