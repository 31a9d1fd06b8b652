import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportEncoding } from '@civitas/contracts/imports';

/** The first lines of the file as each encoding would read them: the user picks the one that reads right. */
function useSamples(file: File, candidates: ImportEncoding[]) {
  const [samples, setSamples] = useState<Partial<Record<ImportEncoding, string>>>({});
  useEffect(() => {
    let live = true;
    void file
      .slice(0, 600)
      .arrayBuffer()
      .then((bytes) => {
        if (!live) return;
        setSamples(
          Object.fromEntries(
            candidates.map((c) => [
              c,
              new TextDecoder(c).decode(bytes).split(/\r?\n/).slice(0, 2).join(' ⏎ ').slice(0, 120),
            ]),
          ),
        );
      });
    return () => {
      live = false;
    };
  }, [file, candidates]);
  return samples;
}

/**
 * Asked when the server cannot tell the file's encoding for sure (ADR 0049): each choice shows how
 * the file's first lines would read, so the user needs to know nothing about encodings.
 */
export function ImportEncodingChoice({
  file,
  candidates,
  chosen,
  onChoose,
}: {
  file: File;
  candidates: ImportEncoding[];
  chosen: ImportEncoding | undefined;
  onChoose: (encoding: ImportEncoding) => void;
}) {
  const { t } = useTranslation();
  const samples = useSamples(file, candidates);
  return (
    <fieldset className="encoding-choice" data-testid="import-encoding-choice">
      <legend>{t('import.encodingChoice.legend')}</legend>
      <p>{t('import.encodingChoice.help')}</p>
      {candidates.map((c) => (
        <div key={c} className="encoding-option">
          <input
            type="radio"
            name="import-encoding"
            id={`encoding-${c}`}
            value={c}
            checked={chosen === c}
            onChange={() => onChoose(c)}
          />
          <label htmlFor={`encoding-${c}`}>
            {t(`import.encodings.${c}`)}: <span className="encoding-sample">{samples[c] ?? '…'}</span>
          </label>
        </div>
      ))}
    </fieldset>
  );
}
