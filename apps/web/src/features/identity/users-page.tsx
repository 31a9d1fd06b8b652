import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserSummary } from '@civitas/contracts/identity';
import { call } from '../../app/api-client';
import { useCan } from '../../app/auth-context';
import { localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { Pager } from '../../components/pager';
import { StatusMessage } from '../../components/status-message';
import { CreateUserForm } from './create-user-form';
import { UserActionsDialog } from './user-actions-dialog';
import { TableRegion } from '../../components/table-region';

const PAGE_SIZE = 50;

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const canWrite = useCan('user.write');
  const [offset, setOffset] = useState(0);
  const users = useEndpoint(endpoints.users.list, { query: { limit: PAGE_SIZE, offset } });
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');
  const [managing, setManaging] = useState<UserSummary | null>(null);
  usePageTitle(t('users.title'));

  async function setDisabled(user: UserSummary, disable: boolean) {
    setError(null);
    try {
      await call(disable ? endpoints.users.disable : endpoints.users.enable, { params: { id: user.id } });
      setMessage(t(disable ? 'users.disabledMessage' : 'users.enabledMessage', { name: user.username }));
      users.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <h1>{t('users.title')}</h1>
      {canWrite && (
        <CreateUserForm
          onCreated={(username) => {
            setMessage(t('users.createdMessage', { name: username }));
            users.reload();
          }}
        />
      )}
      <StatusMessage>{users.loading ? t('common.loading') : message}</StatusMessage>
      <ErrorMessage error={error ?? users.error} />
      <TableRegion label={t('users.caption')}>
        <table data-testid="users-table">
          <caption>{t('users.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('users.username')}</th>
              <th scope="col">{t('users.displayName')}</th>
              <th scope="col">{t('users.grants')}</th>
              <th scope="col">{t('users.state')}</th>
              <th scope="col">{t('users.mfa')}</th>
              {canWrite && <th scope="col">{t('users.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {users.data?.items.map((u) => (
              <tr key={u.id}>
                <th scope="row">{u.username}</th>
                <td>{u.displayName}</td>
                <td>
                  <ul className="plain">
                    {u.grants.map((g) => (
                      <li key={`${g.role}:${g.orgUnitId}`}>
                        {t(`roles.${g.role}`)} · {localizedName(g.orgUnitName, i18n.language)}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  {t(u.disabled ? 'users.disabled' : 'users.active')}
                  {u.passwordChangeRequired && <> · {t('users.mustChange')}</>}
                </td>
                <td>{t(u.mfaEnabled ? 'common.yes' : 'common.no')}</td>
                {canWrite && (
                  <td>
                    {/* Offered only when the server's policy allows it (the list says which). */}
                    {u.actions.includes(u.disabled ? 'enable' : 'disable') && (
                      <button
                        type="button"
                        className="small"
                        onClick={() => void setDisabled(u, !u.disabled)}
                      >
                        {t(u.disabled ? 'users.enable' : 'users.disable', { name: u.username })}
                      </button>
                    )}{' '}
                    {u.actions.length > 0 && (
                      <button
                        type="button"
                        className="small"
                        aria-haspopup="dialog"
                        onClick={() => setManaging(u)}
                      >
                        {t('recovery.open', { name: u.username })}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      <UserActionsDialog
        user={managing}
        onClose={() => setManaging(null)}
        onDone={(m) => {
          setMessage(m);
          users.reload();
        }}
      />
      {users.data && (
        <Pager total={users.data.total} limit={PAGE_SIZE} offset={offset} onChange={setOffset} />
      )}
    </>
  );
}
