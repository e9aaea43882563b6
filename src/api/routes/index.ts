import type { AnyRoute } from '../route.js';
import getAccounting from './accounting/getAccounting.js';
import changes from './changes/listChanges.js';
import listConnectors from './connectors/listConnectors.js';
import syncConnector from './connectors/syncConnector.js';
import getDocs from './docs/getDocs.js';
import getOpenApi from './docs/getOpenApi.js';
import healthz from './health/healthz.js';
import readyz from './health/readyz.js';
import pushSmartcity from './inbound/pushSmartcity.js';
import getProject from './projects/getProject.js';
import getProjectHistory from './projects/getProjectHistory.js';
import listProjects from './projects/listProjects.js';
import createLink from './review/createLink.js';
import listQuarantine from './review/listQuarantine.js';
import listUnlinked from './review/listUnlinked.js';
import listDeadLetters from './deadLetters/listDeadLetters.js';
import retryDeadLetter from './deadLetters/retryDeadLetter.js';
import exportLedger from './export/exportLedger.js';
import getMetrics from './ops/getMetrics.js';
import getStatusPage from './ops/getStatusPage.js';
import getStats from './stats/getStats.js';

/**
 * The API's route table: the server registers exactly these, the OpenAPI document describes
 * exactly these, and the auth test walks exactly these. Explicit, in document order.
 */
export const ROUTES: readonly AnyRoute[] = [
  listProjects,
  getProject,
  getProjectHistory,
  changes,
  listUnlinked,
  listQuarantine,
  createLink,
  getAccounting,
  getStats,
  exportLedger,
  listDeadLetters,
  retryDeadLetter,
  listConnectors,
  syncConnector,
  pushSmartcity,
  getOpenApi,
  getDocs,
  healthz,
  readyz,
  getMetrics,
  getStatusPage,
];
