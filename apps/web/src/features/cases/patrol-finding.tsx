import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseCategory } from '@civitas/contracts/cases';
import { localizedName } from '../../app/localized';
import type { QueuedWork } from './offline-queue';
import { PhotoPicker } from './photo-picker';

type Located = { status: 'idle' | 'locating' | 'failed' } | { status: 'sent'; title: string };

/**
 * A patrol finding in two taps: a category chip, then "report here" at the device's position, with
 * a note and a photo when the worker adds them. It is queued like any other work, photo included
 * (IndexedDB keeps the Blob), so it also works without network.
 */
export function PatrolFinding({
  categories,
  onWork,
}: {
  categories: CaseCategory[];
  onWork: (w: QueuedWork[]) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const [code, setCode] = useState('');
  const [state, setState] = useState<Located>({ status: 'idle' });
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const chosen = categories.find((c) => c.code === code);

  function report() {
    if (!chosen) return;
    setState({ status: 'locating' });
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const title = localizedName(chosen.name, i18n.language);
        void onWork([
          {
            kind: 'create',
            body: {
              channel: 'patrol',
              category: chosen.code,
              // No title: the server names the finding by its category in each reader's language.
              description: note.trim(),
              location: { type: 'Point', coordinates: [pos.coords.longitude, pos.coords.latitude] },
              address: null,
              attributes: {},
              sourceRef: null,
            },
            ...(photo
              ? { photo: { blob: photo, name: photo.name, purpose: 'report' as const, sent: false } }
              : {}),
          },
        ]).then(() => {
          setState({ status: 'sent', title });
          setCode('');
          setNote('');
          setPhoto(null);
        });
      },
      () => setState({ status: 'failed' }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  }

  return (
    <section aria-labelledby="patrol-heading" className="panel patrol">
      <h2 id="patrol-heading">{t('grid.patrol.title')}</h2>
      <fieldset className="chips">
        <legend>{t('grid.patrol.category')}</legend>
        {categories.map((c) => (
          <button
            key={c.id}
            type="button"
            className="chip"
            aria-pressed={c.code === code}
            onClick={() => setCode(c.code === code ? '' : c.code)}
          >
            {localizedName(c.name, i18n.language)}
          </button>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="patrol-note">{t('grid.patrol.note')}</label>
        <textarea
          id="patrol-note"
          rows={2}
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </div>
      <PhotoPicker id="patrol-photo" photo={photo} onChange={setPhoto} />
      <button
        type="button"
        disabled={!chosen || state.status === 'locating'}
        onClick={report}
        data-testid="patrol-report"
      >
        {t('grid.patrol.reportHere')}
      </button>
      <p role="status" aria-live="polite" data-testid="patrol-status">
        {state.status === 'locating'
          ? t('cases.location.locating')
          : state.status === 'failed'
            ? t('cases.location.locateFailed')
            : state.status === 'sent'
              ? t('grid.patrol.queued', { title: state.title })
              : ''}
      </p>
    </section>
  );
}
