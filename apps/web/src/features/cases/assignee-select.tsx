import { useTranslation } from 'react-i18next';
import type { UserSummary } from '@civitas/contracts/auth';
import { useCan, useMe } from '../../app/auth-context';
import { useUnits } from '../../app/unit-context';
import { useResource } from '../../app/use-resource';

const handlerRoles = new Set([
  'grid_worker',
  'community_admin',
  'street_officer',
  'district_commander',
  'department_staff',
]);

export interface Assignee {
  id: string;
  name: string;
}

/**
 * People who may take a case held by `unitId`: staff whose handling grant covers that unit (and,
 * for department staff, the same department). Without user.read only "me" can be offered; the
 * server checks the choice either way.
 */
export function useAssignees(unitId: string | null, department: string | null): Assignee[] {
  const me = useMe();
  const canListUsers = useCan('user.read');
  const { unitsById } = useUnits();
  const users = useResource<{ items: UserSummary[] }>(canListUsers ? '/users?limit=200' : null);
  const ancestors = new Set<string>();
  for (let id: string | null = unitId; id; id = unitsById.get(id)?.parentId ?? null) ancestors.add(id);
  const fits = (g: { role: string; orgUnitId: string; department: string | null }) =>
    handlerRoles.has(g.role) &&
    ancestors.has(g.orgUnitId) &&
    (g.role !== 'department_staff' || g.department === department);
  const list: Assignee[] = [];
  if (me.grants.some(fits)) list.push({ id: me.id, name: me.displayName });
  for (const u of users.data?.items ?? []) {
    if (u.id === me.id || u.disabled || u.kind !== 'staff') continue;
    if (u.grants.some(fits)) list.push({ id: u.id, name: u.displayName });
  }
  return list;
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
