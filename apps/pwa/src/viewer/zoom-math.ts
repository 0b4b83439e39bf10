/**
 * The viewer's zoom as a pure value: `translate(x, y) scale(s)` about the image's centre,
 * which sits at the stage's centre. Points are in stage pixels relative to that centre.
 */
export interface Zoom {
  s: number;
  x: number;
  y: number;
}

export const NO_ZOOM: Zoom = { s: 1, x: 0, y: 0 };
export const MAX_ZOOM = 8;
/** what a double-click / double-tap zooms to */
export const TAP_ZOOM = 2.5;

/** The box the image is drawn in at scale 1, and the stage around it. */
export interface ZoomBounds {
  imageW: number;
  imageH: number;
  stageW: number;
  stageH: number;
}

/** Keeps the image covering the stage where it can: no panning past its edges. */
export function clampZoom(z: Zoom, b: ZoomBounds): Zoom {
  const s = Math.min(MAX_ZOOM, Math.max(1, z.s));
  const ox = Math.max(0, (b.imageW * s - b.stageW) / 2);
  const oy = Math.max(0, (b.imageH * s - b.stageH) / 2);
  const clip = (v: number, o: number) => Math.min(o, Math.max(-o, v));
  return { s, x: clip(z.x, ox), y: clip(z.y, oy) };
}

/** Zooms to scale `s` keeping the image point under `p` where it is (the fingers, the cursor). */
export function zoomAt(z: Zoom, s: number, p: { x: number; y: number }, b: ZoomBounds): Zoom {
  const next = Math.min(MAX_ZOOM, Math.max(1, s));
  const k = next / z.s;
  return clampZoom({ s: next, x: p.x - (p.x - z.x) * k, y: p.y - (p.y - z.y) * k }, b);
}

/**
 * A pinch: from the zoom and the two fingers when it started to the two fingers now. The
 * image point under the starting midpoint follows the midpoint, scaled by the spread.
 */
export function pinch(
  start: Zoom,
  from: [{ x: number; y: number }, { x: number; y: number }],
  to: [{ x: number; y: number }, { x: number; y: number }],
  b: ZoomBounds,
): Zoom {
  const dist = (p: typeof from) => Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y) || 1;
  const mid = (p: typeof from) => ({ x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2 });
  const s = Math.min(MAX_ZOOM, Math.max(1, (start.s * dist(to)) / dist(from)));
  const m0 = mid(from);
  const m1 = mid(to);
  const k = s / start.s;
  return clampZoom({ s, x: m1.x - (m0.x - start.x) * k, y: m1.y - (m0.y - start.y) * k }, b);
}
