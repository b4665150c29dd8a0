import { describe, expect, it } from 'vitest';
import { viewKeyMove } from './view-keys.ts';

describe('the keys of the map and the graph', () => {
  it('pan a step each way, zoom in and out by the same factor, show the whole, clear the choice', () => {
    expect(viewKeyMove('ArrowLeft')).toEqual({ kind: 'pan', dx: -60, dy: 0 });
    expect(viewKeyMove('ArrowRight')).toEqual({ kind: 'pan', dx: 60, dy: 0 });
    expect(viewKeyMove('ArrowUp')).toEqual({ kind: 'pan', dx: 0, dy: -60 });
    expect(viewKeyMove('ArrowDown')).toEqual({ kind: 'pan', dx: 0, dy: 60 });
    const zoomIn = viewKeyMove('+');
    const zoomOut = viewKeyMove('-');
    expect(zoomIn?.kind === 'zoom' && zoomOut?.kind === 'zoom' && zoomIn.factor * zoomOut.factor).toBe(1);
    expect(viewKeyMove('=')).toEqual(zoomIn);
    expect(viewKeyMove('0')).toEqual({ kind: 'whole' });
    expect(viewKeyMove('Home')).toEqual({ kind: 'whole' });
    expect(viewKeyMove('Escape')).toEqual({ kind: 'clear' });
  });

  it('leave other keys to the page (Tab, Enter, letters)', () => {
    for (const key of ['Tab', 'Enter', ' ', 'a', 'PageDown']) expect(viewKeyMove(key)).toBeUndefined();
  });
});
