import type { DeviceProfile } from '@civitas/contracts/devices';
import { localizedName } from '../../app/localized';

/**
 * A metric by its name in the reader's language, as its profile names it; the key only when the
 * profile does not know the metric (a reading from before the profile changed).
 */
export function metricLabel(
  profile: Pick<DeviceProfile, 'metrics'> | undefined | null,
  key: string,
  lang: string,
) {
  const name = profile?.metrics.find((m) => m.key === key)?.name;
  return name ? localizedName(name, lang) : key;
}
