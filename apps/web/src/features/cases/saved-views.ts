import { useCallback, useState } from 'react';

export interface SavedView {
  name: string;
  /** The inbox filter as a query string, e.g. "state=submitted&overdue=true". */
  query: string;
}

const key = (userId: string) => `civitas.caseViews.${userId}`;

function read(userId: string): SavedView[] {
  try {
    const raw = localStorage.getItem(key(userId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (v): v is SavedView =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as SavedView).name === 'string' &&
        typeof (v as SavedView).query === 'string',
    );
  } catch {
    return [];
  }
}

/** Named inbox filters, kept in this browser per user (they hold no personal data, only filters). */
export function useSavedViews(userId: string) {
  const [views, setViews] = useState<SavedView[]>(() => read(userId));
  const store = useCallback(
    (next: SavedView[]) => {
      setViews(next);
      try {
        localStorage.setItem(key(userId), JSON.stringify(next));
      } catch {
        // Storage full or disabled: the views still work until the page closes.
      }
    },
    [userId],
  );
  const save = useCallback(
    (name: string, query: string) => store([...read(userId).filter((v) => v.name !== name), { name, query }]),
    [store, userId],
  );
  const remove = useCallback(
    (name: string) => store(read(userId).filter((v) => v.name !== name)),
    [store, userId],
  );
  return { views, save, remove };
}
