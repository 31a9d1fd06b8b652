import { useId } from 'react';
import { useTranslation } from 'react-i18next';

interface PhotoPickerProps {
  id: string;
  photo: File | null;
  onChange: (photo: File | null) => void;
  required?: boolean;
}

/** One photo, from the phone's rear camera where there is one (capture), or from the files. */
export function PhotoPicker({ id, photo, onChange, required = false }: PhotoPickerProps) {
  const { t } = useTranslation();
  const hintId = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{required ? t('cases.photo.labelRequired') : t('cases.photo.label')}</label>
      <input
        id={id}
        type="file"
        accept="image/*"
        capture="environment"
        required={required}
        aria-describedby={hintId}
        onChange={(e) => onChange(e.target.files?.[0] ?? null)}
      />
      <span className="hint" id={hintId}>
        {photo ? t('cases.photo.chosen', { name: photo.name }) : t('cases.photo.hint')}
      </span>
    </div>
  );
}
