/** Remembered window bounds, kept on a screen that still exists (monitors come and go). */
import type { WindowState } from './settings.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlaps(a: Rect, b: Rect, minVisible = 64): boolean {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w >= minVisible && h >= minVisible;
}

/** Drops a saved position that no current display shows enough of, and caps the size to the largest display. */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const maxW = Math.max(...workAreas.map((a) => a.width), 400);
  const maxH = Math.max(...workAreas.map((a) => a.height), 300);
  const size = { width: Math.min(state.width, maxW), height: Math.min(state.height, maxH) };
  if (state.x === undefined || state.y === undefined) return { ...size, maximized: state.maximized };
  const rect = { x: state.x, y: state.y, ...size };
  if (workAreas.some((a) => overlaps(rect, a))) return { ...rect, maximized: state.maximized };
  return { ...size, maximized: state.maximized };
}
