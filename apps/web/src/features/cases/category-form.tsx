import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { categoryInput, type CaseCategory, type CategoryInput } from '@civitas/contracts/cases';
import { departments } from '@civitas/contracts/roles';
import { localizedName } from '../../app/localized';
import { ErrorMessage } from '../../components/error-message';

interface Draft {
  code: string;
  parentId: string;
  nameZh: string;
  nameEn: string;
  department: string;
  responseHours: string;
  resolutionHours: string;
  requiresPhoto: boolean;
  duplicateRadiusM: string;
  active: boolean;
}

type Field = 'code' | 'nameZh' | 'nameEn' | 'responseHours' | 'resolutionHours' | 'duplicateRadiusM';

/** The form fields checked with the same zod schema the server uses (packages/contracts). */
const formSchema = categoryInput
  .pick({ code: true, responseHours: true, resolutionHours: true, duplicateRadiusM: true })
  .extend({ nameZh: z.string().trim().min(1).max(200), nameEn: z.string().trim().min(1).max(200) });

const wholeNumber = (text: string): number => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);

function toDraft(c: CaseCategory | null): Draft {
  return {
    code: c?.code ?? '',
    parentId: c?.parentId ?? '',
    nameZh: c?.name['zh-CN'] ?? '',
    nameEn: c?.name.en ?? '',
    department: c?.department ?? '',
    responseHours: String(c?.responseHours ?? 24),
    resolutionHours: String(c?.resolutionHours ?? 72),
    requiresPhoto: c?.requiresPhoto ?? false,
    duplicateRadiusM: String(c?.duplicateRadiusM ?? 100),
    active: c?.active ?? true,
  };
}

interface Props {
  initial: CaseCategory | null;
  /** Possible parents: top-level categories other than the one edited. */
  parents: CaseCategory[];
  onSave: (input: Omit<CategoryInput, 'attributes' | 'sort'>) => Promise<void>;
  onCancel: () => void;
}

/** Create or edit a category; the code is fixed once created because cases and Open311 refer to it. */
export function CategoryForm({ initial, parents, onSave, onCancel }: Props) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = formSchema.safeParse({
      code: draft.code,
      nameZh: draft.nameZh,
      nameEn: draft.nameEn,
      responseHours: wholeNumber(draft.responseHours),
      resolutionHours: wholeNumber(draft.resolutionHours),
      duplicateRadiusM: wholeNumber(draft.duplicateRadiusM),
    });
    if (!parsed.success) {
      const found: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as Field;
        found[field] ??= t(`cases.categoryForm.error.${field}`);
      }
      setErrors(found);
      const first = Object.keys(found)[0];
      if (first) document.getElementById(`category-${first}`)?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    setError(null);
    try {
      await onSave({
        code: parsed.data.code,
        parentId: draft.parentId || null,
        name: { 'zh-CN': parsed.data.nameZh, en: parsed.data.nameEn },
        department: (draft.department || null) as CategoryInput['department'],
        responseHours: parsed.data.responseHours,
        resolutionHours: parsed.data.resolutionHours,
        requiresPhoto: draft.requiresPhoto,
        duplicateRadiusM: parsed.data.duplicateRadiusM,
        active: draft.active,
      });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const text = (
    field: Field,
    label: string,
    props: { lang?: string; inputMode?: 'numeric' } = {},
  ): ReactNode => (
    <div className="field">
      <label htmlFor={`category-${field}`}>{label}</label>
      <input
        id={`category-${field}`}
        value={draft[field]}
        disabled={field === 'code' && initial !== null}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={errors[field] ? `category-${field}-error` : undefined}
        onChange={(e) => set({ [field]: e.target.value })}
        {...props}
      />
      {errors[field] && (
        <p className="error" id={`category-${field}-error`}>
          {errors[field]}
        </p>
      )}
    </div>
  );

  return (
    <form className="form-stack" noValidate onSubmit={(e) => void submit(e)} data-testid="category-form">
      {text('code', t('cases.categories.code'))}
      <div className="field">
        <label htmlFor="category-parent">{t('cases.categoryForm.parent')}</label>
        <select
          id="category-parent"
          value={draft.parentId}
          onChange={(e) => set({ parentId: e.target.value })}
        >
          <option value="">{t('cases.categoryForm.topLevel')}</option>
          {parents.map((p) => (
            <option key={p.id} value={p.id}>
              {localizedName(p.name, i18n.language)}
            </option>
          ))}
        </select>
      </div>
      {text('nameZh', t('cases.categoryForm.nameZh'), { lang: 'zh-CN' })}
      {text('nameEn', t('cases.categoryForm.nameEn'), { lang: 'en' })}
      <div className="field">
        <label htmlFor="category-department">{t('cases.categories.department')}</label>
        <select
          id="category-department"
          value={draft.department}
          onChange={(e) => set({ department: e.target.value })}
        >
          <option value="">{t('cases.categoryForm.noDepartment')}</option>
          {departments.map((d) => (
            <option key={d} value={d}>
              {t(`departments.${d}`)}
            </option>
          ))}
        </select>
      </div>
      {text('responseHours', t('cases.categoryForm.responseHours'), { inputMode: 'numeric' })}
      {text('resolutionHours', t('cases.categoryForm.resolutionHours'), { inputMode: 'numeric' })}
      {text('duplicateRadiusM', t('cases.categoryForm.radius'), { inputMode: 'numeric' })}
      <div className="field-check">
        <input
          id="category-photo"
          type="checkbox"
          checked={draft.requiresPhoto}
          onChange={(e) => set({ requiresPhoto: e.target.checked })}
        />
        <label htmlFor="category-photo">{t('cases.categories.photo')}</label>
      </div>
      <div className="field-check">
        <input
          id="category-active"
          type="checkbox"
          checked={draft.active}
          onChange={(e) => set({ active: e.target.checked })}
        />
        <label htmlFor="category-active">{t('cases.categories.active')}</label>
      </div>
      <ErrorMessage error={error} />
      <div className="button-row">
        <button type="submit" disabled={busy} data-testid="category-save">
          {t('cases.categoryForm.save')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
