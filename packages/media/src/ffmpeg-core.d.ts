/** @ffmpeg/core ships no types; ffmpeg-wasm.worker.ts declares the part it uses. */
declare module '@ffmpeg/core';
