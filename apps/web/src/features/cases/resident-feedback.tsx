import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message';
import { actOnCase, conflictCurrent, type AnyCase, type ResidentCase } from './case-api';

interface Props {
  current: ResidentCase;
  onChanged: (c: AnyCase, message: string) => void;
}

/** The reporter's say on a resolution: confirm and rate it, or dispute it (which reopens the case). */
export function ResidentFeedback({ current, onChanged }: Props) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<'confirm' | 'dispute'>('confirm');
  const [rating, setRating] = useState(0);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next =
        choice === 'confirm'
          ? await actOnCase(current.id, {
              action: 'confirm',
              version: current.version,
              satisfaction: rating,
              ...(text.trim() ? { comment: text.trim() } : {}),
            })
          : await actOnCase(current.id, {
              action: 'dispute',
              version: current.version,
              reason: text.trim(),
              ...(rating ? { satisfaction: rating } : {}),
            });
      onChanged(next, t(choice === 'confirm' ? 'cases.feedback.confirmed' : 'cases.feedback.disputed'));
    } catch (e) {
      const now = conflictCurrent(e);
      if (now) onChanged(now, t('cases.conflict.reloaded'));
      else setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="form-stack panel"
      onSubmit={(e) => void submit(e)}
      data-testid="resident-feedback"
      aria-labelledby="feedback-heading"
    >
      <h2 id="feedback-heading">{t('cases.feedback.title')}</h2>
      <p>{t('cases.feedback.intro')}</p>
      <fieldset>
        <legend>{t('cases.feedback.choice')}</legend>
        <div className="field-check">
          <input
            id="feedback-confirm"
            type="radio"
            name="feedback"
            checked={choice === 'confirm'}
            onChange={() => setChoice('confirm')}
          />
          <label htmlFor="feedback-confirm">{t('cases.feedback.confirm')}</label>
        </div>
        <div className="field-check">
          <input
            id="feedback-dispute"
            type="radio"
            name="feedback"
            checked={choice === 'dispute'}
            onChange={() => setChoice('dispute')}
          />
          <label htmlFor="feedback-dispute">{t('cases.feedback.dispute')}</label>
        </div>
      </fieldset>
      <fieldset className="rating">
        <legend>{t('cases.feedback.rating')}</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <span key={n} className="field-check">
            <input
              id={`rating-${n}`}
              type="radio"
              name="rating"
              value={n}
              required={choice === 'confirm'}
              checked={rating === n}
              onChange={() => setRating(n)}
            />
            <label htmlFor={`rating-${n}`}>{t('cases.feedback.stars', { count: n })}</label>
          </span>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="feedback-text">
          {choice === 'confirm' ? t('cases.feedback.comment') : t('cases.feedback.reason')}
        </label>
        <textarea
          id="feedback-text"
          rows={3}
          maxLength={2000}
          required={choice === 'dispute'}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <ErrorMessage error={error} />
      <button
        type="submit"
        disabled={busy || (choice === 'confirm' && rating === 0)}
        data-testid="feedback-submit"
      >
        {choice === 'confirm' ? t('cases.feedback.sendConfirm') : t('cases.feedback.sendDispute')}
      </button>
    </form>
  );
}
