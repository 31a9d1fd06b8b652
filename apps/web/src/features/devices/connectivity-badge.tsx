import { useTranslation } from 'react-i18next';
import type { Device } from '@civitas/contracts/devices';

/** Online/offline in words as well as colour, so the state never depends on colour alone. */
export function ConnectivityBadge({ connectivity }: { connectivity: Device['connectivity'] }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-conn-${connectivity}`} data-connectivity={connectivity}>
      {t(`devices.connectivity.${connectivity}`)}
    </span>
  );
}
