import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  idNumberPattern,
  phonePattern,
  type IdentifierField,
  type ResidentSearchResponse,
} from '@civitas/contracts/registry';
import { IdentifierSearchDialog, retryAfterOf } from './identifier-search-dialog';
import { useBlockedUntil } from './use-blocked-until';

/** A search's answer and what it searched by (the name search's answer has the same shape). */
export interface SearchResult extends ResidentSearchResponse {
  field: IdentifierField | 'name';
}

const patterns: Record<IdentifierField, RegExp> = { phone: phonePattern, idNumber: idNumberPattern };
const normalize = (field: IdentifierField, value: string) =>
  field === 'idNumber' ? value.trim().toUpperCase() : value.trim();

/**
 * Exact search by phone or ID number. It says whose number a number is, so it is a reveal: offered
 * only where the user may reveal, asks for the reason first, and is limited per user by the
 * server. The value is sent in a POST body and kept out of the address bar (ADR 0021).
 */
export function IdentifierSearch({
  unitId,
  onResult,
}: {
  unitId: string | null;
  onResult: (result: SearchResult) => void;
}) {
  const { t, i18n } = useTranslation();
  const [field, setField] = useState<IdentifierField>('phone');
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [asking, setAsking] = useState(false);
  const [blockedUntil, setBlockedUntil] = useBlockedUntil();

  function submit(event: FormEvent) {
    event.preventDefault();
    const ok = patterns[field].test(normalize(field, value));
    setInvalid(!ok);
    if (ok) setAsking(true);
  }

  const label = t(`residents.${field}`);
  return (
    <>
      <form
        className="form-row"
        onSubmit={submit}
        role="search"
        aria-label={t('identifierSearch.title')}
        noValidate
      >
        <div className="field">
          <label htmlFor="identifier-field">{t('identifierSearch.field')}</label>
          <select
            id="identifier-field"
            value={field}
            onChange={(e) => {
              setField(e.target.value as IdentifierField);
              setInvalid(false);
            }}
          >
            <option value="phone">{t('residents.phone')}</option>
            <option value="idNumber">{t('residents.idNumber')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="identifier-value">{t('identifierSearch.value', { field: label })}</label>
          <input
            id="identifier-value"
            type={field === 'phone' ? 'tel' : 'text'}
            autoComplete="off"
            maxLength={field === 'phone' ? 20 : 18}
            value={value}
            aria-invalid={invalid}
            aria-describedby={invalid ? 'identifier-invalid' : undefined}
            onChange={(e) => setValue(e.target.value)}
          />
        </div>
        <button type="submit" disabled={blockedUntil !== null}>
          {t('identifierSearch.find')}
        </button>
      </form>
      {invalid && (
        <p id="identifier-invalid" role="alert" className="error">
          {t(`identifierSearch.invalid.${field}`)}
        </p>
      )}
      {blockedUntil !== null && (
        <p className="muted" data-testid="identifier-search-blocked">
          {t('identifierSearch.blockedUntil', {
            time: new Date(blockedUntil).toLocaleTimeString(i18n.language, { timeStyle: 'short' }),
          })}
        </p>
      )}
      <IdentifierSearchDialog
        open={asking}
        field={field}
        value={normalize(field, value)}
        unitId={unitId}
        onClose={() => setAsking(false)}
        onLimited={(error) => setBlockedUntil(Date.now() + retryAfterOf(error) * 1000)}
        onFound={(result) => {
          setAsking(false);
          setValue('');
          onResult({ ...result, field });
        }}
      />
    </>
  );
}
