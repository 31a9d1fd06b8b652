import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { localizedName } from '../../app/localized';
import { childrenIndex } from '../../app/unit-scope';
import { treeKeyAction, visibleNodes } from './tree-navigation';

interface OrgTreeProps {
  units: OrgUnit[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

export function OrgTree({ units, selectedId, onSelect }: OrgTreeProps) {
  const { t, i18n } = useTranslation();
  const children = useMemo(() => childrenIndex(units), [units]);
  const byId = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);
  // Roots start open; `toggled` records the user's changes from that default.
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const treeRef = useRef<HTMLUListElement>(null);
  const moveFocus = useRef(false);

  const roots = useMemo(() => new Set((children.get(null) ?? []).map((u) => u.id)), [children]);
  const isExpanded = (id: string) => roots.has(id) !== toggled.has(id);
  const nodes = visibleNodes(children, isExpanded);
  const current =
    nodes.find((n) => n.unit.id === focusedId) ?? nodes.find((n) => n.unit.id === selectedId) ?? nodes[0];

  useEffect(() => {
    if (!moveFocus.current || !current) return;
    moveFocus.current = false;
    treeRef.current?.querySelector<HTMLElement>(`[data-unit-id="${current.unit.id}"]`)?.focus();
  });

  const setExpanded = (id: string, open: boolean) => {
    if (isExpanded(id) === open) return;
    const next = new Set(toggled);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setToggled(next);
  };

  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    if (!current) return;
    const action = treeKeyAction(event.key, nodes, current.unit.id, isExpanded);
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    if (action.kind === 'focus') {
      moveFocus.current = true;
      setFocusedId(action.id);
    } else if (action.kind === 'expand') setExpanded(action.id, true);
    else if (action.kind === 'collapse') setExpanded(action.id, false);
    else onSelect(action.id);
  }

  const renderLevel = (parentId: string | null, level: number) => {
    const list = children.get(parentId) ?? [];
    return list.map((unit, i) => {
      const hasChildren = (children.get(unit.id)?.length ?? 0) > 0;
      const open = hasChildren && isExpanded(unit.id);
      const labelId = `tree-label-${unit.id}`;
      return (
        <li
          key={unit.id}
          role="treeitem"
          data-unit-id={unit.id}
          aria-level={level}
          aria-setsize={list.length}
          aria-posinset={i + 1}
          aria-selected={unit.id === selectedId}
          aria-expanded={hasChildren ? open : undefined}
          tabIndex={unit.id === current?.unit.id ? 0 : -1}
          onFocus={(e) => {
            if (e.target === e.currentTarget) setFocusedId(unit.id);
          }}
        >
          <span
            className="tree-label"
            id={labelId}
            onClick={(e) => {
              e.stopPropagation();
              setFocusedId(unit.id);
              if (hasChildren && unit.id === selectedId) setExpanded(unit.id, !open);
              onSelect(unit.id);
            }}
          >
            <span className="tree-toggle" aria-hidden="true">
              {hasChildren ? (open ? '▾' : '▸') : '·'}
            </span>
            {localizedName(unit.name, i18n.language)}
            <span className="tree-type"> ({t(`unitTypes.${unit.type}`)})</span>
          </span>
          {open && <ul role="group">{renderLevel(unit.id, level + 1)}</ul>}
        </li>
      );
    });
  };

  return (
    <ul role="tree" aria-label={t('orgs.treeLabel')} className="tree" ref={treeRef} onKeyDown={onKeyDown}>
      {byId.size > 0 && renderLevel(null, 1)}
    </ul>
  );
}
