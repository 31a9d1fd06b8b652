import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { exactNavPaths, type NavItem } from './nav-items';
import { NavList } from './nav-list';

/**
 * The fifth slot of the phone's bottom bar: a disclosure button opening a sheet with the places
 * that are not on the bar and the shell's tools. It closes on Escape (focus back on the button),
 * on a click outside and on navigation.
 */
export function MoreMenu({ items, children }: { items: NavItem[]; children: ReactNode }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [openedAt, setOpenedAt] = useState<string | null>(null);
  const location = useLocation();
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const sheet = useRef<HTMLDivElement>(null);
  // Navigating away closes the sheet: it stays open only on the page it was opened on.
  const shown = open && openedAt === location.pathname;
  const current = items.some((i) =>
    exactNavPaths.has(i.to) ? location.pathname === i.to : location.pathname.startsWith(i.to),
  );

  useEffect(() => {
    if (!shown) return;
    sheet.current?.querySelector<HTMLElement>('a, select, button')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!sheet.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [shown]);

  return (
    <>
      <button
        ref={button}
        type="button"
        className={`bottom-nav-item${current ? ' active' : ''}`}
        aria-expanded={shown}
        aria-controls={id}
        onClick={() => {
          setOpenedAt(location.pathname);
          setOpen(!shown);
        }}
        data-testid="more-menu"
      >
        <span aria-hidden="true" className="bottom-nav-icon">
          ⋯
        </span>
        {t('shell.more')}
      </button>
      <div id={id} ref={sheet} className="more-sheet" hidden={!shown}>
        {shown && (
          <>
            <NavList items={items} />
            <div className="more-tools">{children}</div>
          </>
        )}
      </div>
    </>
  );
}
