import type { OrgUnit } from '@civitas/contracts/orgs';

export interface VisibleNode {
  unit: OrgUnit;
  level: number;
  parentId: string | null;
  hasChildren: boolean;
}

/** The treeitems a user can reach with the arrow keys: expanded branches only, in reading order. */
export function visibleNodes(
  children: Map<string | null, OrgUnit[]>,
  isExpanded: (id: string) => boolean,
): VisibleNode[] {
  const out: VisibleNode[] = [];
  const walk = (parentId: string | null, level: number) => {
    for (const unit of children.get(parentId) ?? []) {
      const hasChildren = (children.get(unit.id)?.length ?? 0) > 0;
      out.push({ unit, level, parentId, hasChildren });
      if (hasChildren && isExpanded(unit.id)) walk(unit.id, level + 1);
    }
  };
  walk(null, 1);
  return out;
}

export type TreeAction =
  | { kind: 'focus'; id: string }
  | { kind: 'expand'; id: string }
  | { kind: 'collapse'; id: string }
  | { kind: 'select'; id: string }
  | null;

/** Key handling of the WAI-ARIA APG tree view pattern (single-select). */
export function treeKeyAction(
  key: string,
  nodes: VisibleNode[],
  currentId: string,
  isExpanded: (id: string) => boolean,
): TreeAction {
  const index = nodes.findIndex((n) => n.unit.id === currentId);
  const node = nodes[index];
  if (!node) return null;
  switch (key) {
    case 'ArrowDown': {
      const next = nodes[index + 1];
      return next ? { kind: 'focus', id: next.unit.id } : null;
    }
    case 'ArrowUp': {
      const prev = nodes[index - 1];
      return prev ? { kind: 'focus', id: prev.unit.id } : null;
    }
    case 'ArrowRight': {
      if (!node.hasChildren) return null;
      if (!isExpanded(currentId)) return { kind: 'expand', id: currentId };
      const child = nodes[index + 1];
      return child ? { kind: 'focus', id: child.unit.id } : null;
    }
    case 'ArrowLeft':
      if (node.hasChildren && isExpanded(currentId)) return { kind: 'collapse', id: currentId };
      return node.parentId ? { kind: 'focus', id: node.parentId } : null;
    case 'Home':
      return nodes[0] ? { kind: 'focus', id: nodes[0].unit.id } : null;
    case 'End': {
      const last = nodes[nodes.length - 1];
      return last ? { kind: 'focus', id: last.unit.id } : null;
    }
    case 'Enter':
    case ' ':
      return { kind: 'select', id: currentId };
    default:
      return null;
  }
}
