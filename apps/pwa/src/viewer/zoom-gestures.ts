/**
 * Zoom and pan on the viewer's stage with pointer events, so one code path serves touch,
 * pen and mouse: pinch (two fingers), double-tap and double-click (toggle 2.5×), drag to pan
 * when zoomed, wheel or trackpad pinch (about the cursor), and a swipe to the neighbours when
 * not zoomed. A touch held still calls `onHold` (a Live Photo plays while held).
 */
import { clampZoom, NO_ZOOM, pinch, TAP_ZOOM, zoomAt, type Zoom, type ZoomBounds } from './zoom-math.ts';

const SWIPE_PX = 60;
const TAP_MOVE_PX = 10;
const DOUBLE_TAP_MS = 300;
const HOLD_MS = 350;

/** What the gestures read and drive. */
export interface ZoomGestureOptions {
  zoom(): Zoom;
  setZoom(z: Zoom): void;
  /** the image's box at scale 1 and the stage's */
  bounds(): ZoomBounds;
  onSwipe(to: 'prev' | 'next'): void;
  onHold?(holding: boolean): void;
  /** true while fingers are down (the image follows them without its transition) */
  setGesturing?(on: boolean): void;
}

type Point = { x: number; y: number };

export function attachZoomGestures(stage: HTMLElement, opts: ZoomGestureOptions): () => void {
  const down = new Map<number, Point>();
  let start: { zoom: Zoom; points: Point[]; at: number } | undefined;
  let moved = false;
  let lastTap: { at: number; p: Point } | undefined;
  let hold: ReturnType<typeof setTimeout> | undefined;
  let holding = false;
  /** a touch double-tap may also send dblclick: only a mouse's counts there */
  let lastType = 'mouse';

  /** A client position as stage pixels from the stage's centre. */
  const local = (e: { clientX: number; clientY: number }): Point => {
    const r = stage.getBoundingClientRect();
    return { x: e.clientX - r.left - r.width / 2, y: e.clientY - r.top - r.height / 2 };
  };
  const stopHold = () => {
    clearTimeout(hold);
    hold = undefined;
    if (holding) opts.onHold?.(false);
    holding = false;
  };
  /** Restart from the fingers down now (a finger added or lifted mid-gesture). */
  const restart = () => {
    start = { zoom: opts.zoom(), points: [...down.values()], at: performance.now() };
  };
  const toggleAt = (p: Point) =>
    opts.setZoom(opts.zoom().s > 1 ? NO_ZOOM : zoomAt(opts.zoom(), TAP_ZOOM, p, opts.bounds()));

  function onDown(e: PointerEvent): void {
    if ((e.target as HTMLElement).closest('button, video[controls]')) return;
    lastType = e.pointerType;
    stage.setPointerCapture?.(e.pointerId);
    down.set(e.pointerId, local(e));
    moved = false;
    restart();
    opts.setGesturing?.(true);
    stopHold();
    if (down.size === 1 && e.pointerType === 'touch' && opts.onHold)
      hold = setTimeout(() => {
        holding = true;
        opts.onHold?.(true);
      }, HOLD_MS);
  }

  function onMove(e: PointerEvent): void {
    if (!down.has(e.pointerId) || !start) return;
    const p = local(e);
    down.set(e.pointerId, p);
    const first = start.points[0]!;
    if (Math.hypot(p.x - first.x, p.y - first.y) > TAP_MOVE_PX) {
      moved = true;
      if (!holding) stopHold();
    }
    const now = [...down.values()];
    if (now.length >= 2 && start.points.length >= 2)
      opts.setZoom(
        pinch(start.zoom, [start.points[0]!, start.points[1]!], [now[0]!, now[1]!], opts.bounds()),
      );
    else if (now.length === 1 && start.zoom.s > 1)
      opts.setZoom(
        clampZoom(
          { ...start.zoom, x: start.zoom.x + p.x - first.x, y: start.zoom.y + p.y - first.y },
          opts.bounds(),
        ),
      );
  }

  function onUp(e: PointerEvent): void {
    if (!down.has(e.pointerId) || !start) return;
    const p = local(e);
    const wasSingle = down.size === 1 && start.points.length === 1;
    down.delete(e.pointerId);
    const first = start.points[0]!;
    const quick = performance.now() - start.at < DOUBLE_TAP_MS;
    const wasHolding = holding;
    stopHold();
    if (down.size > 0) return restart();
    opts.setGesturing?.(false);
    if (!wasSingle || wasHolding) return;
    const dx = p.x - first.x;
    if (start.zoom.s === 1 && Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(p.y - first.y))
      return opts.onSwipe(dx > 0 ? 'prev' : 'next');
    // A double-tap on touch (a mouse has dblclick, below).
    if (e.pointerType !== 'mouse' && !moved && quick) {
      const t = performance.now();
      if (
        lastTap &&
        t - lastTap.at < DOUBLE_TAP_MS &&
        Math.hypot(p.x - lastTap.p.x, p.y - lastTap.p.y) < 40
      ) {
        lastTap = undefined;
        toggleAt(p);
      } else lastTap = { at: t, p };
    }
  }

  function onCancel(e: PointerEvent): void {
    down.delete(e.pointerId);
    stopHold();
    if (down.size === 0) opts.setGesturing?.(false);
    else restart();
  }

  function onWheel(e: WheelEvent): void {
    if (Math.abs(e.deltaY) < 0.5) return;
    e.preventDefault();
    // A trackpad pinch arrives as ctrl+wheel with small deltas; a mouse wheel notch as ~100.
    const factor = Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015));
    opts.setZoom(zoomAt(opts.zoom(), opts.zoom().s * factor, local(e), opts.bounds()));
  }

  function onDblClick(e: MouseEvent): void {
    if (lastType !== 'mouse' || (e.target as HTMLElement).closest('button, video[controls]')) return;
    toggleAt(local(e));
  }

  stage.addEventListener('pointerdown', onDown);
  stage.addEventListener('pointermove', onMove);
  stage.addEventListener('pointerup', onUp);
  stage.addEventListener('pointercancel', onCancel);
  stage.addEventListener('wheel', onWheel, { passive: false });
  stage.addEventListener('dblclick', onDblClick);
  return () => {
    stopHold();
    stage.removeEventListener('pointerdown', onDown);
    stage.removeEventListener('pointermove', onMove);
    stage.removeEventListener('pointerup', onUp);
    stage.removeEventListener('pointercancel', onCancel);
    stage.removeEventListener('wheel', onWheel);
    stage.removeEventListener('dblclick', onDblClick);
  };
}
