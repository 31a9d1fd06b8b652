import { endpoints } from '@civitas/contracts/endpoints';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';

/** The files of a case: images as thumbnails that open full size, documents as links. */
export function CasePhotos({ caseId, version }: { caseId: string; version: number }) {
  const { t, i18n } = useTranslation();
  // A new version reloads the list after an action (a resolution may have added a photo).
  const res = useEndpoint(endpoints.cases.attachments, { params: { id: caseId } }, version);
  const items = res.data?.items ?? [];
  if (res.error) return <ErrorMessage error={res.error} />;
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="photos-heading" className="panel" data-testid="case-photos">
      <h2 id="photos-heading">{t('cases.photo.title')}</h2>
      <ul className="thumbs">
        {items.map((a) => {
          const caption = `${t(`cases.photo.purpose.${a.purpose}`)} · ${formatDateTime(a.createdAt, i18n.language)}`;
          return (
            <li key={a.id} data-attachment-id={a.id} data-purpose={a.purpose}>
              <a href={a.url} target="_blank" rel="noreferrer">
                {a.mime.startsWith('image/') ? (
                  <img src={a.url} alt={t('cases.photo.alt', { caption })} loading="lazy" />
                ) : (
                  a.fileName
                )}
              </a>
              <span className="hint">{caption}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
