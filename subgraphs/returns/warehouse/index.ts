import type { Db } from '../../../platform/db';
import type { Route } from '../../../platform/http/server';
import type { Worker } from '../../../platform/subgraph';
import type { WarehouseConnector } from '../../../connectors/warehouse/port';
import type { WarehouseSettings } from './settings';
import { WAREHOUSE_WEBHOOK_PATH, warehouseWebhookRoute } from './webhook-route';
import { WarehouseDropFolder } from './drop-folder';

export { NO_WAREHOUSE, type WarehouseSettings } from './settings';
export { applyWarehouseMessage } from './apply';

/** What the returns subgraph hears warehouses with: its database, the warehouse connector `app/` built, and the settings. */
export interface WarehouseDependencies {
  db: Db;
  connector: WarehouseConnector;
  settings: WarehouseSettings;
}

/** The warehouse intake's route (when secrets are configured) and worker (when a drop folder is). */
export function warehouseIntake({ db, connector, settings }: WarehouseDependencies): { routes: Record<string, Route>; workers: Worker[] } {
  const routes: Record<string, Route> = Object.keys(settings.secrets).length > 0 ? { [WAREHOUSE_WEBHOOK_PATH]: warehouseWebhookRoute(db, connector) } : {};
  const workers: Worker[] = settings.dropDir ? [new WarehouseDropFolder(db, connector, { dir: settings.dropDir, pollMs: settings.dropPollMs })] : [];
  return { routes, workers };
}
