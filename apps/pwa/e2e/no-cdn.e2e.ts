/**
 * The built app names no CDN: everything it runs (ffmpeg.wasm, onnxruntime-web, decoders)
 * is served from its own origin, so it works offline and tells no third party what it does.
 * @ffmpeg/ffmpeg ships an unpkg.com fallback core URL; the build replaces it (ffmpeg-no-cdn.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appRoot } from './browser.ts';

const dist = process.env['HEARTH_PWA_DIST'] ?? join(appRoot, 'dist');
const skip = existsSync(join(dist, 'index.html')) ? false : 'no dist/: run `npm run build -w @hearth/pwa`';
const CDNS = /unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|esm\.sh/;

void describe('PWA build', { skip }, () => {
  void it('no built script or page names a CDN (ffmpeg.wasm’s unpkg fallback is gone)', () => {
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) =>
      /\.(js|mjs|html|webmanifest)$/.test(f),
    );
    assert.ok(
      files.some((f) => /(^|\/)worker-[^/]*\.js$/.test(f) || f.includes('ffmpeg')),
      'the ffmpeg worker is built',
    );
    const named = files.filter((f) => CDNS.test(readFileSync(join(dist, f), 'utf8')));
    assert.deepEqual(named, []);
  });
});
