import { describe, expect, it } from 'vitest';
import { clampZoom, NO_ZOOM, pinch, zoomAt } from './zoom-math.ts';

// A 1000 × 500 image drawn full width in a 1000 × 800 stage.
const b = { imageW: 1000, imageH: 500, stageW: 1000, stageH: 800 };

describe('viewer zoom math', () => {
  it('zooms about a point: the image point under it stays under it', () => {
    const z = zoomAt(NO_ZOOM, 2, { x: 200, y: 100 }, b);
    expect(z.s).toBe(2);
    // image point under (200, 100) at scale 1 is (200, 100); at scale 2 it is drawn at 2p + t
    expect(2 * 200 + z.x).toBeCloseTo(200);
    expect(2 * 100 + z.y).toBeCloseTo(100);
  });

  it('never pans past the edges, and never below scale 1 or above 8', () => {
    expect(clampZoom({ s: 2, x: 5000, y: -5000 }, b)).toEqual({ s: 2, x: 500, y: -100 });
    expect(clampZoom({ s: 0.3, x: 40, y: 40 }, b)).toEqual({ s: 1, x: 0, y: 0 });
    expect(zoomAt(NO_ZOOM, 50, { x: 0, y: 0 }, b).s).toBe(8);
  });

  it('a pinch scales by the spread of the fingers and follows their midpoint', () => {
    const z = pinch(
      NO_ZOOM,
      [
        { x: -50, y: 0 },
        { x: 50, y: 0 },
      ],
      [
        { x: -100, y: 20 },
        { x: 100, y: 20 },
      ],
      b,
    );
    expect(z).toEqual({ s: 2, x: 0, y: 20 });
    // Fingers closing past the start: back to scale 1, centred.
    expect(
      pinch(
        z,
        [
          { x: -100, y: 0 },
          { x: 100, y: 0 },
        ],
        [
          { x: -10, y: 0 },
          { x: 10, y: 0 },
        ],
        b,
      ),
    ).toEqual(NO_ZOOM);
  });
});
