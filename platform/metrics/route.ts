import type { Route } from '../http/server';
import { metricsRegistry } from './registry';

/**
 * `GET /metrics`: the process's registry in Prometheus text format. Open, like the probes:
 * Prometheus scrapes without credentials, and nothing here names a tenant, a customer or an id
 * (labels are operation, subgraph, consumer, provider and status names, all capped). Keep the
 * path off the public internet (route only `/graphql` through the ingress or load balancer); a
 * deployment that must not show even these counts blocks the path at its proxy.
 */
export const metricsRoute: Route = async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
    return;
  }
  const body = await metricsRegistry.metrics();
  res.writeHead(200, { 'content-type': metricsRegistry.contentType, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
};
