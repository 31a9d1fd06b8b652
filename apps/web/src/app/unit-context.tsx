import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { endpoints } from '@civitas/contracts/endpoints';
import { call } from './api-client';
import { useAuth } from './auth-context';
import { scopeUnits } from './unit-scope';

interface UnitContextValue {
  /** Units the user may work in, parents before children. */
  units: OrgUnit[];
  unitsById: Map<string, OrgUnit>;
  /** Every unit the server let this user read, in scope or not (parents of the scope's roots: names for labels). */
  allUnitsById: Map<string, OrgUnit>;
  loading: boolean;
  selectedUnitId: string | null;
  selectUnit: (id: string) => void;
  /** Reads the tree again (after an edit, move, merge, retire or import). */
  reloadUnits: () => void;
}

const UnitContext = createContext<UnitContextValue | null>(null);
const PAGE = 500;
const MAX_UNITS = 10_000;

async function loadAllUnits(signal: AbortSignal): Promise<OrgUnit[]> {
  const all: OrgUnit[] = [];
  for (let offset = 0; offset < MAX_UNITS; offset += PAGE) {
    const page = await call(endpoints.orgs.list, { query: { limit: PAGE, offset }, signal });
    all.push(...page.items);
    if (page.items.length < PAGE || all.length >= page.total) break;
  }
  return all;
}

export function UnitProvider({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const me = state.status === 'signed-in' ? state.me : null;
  const canRead = me?.permissions.includes('org.read') ?? false;
  const sessionKey = me && canRead ? me.id : null;
  const [loaded, setLoaded] = useState<{ key: string; units: OrgUnit[]; all: OrgUnit[] }>({
    key: '',
    units: [],
    all: [],
  });
  const [chosen, setChosen] = useState<{ key: string; id: string } | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!sessionKey || !me) return;
    const controller = new AbortController();
    const grantIds = me.grants.map((g) => g.orgUnitId);
    loadAllUnits(controller.signal).then(
      (all) => setLoaded({ key: sessionKey, units: scopeUnits(all, grantIds), all }),
      () => {
        if (!controller.signal.aborted) setLoaded({ key: sessionKey, units: [], all: [] });
      },
    );
    return () => controller.abort();
  }, [sessionKey, me, generation]);

  const value = useMemo<UnitContextValue>(() => {
    const units = loaded.key === sessionKey ? loaded.units : [];
    const unitsById = new Map(units.map((u) => [u.id, u]));
    const allUnitsById = new Map((loaded.key === sessionKey ? loaded.all : []).map((u) => [u.id, u]));
    const chosenId = chosen && chosen.key === sessionKey && unitsById.has(chosen.id) ? chosen.id : null;
    return {
      units,
      unitsById,
      allUnitsById,
      loading: sessionKey !== null && loaded.key !== sessionKey,
      selectedUnitId: chosenId ?? units[0]?.id ?? null,
      selectUnit: (id: string) => setChosen(sessionKey ? { key: sessionKey, id } : null),
      reloadUnits: () => setGeneration((g) => g + 1),
    };
  }, [loaded, chosen, sessionKey]);

  return <UnitContext.Provider value={value}>{children}</UnitContext.Provider>;
}

export function useUnits(): UnitContextValue {
  const value = useContext(UnitContext);
  if (!value) throw new Error('useUnits outside UnitProvider');
  return value;
}
