import type { ReactNode } from 'react';

/** Polite live region: async results are announced without stealing focus. */
export function StatusMessage({ children }: { children: ReactNode }) {
  return (
    <div role="status" aria-live="polite" className="status">
      {children}
    </div>
  );
}
