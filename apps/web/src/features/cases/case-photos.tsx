import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { PhotoViewer, type ViewerPhoto } from '../../components/photo-viewer';

/**
 * The files of a case: images as thumbnails of a fixed size that open in a viewer (next,
 * previous, Escape), documents as links. A photo never sets the page's width.
 */
export function CasePhotos({ caseId, version }: { caseId: string; version: number }) {
  const { t, i18n } = useTranslation();
  // A new version reloads the list after an action (a resolution may have added a photo).
  const res = useEndpoint(endpoints.cases.attachments, { params: { id: caseId } }, version);
  const [open, setOpen] = useState<number | null>(null);
  const items = res.data?.items ?? [];
  if (res.error) return <ErrorMessage error={res.error} />;
  if (items.length === 0) return null;
  const described = items.map((a) => {
    const caption = `${t(`cases.photo.purpose.${a.purpose}`)} · ${formatDateTime(a.createdAt, i18n.language)}`;
    return { ...a, caption, alt: t('cases.photo.alt', { caption }) };
  });
  const photos: ViewerPhoto[] = described
    .filter((a) => a.mime.startsWith('image/'))
    .map((a) => ({ id: a.id, url: a.url, alt: a.alt, caption: a.caption }));
  return (
    <section aria-labelledby="photos-heading" className="panel" data-testid="case-photos">
      <h2 id="photos-heading">{t('cases.photo.title')}</h2>
      <ul className="thumbs">
        {described.map((a) => {
          const index = photos.findIndex((p) => p.id === a.id);
          return (
            <li key={a.id} data-attachment-id={a.id} data-purpose={a.purpose}>
              {index >= 0 ? (
                <button
                  type="button"
                  className="thumb"
                  onClick={() => setOpen(index)}
                  aria-label={t('photos.open', { caption: a.caption })}
                >
                  <img src={a.url} alt={a.alt} loading="lazy" />
                </button>
              ) : (
                <a href={a.url} target="_blank" rel="noreferrer" className="break">
                  {a.fileName}
                </a>
              )}
              <span className="hint">{a.caption}</span>
            </li>
          );
        })}
      </ul>
      <PhotoViewer photos={photos} index={open} onIndex={setOpen} />
    </section>
  );
}
