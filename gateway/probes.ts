import type { Route } from '../platform/http/server';
import { sendJson } from '../platform/http/apollo-handler';
import type { SupergraphState } from './supergraph-source';

/** `GET /healthz`: 200 while the process is up and serving HTTP, whatever its dependencies do. */
export const healthz: Route = (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' });

/** What readiness depends on. */
export interface ReadinessChecks {
  /** True once a supergraph is loaded and the gateway answers operations with it. */
  serving(): boolean;
  supergraph(): SupergraphState;
  /** Rejects when the database the deployment depends on is unreachable; absent when there is none. */
  dbPing?: () => Promise<void>;
}

/**
 * `GET /readyz`: 200 only when a supergraph is loaded and, if configured, the database answers;
 * otherwise 503 with the reason, so a load balancer sends traffic elsewhere. A registry outage
 * after start-up does not make the gateway unready: it keeps serving the last good supergraph.
 */
export function readyz(checks: ReadinessChecks): Route {
  return async (_req, res) => {
    const supergraph = checks.supergraph();
    const summary = { version: supergraph.version, loadedAt: supergraph.loadedAt, lastPollAt: supergraph.lastPollAt, lastError: supergraph.lastError };
    if (!checks.serving()) {
      sendJson(res, 503, { status: 'unavailable', service: 'gateway', reason: 'supergraph not loaded', supergraph: summary });
      return;
    }
    if (checks.dbPing) {
      try {
        await checks.dbPing();
      } catch {
        sendJson(res, 503, { status: 'unavailable', service: 'gateway', reason: 'database unreachable', supergraph: summary });
        return;
      }
    }
    sendJson(res, 200, { status: 'ready', service: 'gateway', supergraph: summary });
  };
}
