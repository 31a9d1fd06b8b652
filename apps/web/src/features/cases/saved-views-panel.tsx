import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/auth-context';
import { useSavedViews } from './saved-views';

/** Save the current filter under a name, apply a saved one, or delete it; all plain buttons. */
export function SavedViewsPanel({ query, onApply }: { query: string; onApply: (query: string) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const { views, save, remove } = useSavedViews(me.id);
  const [name, setName] = useState('');
  const [message, setMessage] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    save(trimmed, query);
    setName('');
    setMessage(t('cases.views.saved', { name: trimmed }));
  }

  return (
    <section aria-labelledby="views-heading" className="panel saved-views">
      <h2 id="views-heading">{t('cases.views.title')}</h2>
      {views.length === 0 ? (
        <p className="muted">{t('cases.views.none')}</p>
      ) : (
        <ul className="view-list" data-testid="saved-views">
          {views.map((v) => (
            <li key={v.name}>
              <button
                type="button"
                className="secondary"
                aria-pressed={v.query === query}
                onClick={() => {
                  onApply(v.query);
                  setMessage(t('cases.views.applied', { name: v.name }));
                }}
              >
                {v.name}
              </button>
              <button
                type="button"
                className="small secondary"
                aria-label={t('cases.views.delete', { name: v.name })}
                onClick={() => {
                  remove(v.name);
                  setMessage(t('cases.views.deleted', { name: v.name }));
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="form-row" onSubmit={submit}>
        <div className="field">
          <label htmlFor="view-name">{t('cases.views.name')}</label>
          <input id="view-name" maxLength={60} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" disabled={!name.trim()}>
          {t('cases.views.save')}
        </button>
      </form>
      <p role="status" aria-live="polite" className="status">
        {message}
      </p>
    </section>
  );
}
