import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { centreCrop } from './clip-encoder.ts';
import { resizeBicubic } from './resize-bicubic.ts';
import type { RgbImage } from './rgb-image.ts';

/** The synthetic image the references below were made from (high-frequency, all channels differ). */
function synth(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++)
        data[(y * width + x) * 3 + c] = (x * x * 7 + y * 13 + c * 50 + x * y * 3) % 256;
  return { width, height, data };
}

// Made with Pillow 9.4 (Debian 12 python3-pil): `synth(w, h).resize(size, Image.BICUBIC).tobytes()`,
// and for CLIP torchvision's Resize(224, BICUBIC) + CenterCrop(224) steps written out in Python.
const DOWN_37x23_TO_16x11 =
  'DkBzUYeon59uhn+Piod+jWhqaJKnWUqGfkN8a4OZcaR+imaFnWd5YYpla5Nlm3WQLGCYfKCfdndvc4yOc3R0YX+LeHl/nKFokq1rkXdyb5yAcIeJdIiNf2qIgHp9pFKNToe8m5qGaXGQfHGAiHmUiH5hX3+Se1WAe26Hd5qPa4Z7iHh2moGEgodtl3ORlZ52dKm6lIFaeW6ShItmjY2EXWmPo35ToahemZdmc3R3aJB4knJ8aZJ0fIaNm3SEfbJgl7useHVoeZWBc4CAeIJukZJwXnGedViGcI+lX5txZ4p0e3mAiGGQbmeKeYlhaZ9Np7NZbmh7oIZ6ipR4g5WcaVRusJJMl5hQdn6AfYddkIFziX6VlX+UcnBnU4meUYmMoYA0ZHWBgYJ4c5J3i3ZjcZCFWFKQWWGRfo92n3Nrf4R4c5GBfYpzeHh2gGebb3Onm2RXc3KMiYB+jYuDXHaXgFhJm72gmZJxk397iF6cgYeOfluMdnR+f2t9pXx+f26UdkF4b6xqYImHan6Ri5iSRHGpOl91WGWWdqiVc4yFiISIjmmYeG53f3pud6RQjI1/a2aWoHqUlYB0koF9fm9xq7V/jLKElohtbHhujpBye399lXmDb2ppdIR/YoyTiox+TYWHcZCGiHiWlpNlY4qXf0lhf0hUU3WAnXlYd4SQcI5zhIBrapeIjHGfknKkfHls';
const UP_9x6_TO_14x10 =
  'ADFjATNlCDpsFEZ4JliKP3GjXY/UgLycq+EU+moy6y55XXq6htJmxP8XBDZoBjhqDkByG01/LmCSSHqsZpfmjsqvt/ceuXo9mTyFYYvGoaF036UlDD5wEEJ0GUt9KFqMPG6gV4m7d6nupti4zf8xWIpSH1ebbardvFuN7A0/FEZ4GEp8I1WHM2WXSHqzZJbFhMN+vLRK8HA/aVpqKnayh8D/d2qrWBZUHE6AIVOFLF6QPnCiVIbFcaPQl90zuaMAyBBNbD2GT5G5otjgS4imADluI1WHKVuNN2mbSHqsYZLRf7HesvRLj8AaJi5eNFKjbqejtvhGZ6RlGU6RK12PMmSWQHKkU4W2baTijLz3xalgjHgrAEBvLXO5iKCp1p8jhYNgM22rM2WXOmyeSnyuXpDCebfpmcb40jlrogo8IU6AR5jKlo7A3hdJlUx+So7AO22fRHaoVYe6a53bh8WyqNVi40FHtBNaNGGTaK7fh6LWVCNhXl+Xb6jaQHKkSXutW43AcqTqj82Nsd4A7FMuviZsP2yefLjqerDiADxuN3Olhbbo';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('bicubic resize (Pillow-exact)', () => {
  it('shrinks with antialiasing exactly as Pillow does', () => {
    expect(b64(resizeBicubic(synth(37, 23), 16, 11).data)).toBe(DOWN_37x23_TO_16x11);
  });

  it('enlarges exactly as Pillow does', () => {
    expect(b64(resizeBicubic(synth(9, 6), 14, 10).data)).toBe(UP_9x6_TO_14x10);
  });

  it('does the CLIP resize + centre crop as OpenAI (torchvision on Pillow), landscape and portrait', () => {
    // 300×200 → 336×224, crop at x 56; 201×333 → 224×371, crop at y round(73.5) = 74 (half to even).
    expect(sha256(centreCrop(synth(300, 200), 224).data)).toBe(
      '33b24b5cfc0de6c992b372e54f8bd5b56d523ea29f13cf8280255f8e6e03a4d5',
    );
    expect(sha256(centreCrop(synth(201, 333), 224).data)).toBe(
      '08d32c33356e5a09a44aef71a5958ec69700eaf58f25baedf86e14f9e0b4cfeb',
    );
  });
});
