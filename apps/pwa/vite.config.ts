import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';
import { ffmpegNoCdn } from './ffmpeg-no-cdn.ts';

/**
 * The PWA build. Workbox precaches the app shell (so it starts with no network at all);
 * `registerType: 'prompt'` lets the page offer "reload for the new version" instead of
 * swapping code under the user's feet. Hash routing keeps deep links working on any static
 * server (the home node, `vite preview`, any HTTPS origin) without a rewrite rule.
 */
export default defineConfig({
  plugins: [
    solid(),
    ffmpegNoCdn(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/favicon-32.png', 'icons/apple-touch-icon.png'],
      manifest: {
        name: 'Hearth',
        short_name: 'Hearth',
        description: 'Your photos and videos, on your own devices',
        id: './',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#fbf8f5',
        theme_color: '#c8562a',
        share_target: {
          action: './#/import',
          method: 'GET',
          params: { title: 'title', text: 'text', url: 'url' },
        },
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The peer worker's Automerge wasm (3.6 MB) too: without it a paired device cannot
        // open its catalog replica offline (Workbox skips files over 2 MiB by default).
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest,wasm}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        // The HEIC (libheif, 2 MB of inlined wasm) and JPEG XL (libjxl) decoders load only when
        // such a file is imported: not precached at install, cached on first use instead.
        // Likewise ffmpeg.wasm (32 MB core + its JS): fetched on the first imported video only,
        // and onnxruntime-web's wasm (14 MB): fetched when CLIP text search loads.
        globIgnores: [
          '**/wasm-bundle-*.js',
          '**/jxl_dec-*.wasm',
          '**/wasm-decode.worker.browser-*.js',
          '**/ffmpeg-core-*.{js,wasm}',
          '**/ort-wasm-*.wasm',
        ],
        runtimeCaching: [
          {
            urlPattern: /\/assets\/(wasm-bundle-|jxl_dec-|wasm-decode\.worker\.browser-)[^/]*$/,
            handler: 'CacheFirst',
            options: { cacheName: 'hearth-decoders', expiration: { maxEntries: 8 } },
          },
          {
            urlPattern: /\/assets\/ffmpeg-core-[^/]*$/,
            handler: 'CacheFirst',
            options: { cacheName: 'hearth-ffmpeg', expiration: { maxEntries: 2 } },
          },
          {
            // onnxruntime-web (14 MB wasm): fetched when CLIP text search first loads its model.
            urlPattern: /\/assets\/ort-wasm-[^/]*\.wasm$/,
            handler: 'CacheFirst',
            options: { cacheName: 'hearth-onnx', expiration: { maxEntries: 2 } },
          },
          {
            // The place names list (6.4 MB, not precached): fetched on the first GPS photo.
            urlPattern: /\/assets\/cities-[^/]*\.pbf$/,
            handler: 'CacheFirst',
            options: { cacheName: 'hearth-places', expiration: { maxEntries: 2 } },
          },
        ],
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        // Workbox's own bundle skips babel/terser work we do not need.
        mode: 'production',
      },
    }),
  ],
  base: './',
  build: { target: 'es2022', sourcemap: false },
  // The ffmpeg.wasm worker is bundled by this pipeline: its fallback CDN URL goes here.
  worker: { format: 'es', plugins: () => [ffmpegNoCdn()] },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
});
