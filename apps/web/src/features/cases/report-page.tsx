import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/auth-context';
import { usePageTitle } from '../../app/use-page-title';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { createCase, type AnyCase } from './case-api';
import { uploadAttachment } from './case-attachments';
import { PhotoPicker } from './photo-picker';
import type { LatLng } from './case-map';
import { CategoryPicker } from './category-picker';
import { LocationFields } from './location-fields';
import { NearbyCases } from './nearby-cases';
import { useCategories } from './use-case-data';

/** A resident reports a problem: what, where, and a few words; likely duplicates are shown first. */
export default function ReportPage() {
  const { t } = useTranslation();
  const isStaff = useCan('case.read');
  const { categories, error: categoriesError } = useCategories();
  const [category, setCategory] = useState('');
  const [point, setPoint] = useState<LatLng | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<AnyCase | null>(null);
  const [photo, setPhoto] = useState<File | null>(null);
  // A photo that failed to upload after the case was created, kept for another try.
  const [unsent, setUnsent] = useState<{ caseId: string; photo: File; error: unknown } | null>(null);
  const [pickerKey, setPickerKey] = useState(0);
  usePageTitle(t('cases.report.title'));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!category || !point) {
      setError(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const c = await createCase({
        channel: isStaff ? 'walk_in' : 'resident_report',
        category,
        // Without a title, each reader sees the category's name in their language.
        ...(title.trim() ? { title: title.trim() } : {}),
        description: description.trim(),
        location: { type: 'Point', coordinates: [point.lng, point.lat] },
        address: address.trim() || null,
        attributes: {},
        sourceRef: null,
      });
      setCreated(c);
      setUnsent(null);
      // The case exists first; the photo follows (the upload needs the case to attach to).
      if (photo) await sendPhoto(c.id, photo);
      setPhoto(null);
      setPickerKey((k) => k + 1);
      setTitle('');
      setDescription('');
      setAddress('');
      setPoint(null);
      setCategory('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function sendPhoto(caseId: string, file: File) {
    try {
      await uploadAttachment(caseId, file, file.name, 'report');
      setUnsent(null);
    } catch (e) {
      setUnsent({ caseId, photo: file, error: e });
    }
  }

  return (
    <>
      <h1>{t('cases.report.title')}</h1>
      <p>{t('cases.report.intro')}</p>
      <StatusMessage>
        {created && (
          <span data-testid="report-created">
            {t('cases.report.created', { ref: created.ref })}{' '}
            <Link to={`/cases/${created.id}`}>{t('cases.report.follow')}</Link>
          </span>
        )}
      </StatusMessage>
      {unsent && (
        <div className="notice" data-testid="report-photo-failed">
          <p>{t('cases.photo.failed')}</p>
          <ErrorMessage error={unsent.error} />
          <button type="button" disabled={busy} onClick={() => void sendPhoto(unsent.caseId, unsent.photo)}>
            {t('cases.photo.retry')}
          </button>
        </div>
      )}
      <ErrorMessage error={categoriesError} />
      <form className="form-stack" onSubmit={(e) => void submit(e)} aria-describedby="report-required">
        <p id="report-required" className="hint">
          {t('cases.report.required')}
        </p>
        <div className="field">
          <label htmlFor="report-category">{t('cases.fields.category')}</label>
          <CategoryPicker
            id="report-category"
            categories={categories}
            value={category}
            onChange={setCategory}
            required
          />
        </div>
        <LocationFields idPrefix="report" point={point} onPoint={setPoint} />
        <NearbyCases category={category} point={point} linkToCases={isStaff} />
        <div className="field">
          <label htmlFor="report-title">{t('cases.fields.title')}</label>
          <input id="report-title" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
          <span className="hint">{t('cases.report.titleHelp')}</span>
        </div>
        <div className="field">
          <label htmlFor="report-description">{t('cases.fields.description')}</label>
          <textarea
            id="report-description"
            rows={4}
            maxLength={4000}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="report-address">{t('cases.fields.address')}</label>
          <input
            id="report-address"
            maxLength={300}
            value={address}
            onChange={(e) => setAddress(e.target.value)}
          />
        </div>
        <PhotoPicker key={pickerKey} id="report-photo" photo={photo} onChange={setPhoto} />
        {(!category || !point) && <p className="hint">{t('cases.report.needWhatWhere')}</p>}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy || !category || !point} data-testid="report-submit">
          {busy ? t('cases.report.sending') : t('cases.report.submit')}
        </button>
      </form>
    </>
  );
}
