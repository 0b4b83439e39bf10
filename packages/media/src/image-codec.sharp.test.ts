import { runImageCodecContract } from './image-codec.contract.ts';
import { createSharpCodec } from './image-codec.sharp.ts';

runImageCodecContract('sharp', () => createSharpCodec());
