import { NavLink } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { exactNavPaths, type NavItem } from './nav-items';

/** Places as a list of links, the current one marked (NavLink sets aria-current="page"). */
export function NavList({ items }: { items: readonly NavItem[] }) {
  const { t } = useTranslation();
  return (
    <ul>
      {items.map((item) => (
        <li key={item.to}>
          <NavLink to={item.to} end={exactNavPaths.has(item.to)}>
            {t(item.labelKey)}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}
