import { openCaseStates, type CaseState } from '@civitas/contracts/cases';
import type { HomeOverview } from '@civitas/contracts/home';
import { useTranslation } from 'react-i18next';
import { useUnits } from '../../app/unit-context';
import { FigureList } from './figure-list';
import { deadlineFigures, inboxLink } from './use-home';

/** The inbox and the people and devices of a community that need someone today. */
export function CommunitySections({ home }: { home: HomeOverview }) {
  const { t } = useTranslation();
  const { selectedUnitId: unitId } = useUnits();
  const c = home.cases;
  return (
    <>
      {c && (
        <section aria-labelledby="home-inbox">
          <h2 id="home-inbox">{t('home.inbox')}</h2>
          <FigureList
            label={t('home.inbox')}
            figures={[
              ...deadlineFigures(c, unitId, t),
              {
                name: 'pendingInfo',
                label: t('home.fig.pendingInfo'),
                value: c.pendingInfo,
                to: inboxLink({ state: 'pending_info' }, unitId),
              },
              {
                name: 'awaitingConfirmation',
                label: t('home.fig.awaitingConfirmation'),
                value: c.awaitingConfirmation,
                to: inboxLink({ state: 'resolved' }, unitId),
              },
            ]}
          />
          <h3>{t('home.byState')}</h3>
          <FigureList
            label={t('home.byState')}
            figures={openCaseStates.map((s: CaseState) => ({
              name: `state-${s}`,
              label: t(`cases.state.${s}`),
              value: c.byState[s],
              to: inboxLink({ state: s }, unitId),
            }))}
          />
        </section>
      )}
      <PeopleAndDevices home={home} />
    </>
  );
}

/** Residents needing attention (counts only) and device health. */
export function PeopleAndDevices({ home }: { home: HomeOverview }) {
  const { t } = useTranslation();
  const r = home.residents;
  const d = home.devices;
  return (
    <>
      {r && (
        <section aria-labelledby="home-residents">
          <h2 id="home-residents">{t('home.residents')}</h2>
          <FigureList
            label={t('home.residents')}
            figures={[
              {
                name: 'elderlyLivingAlone',
                label: t('home.fig.elderlyLivingAlone'),
                value: r.elderlyLivingAlone,
                to: '/residents',
              },
              {
                name: 'needsAssistance',
                label: t('home.fig.needsAssistance'),
                value: r.needsAssistance,
                to: '/residents',
              },
              { name: 'disability', label: t('home.fig.disability'), value: r.disability, to: '/residents' },
              {
                name: 'residentsTotal',
                label: t('home.fig.residentsTotal'),
                value: r.total,
                to: '/residents',
              },
            ]}
          />
        </section>
      )}
      {d && (
        <section aria-labelledby="home-devices">
          <h2 id="home-devices">{t('home.devices')}</h2>
          <FigureList
            label={t('home.devices')}
            figures={[
              {
                name: 'devicesInactive',
                label: t('home.fig.devicesInactive'),
                value: d.inactive,
                alert: true,
                to: '/devices',
              },
              { name: 'devicesNever', label: t('home.fig.devicesNever'), value: d.never, to: '/devices' },
              { name: 'devicesActive', label: t('home.fig.devicesActive'), value: d.active, to: '/devices' },
              { name: 'devicesMaintenance', label: t('home.fig.devicesMaintenance'), value: d.maintenance },
            ]}
          />
        </section>
      )}
    </>
  );
}
