import type { ReactNode } from 'react';

/**
 * The container a wide table scrolls sideways in (at phone width most do). It takes focus itself,
 * named by the table's caption, so a keyboard user can scroll it even when no cell holds a link or
 * button (WCAG 2.1.1; axe `scrollable-region-focusable`).
 */
export function TableRegion({
  label,
  id,
  hidden,
  children,
}: {
  /** The table's caption, as the region's accessible name. */
  label: string;
  id?: string;
  hidden?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label} id={id} hidden={hidden}>
      {children}
    </div>
  );
}
