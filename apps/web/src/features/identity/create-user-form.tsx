import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreateUser } from '@civitas/contracts/identity';
import { mayGrantRole, type Department, type Role } from '@civitas/contracts/roles';
import { call } from '../../app/api-client';
import { localizedName } from '../../app/localized';
import { useMe } from '../../app/auth-context';
import { useUnits } from '../../app/unit-context';
import { ErrorMessage } from '../../components/error-message';

// Listed here rather than imported so the bundle does not pull zod in for two arrays.
export const roleOptions: readonly Role[] = [
  'resident',
  'grid_worker',
  'community_admin',
  'street_officer',
  'district_commander',
  'department_staff',
  'auditor',
  'system_admin',
];
export const departmentOptions: readonly Department[] = [
  'police',
  'health',
  'environment',
  'housing',
  'civil_affairs',
  'urban_management',
];

export function CreateUserForm({ onCreated }: { onCreated: (username: string) => void }) {
  const { t, i18n } = useTranslation();
  const { units, selectedUnitId } = useUnits();
  // Only the roles this administrator may grant (ADR 0044); the server checks the unit as well.
  const held = new Set(useMe().permissions);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('grid_worker');
  const [department, setDepartment] = useState<Department>('police');
  const [unitId, setUnitId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const orgUnitId = unitId || selectedUnitId || '';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: CreateUser = {
      username: username.trim(),
      displayName: displayName.trim(),
      kind: role === 'resident' ? 'resident' : 'staff',
      password,
      grants: [{ role, orgUnitId, department: role === 'department_staff' ? department : null }],
    };
    try {
      await call(endpoints.users.create, { body });
      onCreated(body.username);
      setUsername('');
      setDisplayName('');
      setPassword('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="create-user-heading" className="panel">
      <h2 id="create-user-heading">{t('users.create')}</h2>
      <form onSubmit={(e) => void submit(e)} className="form-grid" aria-busy={busy}>
        <label htmlFor="new-username">{t('users.username')}</label>
        <input
          id="new-username"
          required
          autoComplete="off"
          pattern="[a-z0-9][a-z0-9._\-]{2,63}"
          aria-describedby="new-username-help"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <p id="new-username-help" className="hint">
          {t('users.usernameHelp')}
        </p>
        <label htmlFor="new-display-name">{t('users.displayName')}</label>
        <input
          id="new-display-name"
          required
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <label htmlFor="new-password">{t('users.password')}</label>
        <input
          id="new-password"
          type="password"
          required
          minLength={12}
          autoComplete="new-password"
          aria-describedby="new-password-help"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <p id="new-password-help" className="hint">
          {t('users.passwordHelp')}
        </p>
        <label htmlFor="new-role">{t('users.role')}</label>
        <select id="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roleOptions
            .filter((r) => mayGrantRole(held, r))
            .map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
        </select>
        {role === 'department_staff' && (
          <>
            <label htmlFor="new-department">{t('users.department')}</label>
            <select
              id="new-department"
              value={department}
              onChange={(e) => setDepartment(e.target.value as Department)}
            >
              {departmentOptions.map((d) => (
                <option key={d} value={d}>
                  {t(`departments.${d}`)}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="new-unit">{t('users.unit')}</label>
        <select id="new-unit" required value={orgUnitId} onChange={(e) => setUnitId(e.target.value)}>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {localizedName(u.name, i18n.language)}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy}>
          {t('users.createSubmit')}
        </button>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}
