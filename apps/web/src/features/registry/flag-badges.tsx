import { useTranslation } from 'react-i18next';
import type { ResidentFlags } from '@civitas/contracts/registry';

export const flagNames = [
  'elderlyLivingAlone',
  'disability',
  'child',
  'needsAssistance',
] as const satisfies readonly (keyof ResidentFlags)[];
export type FlagName = (typeof flagNames)[number];

export function FlagBadges({ flags }: { flags: ResidentFlags }) {
  const { t } = useTranslation();
  const set = flagNames.filter((f) => flags[f]);
  if (set.length === 0) return <span className="muted">{t('residents.noFlags')}</span>;
  return (
    <ul className="badges">
      {set.map((f) => (
        <li key={f} className={`badge badge-${f}`}>
          {t(`flags.${f}`)}
        </li>
      ))}
    </ul>
  );
}
