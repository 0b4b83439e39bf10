import { runMetadataReaderContract } from './metadata-reader.contract.ts';
import { createExiftoolReader } from './metadata-reader.exiftool.ts';

runMetadataReaderContract('exiftool-vendored', () => createExiftoolReader());
