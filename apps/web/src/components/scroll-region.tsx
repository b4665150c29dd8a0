/**
 * @module components/scroll-region
 * A wide table's scrolling frame that keyboard users can scroll: it takes the focus (WCAG 2.1.1;
 * axe's scrollable-region-focusable) and is named as a region.
 */
import type { ReactNode } from 'react';

export function ScrollRegion({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling frame must take the focus to be scrolled by keyboard
    <section className="table-scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
