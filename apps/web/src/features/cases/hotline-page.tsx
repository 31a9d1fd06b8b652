import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../../app/use-page-title';
import { ErrorMessage } from '../../components/error-message';
import { createCase, type AnyCase } from './case-api';
import type { LatLng } from './case-map';
import { CategoryPicker } from './category-picker';
import { LocationFields } from './location-fields';
import { NearbyCases } from './nearby-cases';
import { useCategories } from './use-case-data';

interface Call {
  category: string;
  title: string;
  description: string;
  address: string;
  callerName: string;
  callerPhone: string;
  channel: 'hotline' | 'walk_in';
}

const blank: Call = {
  category: '',
  title: '',
  description: '',
  address: '',
  callerName: '',
  callerPhone: '',
  channel: 'hotline',
};

/**
 * 12345 hotline intake, typed while the caller talks: the category field has focus, fields follow
 * in the order a call goes, Ctrl+Enter submits from anywhere, and the form clears for the next call.
 */
export default function HotlinePage() {
  const { t } = useTranslation();
  const { categories, error: categoriesError } = useCategories();
  const [call, setCall] = useState<Call>(blank);
  const [point, setPoint] = useState<LatLng | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [last, setLast] = useState<AnyCase | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [missing, setMissing] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  usePageTitle(t('cases.hotline.title'));
  const set = (patch: Partial<Call>) => setCall({ ...call, ...patch });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!call.category || !point) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    // The caller's contact is stored sealed on the case and shown masked, never in the description.
    const name = call.callerName.trim();
    const phone = call.callerPhone.trim();
    const contact = name || phone ? { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } : undefined;
    try {
      const c = await createCase({
        channel: call.channel,
        category: call.category,
        ...(call.title.trim() ? { title: call.title.trim() } : {}),
        description: call.description.trim(),
        location: { type: 'Point', coordinates: [point.lng, point.lat] },
        address: call.address.trim() || null,
        attributes: {},
        sourceRef: null,
        ...(contact ? { contact } : {}),
      });
      setLast(c);
      setCall({ ...blank, channel: call.channel });
      setPoint(null);
      // A new key remounts the form, which puts the focus back on the first field.
      setFormKey((k) => k + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLFormElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      formRef.current?.requestSubmit();
    }
  }

  return (
    <>
      <h1>{t('cases.hotline.title')}</h1>
      <p id="hotline-help" className="hint">
        {t('cases.hotline.help')}
      </p>
      <div role="status" aria-live="polite" data-testid="hotline-result">
        {last && (
          <>
            {t('cases.hotline.created', { ref: last.ref })}{' '}
            <Link to={`/cases/${last.id}`}>{t('cases.openCase')}</Link>
          </>
        )}
      </div>
      <ErrorMessage error={categoriesError} />
      <form
        key={formKey}
        ref={formRef}
        className="form-stack hotline"
        aria-describedby="hotline-help"
        onSubmit={(e) => void submit(e)}
        onKeyDown={onKeyDown}
        data-testid="hotline-form"
      >
        <div className="field">
          <label htmlFor="hotline-category">{t('cases.fields.category')}</label>
          <CategoryPicker
            id="hotline-category"
            categories={categories}
            value={call.category}
            onChange={(category) => set({ category })}
            autoFocus
            required
          />
        </div>
        <div className="field">
          <label htmlFor="hotline-title">{t('cases.fields.title')}</label>
          <input
            id="hotline-title"
            maxLength={200}
            value={call.title}
            onChange={(e) => set({ title: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="hotline-description">{t('cases.fields.description')}</label>
          <textarea
            id="hotline-description"
            rows={3}
            maxLength={3500}
            value={call.description}
            onChange={(e) => set({ description: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="hotline-address">{t('cases.fields.address')}</label>
          <input
            id="hotline-address"
            maxLength={300}
            value={call.address}
            onChange={(e) => set({ address: e.target.value })}
          />
        </div>
        <LocationFields idPrefix="hotline" point={point} onPoint={setPoint} />
        <fieldset>
          <legend>{t('cases.hotline.caller')}</legend>
          <div className="form-row">
            <div className="field">
              <label htmlFor="hotline-caller-name">{t('cases.hotline.callerName')}</label>
              <input
                id="hotline-caller-name"
                maxLength={100}
                autoComplete="off"
                value={call.callerName}
                onChange={(e) => set({ callerName: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor="hotline-caller-phone">{t('cases.hotline.callerPhone')}</label>
              <input
                id="hotline-caller-phone"
                type="tel"
                maxLength={30}
                autoComplete="off"
                value={call.callerPhone}
                onChange={(e) => set({ callerPhone: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor="hotline-channel">{t('cases.fields.channel')}</label>
              <select
                id="hotline-channel"
                value={call.channel}
                onChange={(e) => set({ channel: e.target.value as Call['channel'] })}
              >
                <option value="hotline">{t('cases.channel.hotline')}</option>
                <option value="walk_in">{t('cases.channel.walk_in')}</option>
              </select>
            </div>
          </div>
        </fieldset>
        <NearbyCases category={call.category} point={point} linkToCases />
        {missing && (
          <p role="alert" className="error">
            {t('cases.report.needWhatWhere')}
          </p>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy} data-testid="hotline-submit">
          {busy ? t('cases.report.sending') : t('cases.hotline.submit')}
        </button>
      </form>
    </>
  );
}
