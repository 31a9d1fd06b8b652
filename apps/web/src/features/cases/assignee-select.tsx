import { endpoints } from '@civitas/contracts/endpoints';
import type { ResponseOf } from '@civitas/contracts/endpoint';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/auth-context';
import { call } from '../../app/api-client';
import type { StaffCase } from './case-api';

export type Assignee = ResponseOf<typeof endpoints.cases.assignees>['items'][number];

/**
 * People who may take every one of the given cases, as the server decides it
 * (GET /cases/:id/assignees): for several cases, only those who may take them all. The user is
 * listed only where the server offers them the claim (assigning oneself; ADR 0046).
 */
export function useAssignees(cases: readonly Pick<StaffCase, 'id' | 'allowedActions'>[]): {
  assignees: Assignee[];
  error: unknown;
} {
  const me = useMe();
  const key = cases.map((c) => c.id).join(',');
  const mayClaim = cases.every((c) => c.allowedActions.includes('claim'));
  const [loaded, setLoaded] = useState<{ key: string; assignees: Assignee[]; error: unknown }>({
    key: '',
    assignees: [],
    error: null,
  });

  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    const ids = key.split(',');
    Promise.all(
      ids.map((id) => call(endpoints.cases.assignees, { params: { id }, signal: controller.signal })),
    ).then(
      (lists) => {
        const [first, ...rest] = lists;
        const common = (first?.items ?? []).filter((a) =>
          rest.every((l) => l.items.some((b) => b.id === a.id)),
        );
        setLoaded({ key, assignees: common, error: null });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setLoaded({ key, assignees: [], error });
      },
    );
    return () => controller.abort();
  }, [key]);

  return loaded.key === key
    ? { assignees: loaded.assignees.filter((a) => mayClaim || a.id !== me.id), error: loaded.error }
    : { assignees: [], error: null };
}

export function AssigneeSelect({
  id,
  assignees,
  value,
  onChange,
}: {
  id: string;
  assignees: Assignee[];
  value: string;
  onChange: (id: string) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <select id={id} value={value} required onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('cases.assign.choose')}</option>
      {assignees.map((a) => (
        <option key={a.id} value={a.id}>
          {a.id === me.id ? t('cases.assign.me', { name: a.name }) : a.name}
        </option>
      ))}
    </select>
  );
}
