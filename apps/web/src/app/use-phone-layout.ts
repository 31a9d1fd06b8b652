import { useSyncExternalStore } from 'react';

/** The width below which the shell is a phone's: app bar on top, bottom navigation (styles.css). */
export const PHONE_QUERY = '(max-width: 48rem)';

const subscribe = (notify: () => void) => {
  const query = window.matchMedia(PHONE_QUERY);
  query.addEventListener('change', notify);
  return () => query.removeEventListener('change', notify);
};

/**
 * Whether the viewport is a phone's. The shell renders its tools (unit, language) in one place
 * only, the header on a desk and the "more" sheet on a phone, so each exists once in the page.
 */
export function usePhoneLayout(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(PHONE_QUERY).matches);
}
