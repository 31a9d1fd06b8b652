import type { ReactNode } from 'react';
import { useCan } from './auth-context';
import { NotFoundPage } from './not-found-page';

/** Screens the user may not use look like missing pages, as the API does for records. */
export function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const allowed = useCan(permission);
  return allowed ? <>{children}</> : <NotFoundPage />;
}
