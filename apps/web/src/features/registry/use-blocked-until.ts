import { useEffect, useState } from 'react';

/**
 * The time until which the server refuses a search (past a per-user limit), cleared when it
 * comes: a button waits until then, since retrying earlier only counts against the user again.
 */
export function useBlockedUntil(): [number | null, (until: number | null) => void] {
  const [blockedUntil, setBlockedUntil] = useState<number | null>(null);
  useEffect(() => {
    if (blockedUntil === null) return;
    const timer = setTimeout(() => setBlockedUntil(null), Math.max(0, blockedUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [blockedUntil]);
  return [blockedUntil, setBlockedUntil];
}
