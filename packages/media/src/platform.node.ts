/** Node backends, chosen by the `node` condition of `@hearth/media/platform`. */
export { createExiftoolReader, type ExiftoolReaderOptions } from './metadata-reader.exiftool.ts';
export { createSharpCodec, type SharpCodecOptions } from './image-codec.sharp.ts';
