import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AccountPage } from '../features/identity/account-page';
import { HomePage } from './home-page';
import { NotFoundPage } from './not-found-page';
import { AuditLogPage } from '../features/audit/audit-page';
import { ImportPage } from '../features/registry/import-page';
import { ResidentDetailPage } from '../features/registry/resident-detail-page';
import { ResidentsPage } from '../features/registry/residents-page';
import { UsersPage } from '../features/identity/users-page';
import { DeviceDetailPage } from '../features/devices/device-detail-page';
import { DeviceImportPage } from '../features/devices/device-import-page';
import { DevicesPage } from '../features/devices/devices-page';
import { ProfileDetailPage, ProfileNewPage } from '../features/devices/profile-detail-page';
import { ProfilesPage } from '../features/devices/profiles-page';
import { RequirePermission } from './require-permission';

// Leaflet is the largest dependency; only users who open the map download it.
const OrgTreePage = lazy(() => import('../features/orgs/org-tree-page'));
const OrgImportPage = lazy(() => import('../features/orgs/org-import-page'));
// The device map carries Leaflet too.
const DeviceMapPage = lazy(() => import('../features/devices/device-map-page'));
// The case center and the grid worker app also carry Leaflet, so they load on demand too.
const CaseReportPage = lazy(() => import('../features/cases/report-page'));
const MyCasesPage = lazy(() => import('../features/cases/my-cases-page'));
const CaseInboxPage = lazy(() => import('../features/cases/inbox-page'));
const CaseDetailPage = lazy(() => import('../features/cases/case-detail-page'));
const HotlinePage = lazy(() => import('../features/cases/hotline-page'));
const RoutingRulesPage = lazy(() => import('../features/cases/routing-rules-page'));
const CategoriesPage = lazy(() => import('../features/cases/categories-page'));
const NotificationsPage = lazy(() => import('../features/notifications/notifications-page'));
const GridPage = lazy(() => import('../features/cases/grid-page'));
const MetricsPage = lazy(() => import('../features/metrics/metrics-page'));

function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<HomePage />} />
      <Route path="/login" element={<Navigate to="/" replace />} />
      <Route
        path="/orgs"
        element={
          <RequirePermission permission="org.read">
            <Suspense fallback={<Loading />}>
              <OrgTreePage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/orgs/import"
        element={
          <RequirePermission permission="org.write">
            <Suspense fallback={<Loading />}>
              <OrgImportPage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/residents"
        element={
          <RequirePermission permission="resident.read">
            <ResidentsPage />
          </RequirePermission>
        }
      />
      <Route
        path="/residents/import"
        element={
          <RequirePermission permission="resident.import">
            <ImportPage />
          </RequirePermission>
        }
      />
      <Route
        path="/residents/:id"
        element={
          <RequirePermission permission="resident.read">
            <ResidentDetailPage />
          </RequirePermission>
        }
      />
      <Route
        path="/devices"
        element={
          <RequirePermission permission="device.read">
            <DevicesPage />
          </RequirePermission>
        }
      />
      <Route
        path="/devices/map"
        element={
          <RequirePermission permission="device.read">
            <Suspense fallback={<Loading />}>
              <DeviceMapPage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/devices/import"
        element={
          <RequirePermission permission="device.write">
            <DeviceImportPage />
          </RequirePermission>
        }
      />
      <Route
        path="/devices/profiles"
        element={
          <RequirePermission permission="device.read">
            <ProfilesPage />
          </RequirePermission>
        }
      />
      <Route
        path="/devices/profiles/new"
        element={
          <RequirePermission permission="device.write">
            <ProfileNewPage />
          </RequirePermission>
        }
      />
      <Route
        path="/devices/profiles/:id"
        element={
          <RequirePermission permission="device.read">
            <ProfileDetailPage />
          </RequirePermission>
        }
      />
      <Route
        path="/devices/:id"
        element={
          <RequirePermission permission="device.read">
            <DeviceDetailPage />
          </RequirePermission>
        }
      />
      <Route
        path="/audit"
        element={
          <RequirePermission permission="audit.read">
            <AuditLogPage />
          </RequirePermission>
        }
      />
      <Route
        path="/users"
        element={
          <RequirePermission permission="user.read">
            <UsersPage />
          </RequirePermission>
        }
      />
      <Route
        path="/cases/report"
        element={
          <RequirePermission permission="case.report">
            <Suspense fallback={<Loading />}>
              <CaseReportPage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/cases/mine"
        element={
          <RequirePermission permission="case.report">
            <Suspense fallback={<Loading />}>
              <MyCasesPage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/cases"
        element={
          <RequirePermission permission="case.read">
            <Suspense fallback={<Loading />}>
              <CaseInboxPage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/cases/hotline"
        element={
          <RequirePermission permission="case.handle">
            <Suspense fallback={<Loading />}>
              <HotlinePage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/cases/rules"
        element={
          <RequirePermission permission="case.configure">
            <Suspense fallback={<Loading />}>
              <RoutingRulesPage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/cases/categories"
        element={
          <RequirePermission permission="case.configure">
            <Suspense fallback={<Loading />}>
              <CategoriesPage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/grid"
        element={
          <RequirePermission permission="case.handle">
            <Suspense fallback={<Loading />}>
              <GridPage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/metrics"
        element={
          <RequirePermission permission="metrics.read">
            <Suspense fallback={<Loading />}>
              <MetricsPage />
            </Suspense>
          </RequirePermission>
        }
      />
      <Route
        path="/cases/:id"
        element={
          <Suspense fallback={<Loading />}>
            <CaseDetailPage />
          </Suspense>
        }
      />
      <Route
        path="/notifications"
        element={
          <Suspense fallback={<Loading />}>
            <NotificationsPage />
          </Suspense>
        }
      />
      <Route path="/account" element={<AccountPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
