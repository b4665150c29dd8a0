/**
 * @module pages/network/view-keys
 * The keys of the map and the graph, one meaning for both: arrow keys pan the view a step (the
 * picture moves so that what lay that way comes to the middle), + and − zoom about the middle, 0 or
 * Home shows the whole, Escape clears the chosen company.
 */

/** How far an arrow key pans, in pixels of the view. */
const PAN_STEP = 60;
/** How much a + or − zooms. */
const ZOOM_STEP = 1.5;

/** What a key does to a view (the map's or the graph's), or undefined for a key it leaves alone. */
export type ViewKeyMove =
  | { readonly kind: 'pan'; readonly dx: number; readonly dy: number }
  | { readonly kind: 'zoom'; readonly factor: number }
  | { readonly kind: 'whole' }
  | { readonly kind: 'clear' };

export function viewKeyMove(key: string): ViewKeyMove | undefined {
  switch (key) {
    case 'ArrowLeft':
      return { kind: 'pan', dx: -PAN_STEP, dy: 0 };
    case 'ArrowRight':
      return { kind: 'pan', dx: PAN_STEP, dy: 0 };
    case 'ArrowUp':
      return { kind: 'pan', dx: 0, dy: -PAN_STEP };
    case 'ArrowDown':
      return { kind: 'pan', dx: 0, dy: PAN_STEP };
    case '+':
    case '=':
      return { kind: 'zoom', factor: ZOOM_STEP };
    case '-':
    case '_':
      return { kind: 'zoom', factor: 1 / ZOOM_STEP };
    case '0':
    case 'Home':
      return { kind: 'whole' };
    case 'Escape':
      return { kind: 'clear' };
    default:
      return undefined;
  }
}
