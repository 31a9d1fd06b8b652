import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface PhotoPickerProps {
  id: string;
  photo: File | null;
  onChange: (photo: File | null) => void;
  required?: boolean;
}

/**
 * The types the server keeps (JPEG, PNG, WebP). Naming them, instead of `image/*`, makes iOS hand
 * over a JPEG for a HEIC photo from the library: the server refuses HEIC (docs/cases.md).
 */
const PHOTO_TYPES = 'image/jpeg,image/png,image/webp';

/**
 * A HEIC that still gets through (a desktop browser, "all files" picked) is caught here, before a
 * grid worker queues it offline and only learns of the refusal back in coverage.
 */
const isHeic = (file: File) => /^image\/hei[cf]/.test(file.type) || /\.hei[cf]$/i.test(file.name);

/** One photo, from the phone's rear camera where there is one (capture), or from the files. */
export function PhotoPicker({ id, photo, onChange, required = false }: PhotoPickerProps) {
  const { t } = useTranslation();
  const hintId = useId();
  const [heic, setHeic] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{required ? t('cases.photo.labelRequired') : t('cases.photo.label')}</label>
      <input
        id={id}
        type="file"
        accept={PHOTO_TYPES}
        capture="environment"
        required={required}
        aria-describedby={hintId}
        onChange={(e) => {
          const file = e.target.files?.[0] ?? null;
          const refused = file !== null && isHeic(file);
          setHeic(refused);
          if (refused) e.target.value = '';
          onChange(refused ? null : file);
        }}
      />
      {heic && (
        <span className="error" role="alert" data-testid="photo-heic">
          {t('cases.photo.heic')}
        </span>
      )}
      <span className="hint" id={hintId}>
        {photo ? t('cases.photo.chosen', { name: photo.name }) : t('cases.photo.hint')}
      </span>
    </div>
  );
}
