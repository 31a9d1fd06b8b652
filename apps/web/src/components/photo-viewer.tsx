import { useTranslation } from 'react-i18next';
import { ModalDialog } from './modal-dialog';

export interface ViewerPhoto {
  id: string;
  url: string;
  alt: string;
  caption: string;
}

/**
 * One photo at a time in a modal dialog, scaled to the screen: the dialog traps focus and closes
 * on Escape (ModalDialog); the arrow keys and the buttons step through the photos. `index` null
 * is closed.
 */
export function PhotoViewer({
  photos,
  index,
  onIndex,
}: {
  photos: ViewerPhoto[];
  index: number | null;
  onIndex: (index: number | null) => void;
}) {
  const { t } = useTranslation();
  const photo = index === null ? undefined : photos[index];
  const count = photos.length;
  const step = (by: number) => index !== null && onIndex((index + by + count) % count);
  return (
    <ModalDialog
      open={photo !== undefined}
      title={photo ? t('photos.title', { n: (index ?? 0) + 1, count }) : ''}
      onClose={() => onIndex(null)}
    >
      {photo && (
        <div
          className="photo-viewer"
          data-testid="photo-viewer"
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight') step(1);
            else if (e.key === 'ArrowLeft') step(-1);
            else return;
            e.preventDefault();
          }}
        >
          <figure>
            <img src={photo.url} alt={photo.alt} />
            <figcaption>{photo.caption}</figcaption>
          </figure>
          <div className="button-row">
            {count > 1 && (
              <>
                <button type="button" className="secondary" onClick={() => step(-1)}>
                  {t('photos.previous')}
                </button>
                <button type="button" className="secondary" onClick={() => step(1)}>
                  {t('photos.next')}
                </button>
              </>
            )}
            <a href={photo.url} target="_blank" rel="noreferrer">
              {t('photos.original')}
            </a>
            <button type="button" onClick={() => onIndex(null)}>
              {t('photos.close')}
            </button>
          </div>
        </div>
      )}
    </ModalDialog>
  );
}
