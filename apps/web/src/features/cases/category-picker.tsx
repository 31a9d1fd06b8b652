import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseCategory } from '@civitas/contracts/cases';
import { localizedName } from '../../app/localized';

interface CategoryPickerProps {
  id: string;
  categories: CaseCategory[];
  value: string;
  onChange: (code: string) => void;
  autoFocus?: boolean;
  required?: boolean;
}

function label(c: CaseCategory, byId: Map<string, CaseCategory>, lang: string): string {
  const parent = c.parentId ? byId.get(c.parentId) : undefined;
  const own = localizedName(c.name, lang);
  return parent ? `${localizedName(parent.name, lang)} / ${own}` : own;
}

/**
 * Type to search: the field suggests categories (a native datalist) and takes the first one whose
 * name or code contains what was typed, so a hotline operator can type "pothole" and move on.
 */
export function CategoryPicker({
  id,
  categories,
  value,
  onChange,
  autoFocus,
  required,
}: CategoryPickerProps) {
  const { t, i18n } = useTranslation();
  const listId = useId();
  const hintId = useId();
  const byId = useMemo(() => new Map(categories.map((c) => [c.id, c])), [categories]);
  const options = useMemo(
    () => categories.map((c) => ({ code: c.code, text: label(c, byId, i18n.language) })),
    [categories, byId, i18n.language],
  );
  const selected = options.find((o) => o.code === value);
  const [typed, setTyped] = useState<string | null>(null);
  const text = typed ?? selected?.text ?? '';

  function match(input: string): string {
    const q = input.trim().toLowerCase();
    if (!q) return '';
    const exact = options.find((o) => o.text.toLowerCase() === q || o.code === q);
    // Leaf categories first: "pothole" should land on the pothole, not on its parent.
    const partial = [...options]
      .sort((a, b) => b.code.split('.').length - a.code.split('.').length)
      .find((o) => o.text.toLowerCase().includes(q) || o.code.includes(q));
    return (exact ?? partial)?.code ?? '';
  }

  function pick(input: string) {
    setTyped(input);
    onChange(match(input));
  }

  // Typing can start before the categories have loaded; resolve the text once they arrive.
  const pendingMatch = typed && !value ? match(typed) : '';
  useEffect(() => {
    if (pendingMatch) onChange(pendingMatch);
  }, [pendingMatch, onChange]);

  return (
    <>
      <input
        id={id}
        list={listId}
        value={text}
        autoComplete="off"
        autoFocus={autoFocus}
        required={required}
        aria-describedby={hintId}
        aria-invalid={text !== '' && !selected}
        onChange={(e) => pick(e.target.value)}
        // Leaving the field shows the chosen category's name. Text that matches nothing yet stays:
        // the categories may still be loading (a slow network), and it resolves when they arrive;
        // otherwise the field keeps what was typed, marked invalid, instead of silently emptying.
        onBlur={() => {
          if (selected) setTyped(null);
        }}
        data-testid="category-input"
      />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o.code} value={o.text} />
        ))}
      </datalist>
      <span id={hintId} className="hint" aria-live="polite" data-testid="category-chosen">
        {selected
          ? t('cases.category.chosen', { name: selected.text })
          : text
            ? t('cases.category.noMatch')
            : t('cases.category.help')}
      </span>
    </>
  );
}
