import type { Plugin } from 'vite';

/**
 * Takes @ffmpeg/ffmpeg's fallback core URL (`https://unpkg.com/@ffmpeg/core@…`) out of the
 * build. The app always passes its own bundled core URLs (`bundledFfmpegCore`), so the
 * fallback is never used; but a CDN address in an offline, self-hosted app's worker is a
 * request waiting to happen (an empty `coreURL` would fetch code from a third party). With
 * this, a missing URL fails to load the core instead (`about:` cannot be imported).
 */
export function ffmpegNoCdn(): Plugin {
  return {
    name: 'hearth-ffmpeg-no-cdn',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]@ffmpeg[\\/]ffmpeg[\\/]dist[\\/]esm[\\/]const\.js$/.test(id.split('?')[0]!)) return null;
      const out = code.replace(
        /`https:\/\/unpkg\.com\/@ffmpeg\/core@\$\{CORE_VERSION\}\/dist\/umd\/ffmpeg-core\.js`/,
        '"about:blank#no-ffmpeg-core-url-given"',
      );
      // @ffmpeg/ffmpeg changed its constant: fail the build rather than ship the CDN again.
      if (out === code) this.error('@ffmpeg/ffmpeg: its CORE_URL constant was not found in const.js');
      return { code: out, map: null };
    },
  };
}
