import { endpoints } from '@civitas/contracts/endpoints';
import type { UserAction, UserSummary } from '@civitas/contracts/identity';
import { mayGrantRole, type Department, type Role } from '@civitas/contracts/roles';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../app/api-client';
import { useMe } from '../../app/auth-context';
import { localizedName } from '../../app/localized';
import { useUnits } from '../../app/unit-context';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';
import { StatusMessage } from '../../components/status-message';
import { departmentOptions, roleOptions } from './create-user-form';

interface Props {
  user: UserSummary | null;
  onClose: () => void;
  /** After a change: the list reloads and the page announces `message`. */
  onDone: (message: string) => void;
}

/**
 * Account recovery for one user (ADR 0044). Only the actions the server listed for this user are
 * offered (the same policy decides both); each asks for confirmation inside the dialog first.
 */
export function UserActionsDialog({ user, onClose, onDone }: Props) {
  const { t } = useTranslation();
  return (
    <ModalDialog
      open={user !== null}
      title={user ? t('recovery.title', { name: user.username }) : ''}
      onClose={onClose}
    >
      {user && <Actions key={user.id} user={user} onClose={onClose} onDone={onDone} />}
    </ModalDialog>
  );
}

function Actions({ user, onClose, onDone }: { user: UserSummary } & Omit<Props, 'user'>) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<UserAction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [temporary, setTemporary] = useState<string | null>(null);
  const name = user.username;

  async function run(action: () => Promise<unknown>, message: string) {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone(message);
      setChosen(null);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }

  if (temporary !== null) return <TemporaryPassword password={temporary} username={name} onClose={onClose} />;

  const params = { params: { id: user.id } };
  const simple: Partial<Record<UserAction, () => Promise<unknown>>> = {
    mfa_reset: () => call(endpoints.users.mfaReset, params),
    unlock: () => call(endpoints.users.unlock, params),
    disable: () => call(endpoints.users.disable, params),
    enable: () => call(endpoints.users.enable, params),
  };

  return (
    <div className="form-stack">
      {chosen === null ? (
        <>
          <p>{t('recovery.choose')}</p>
          <ul className="plain button-row" aria-label={t('recovery.actionsLabel', { name })}>
            {user.actions.map((a) => (
              <li key={a}>
                <button type="button" onClick={() => setChosen(a)}>
                  {t(`recovery.action.${a}`)}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="small" onClick={onClose}>
            {t('common.close')}
          </button>
        </>
      ) : chosen === 'password_reset' ? (
        <PasswordResetForm
          user={user}
          busy={busy}
          onCancel={() => setChosen(null)}
          onSubmit={(password) =>
            run(
              async () => {
                const r = await call(endpoints.users.passwordReset, {
                  ...params,
                  body: password ? { password } : {},
                });
                if (r.temporaryPassword) setTemporary(r.temporaryPassword);
              },
              t('recovery.done.password_reset', { name }),
            )
          }
        />
      ) : chosen === 'change_grants' ? (
        <GrantsForm
          user={user}
          busy={busy}
          onCancel={() => setChosen(null)}
          onSubmit={(grant) =>
            run(
              () => call(endpoints.users.setGrants, { ...params, body: { grants: [grant] } }),
              t('recovery.done.change_grants', { name }),
            ).then((ok) => ok && onClose())
          }
        />
      ) : (
        <>
          <p>{t(`recovery.confirm.${chosen}`, { name })}</p>
          <div className="button-row">
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                const action = simple[chosen];
                if (action)
                  void run(action, t(`recovery.done.${chosen}`, { name })).then((ok) => ok && onClose());
              }}
            >
              {t(`recovery.confirmButton.${chosen}`, { name })}
            </button>
            <button type="button" className="small" onClick={() => setChosen(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}

function PasswordResetForm({
  user,
  busy,
  onCancel,
  onSubmit,
}: {
  user: UserSummary;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (password: string | null) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [mode, setMode] = useState<'generate' | 'choose'>('generate');
  const [password, setPassword] = useState('');
  function submit(e: FormEvent) {
    e.preventDefault();
    void onSubmit(mode === 'choose' ? password : null);
  }
  return (
    <form onSubmit={submit} className="form-stack">
      <p>{t('recovery.confirm.password_reset', { name: user.username })}</p>
      <fieldset>
        <legend>{t('recovery.passwordMode')}</legend>
        {(['generate', 'choose'] as const).map((m) => (
          <div className="field-check" key={m}>
            <input
              id={`${id}-${m}`}
              type="radio"
              name={`${id}-mode`}
              checked={mode === m}
              onChange={() => setMode(m)}
            />
            <label htmlFor={`${id}-${m}`}>
              {t(m === 'generate' ? 'recovery.generate' : 'recovery.chooseOwn')}
            </label>
          </div>
        ))}
      </fieldset>
      {mode === 'choose' && (
        <>
          <label htmlFor={`${id}-password`}>{t('recovery.temporaryPassword')}</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            aria-describedby={`${id}-help`}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <p id={`${id}-help`} className="hint">
            {t('users.passwordHelp')}
          </p>
        </>
      )}
      <div className="button-row">
        <button type="submit" disabled={busy}>
          {t('recovery.confirmButton.password_reset', { name: user.username })}
        </button>
        <button type="button" className="small" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function TemporaryPassword({
  password,
  username,
  onClose,
}: {
  password: string;
  username: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState('');
  return (
    <div className="form-stack">
      <label htmlFor={`${id}-temp`}>{t('recovery.shownOnce', { name: username })}</label>
      <input
        id={`${id}-temp`}
        readOnly
        value={password}
        data-testid="temporary-password"
        onFocus={(e) => e.target.select()}
      />
      <div className="button-row">
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard.writeText(password).then(
              () => setCopied(t('recovery.copied')),
              () => setCopied(t('recovery.copyFailed')),
            )
          }
        >
          {t('recovery.copy')}
        </button>
        <button type="button" className="small" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <StatusMessage>{copied}</StatusMessage>
    </div>
  );
}

function GrantsForm({
  user,
  busy,
  onCancel,
  onSubmit,
}: {
  user: UserSummary;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (grant: { role: Role; orgUnitId: string; department: Department | null }) => Promise<unknown>;
}) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { units } = useUnits();
  const id = useId();
  const first = user.grants[0];
  const held = new Set(me.permissions);
  // The roles this administrator may hand out (the server checks each unit again).
  const offered = roleOptions.filter((r) => mayGrantRole(held, r) || r === first?.role);
  const [role, setRole] = useState<Role>(first?.role ?? 'grid_worker');
  const [unitId, setUnitId] = useState(first?.orgUnitId ?? units[0]?.id ?? '');
  const [department, setDepartment] = useState<Department>(first?.department ?? 'police');
  function submit(e: FormEvent) {
    e.preventDefault();
    void onSubmit({ role, orgUnitId: unitId, department: role === 'department_staff' ? department : null });
  }
  return (
    <form onSubmit={submit} className="form-stack">
      <p>{t('recovery.confirm.change_grants', { name: user.username })}</p>
      <p>
        {t('recovery.currentGrants')}{' '}
        {user.grants
          .map((g) => `${t(`roles.${g.role}`)} · ${localizedName(g.orgUnitName, i18n.language)}`)
          .join('; ')}
      </p>
      <label htmlFor={`${id}-role`}>{t('users.role')}</label>
      <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {offered.map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}`)}
          </option>
        ))}
      </select>
      {role === 'department_staff' && (
        <>
          <label htmlFor={`${id}-department`}>{t('users.department')}</label>
          <select
            id={`${id}-department`}
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
      <label htmlFor={`${id}-unit`}>{t('users.unit')}</label>
      <select id={`${id}-unit`} required value={unitId} onChange={(e) => setUnitId(e.target.value)}>
        {units.map((u) => (
          <option key={u.id} value={u.id}>
            {localizedName(u.name, i18n.language)}
          </option>
        ))}
      </select>
      <div className="button-row">
        <button type="submit" disabled={busy}>
          {t('recovery.confirmButton.change_grants', { name: user.username })}
        </button>
        <button type="button" className="small" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
