import { readFile } from 'node:fs/promises';
import { runMetadataReaderContract } from './metadata-reader.contract.ts';
import { createExifrReader } from './metadata-reader.exifr.ts';

runMetadataReaderContract('exifr', () =>
  createExifrReader({ readFile: async (p) => new Uint8Array(await readFile(p)) }),
);
