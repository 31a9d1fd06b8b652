import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { RevealableField } from '@civitas/contracts/registry';
import { ApiError } from '../../app/api-client';
import { useCan } from '../../app/auth-context';
import { formatDateTime } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { NotFoundPage } from '../../app/not-found-page';
import { FlagBadges } from './flag-badges';
import { RevealDialog } from './reveal-dialog';
import { UnitLabel } from '../../components/unit-label';

// The birth date shows its year only: the full date is the middle of the ID number (ADR 0021).
const revealable: readonly RevealableField[] = ['name', 'phone', 'idNumber', 'birthDate'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function ResidentDetailPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const canReveal = useCan('resident.reveal');
  const valid = UUID.test(id);
  const resident = useEndpoint(endpoints.residents.get, valid ? { params: { id } } : null);
  const [asking, setAsking] = useState<RevealableField | null>(null);
  const [plain, setPlain] = useState<{ id: string; values: Partial<Record<RevealableField, string | null>> }>(
    {
      id,
      values: {},
    },
  );
  usePageTitle(t('resident.title'));

  if (!valid || (resident.error instanceof ApiError && resident.error.status === 404)) {
    return <NotFoundPage messageKey="notFound.resident" />;
  }
  const r = resident.data;
  const revealed = plain.id === id ? plain.values : {};

  return (
    <>
      <h1>{t('resident.title')}</h1>
      <p>
        <Link to="/residents">{t('resident.back')}</Link>
      </p>
      <StatusMessage>{resident.loading ? t('common.loading') : ''}</StatusMessage>
      <ErrorMessage error={resident.error} />
      {r && (
        <dl className="details" data-testid="resident-details">
          {revealable.map((field) => (
            <div key={field} className="detail-row">
              <dt>{t(`residents.${field}`)}</dt>
              <dd>
                {field in revealed ? (
                  <strong data-testid={`plain-${field}`}>{revealed[field] ?? '—'}</strong>
                ) : (
                  <span data-testid={`masked-${field}`}>{r[field] ?? '—'}</span>
                )}
                {canReveal && !(field in revealed) && r[field] !== null && (
                  <button type="button" className="small" onClick={() => setAsking(field)}>
                    {t('reveal.button', { field: t(`residents.${field}`) })}
                  </button>
                )}
              </dd>
            </div>
          ))}
          <div className="detail-row">
            <dt>{t('resident.gender')}</dt>
            <dd>{t(`gender.${r.gender}`)}</dd>
          </div>
          <div className="detail-row">
            <dt>{t('residents.grid')}</dt>
            <dd>
              <UnitLabel unitId={r.gridId} code={r.gridCode} />
            </dd>
          </div>
          <div className="detail-row">
            <dt>{t('residents.building')}</dt>
            <dd>{r.buildingName ?? '—'}</dd>
          </div>
          <div className="detail-row">
            <dt>{t('residents.flags')}</dt>
            <dd>
              <FlagBadges flags={r.flags} />
            </dd>
          </div>
          <div className="detail-row">
            <dt>{t('resident.updatedAt')}</dt>
            <dd>{formatDateTime(r.updatedAt, i18n.language)}</dd>
          </div>
        </dl>
      )}
      <RevealDialog
        residentId={id}
        field={asking}
        onClose={() => setAsking(null)}
        onRevealed={(field, value) => {
          setPlain({ id, values: { ...revealed, [field]: value } });
          setAsking(null);
        }}
      />
    </>
  );
}
