/**
 * Node image decode for the pipelines: any format sharp reads → RGB, EXIF orientation applied.
 */
import sharp from 'sharp';
import { InvalidInputError } from './errors.ts';
import { rgbImage, type RgbImage } from './rgb-image.ts';

export async function decodeImage(input: string | Uint8Array): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(input)
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return rgbImage(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } catch (e) {
    const name = typeof input === 'string' ? input : `${input.byteLength}-byte buffer`;
    throw new InvalidInputError(
      `cannot decode image ${name}: ${(e as Error).message}; is it a supported image file?`,
    );
  }
}
