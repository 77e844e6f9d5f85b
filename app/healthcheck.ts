import { loadConfig, SERVICES, type Config, type Service } from './config';

/** The port each service listens on under this configuration. */
export function servicePort(config: Config, service: Service): number {
  const ports: Record<Service, number> = {
    gateway: config.PORT,
    registry: config.REGISTRY_PORT,
    orders: config.ORDERS_PORT,
    returns: config.RETURNS_PORT,
    inventory: config.INVENTORY_PORT,
    refunds: config.REFUNDS_PORT,
  };
  return ports[service];
}

/** 200 from `GET /healthz` within two seconds. */
async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * The container image's HEALTHCHECK (`node dist/app/healthcheck.js [service]`): exit 0 when the
 * service's `/healthz` answers 200. The service comes from the argument or `RG_SERVICE`; when the
 * container was started with the service on the command line instead, any service port of this
 * configuration that answers will do (one container runs one service). Readiness is not checked
 * here: a container whose registry is briefly away is not unhealthy, and orchestrators with
 * readiness probes (Kubernetes) ask `/readyz` themselves.
 */
async function run(): Promise<number> {
  const config = loadConfig();
  const named = (process.argv[2] ?? config.RG_SERVICE) as Service | undefined;
  const candidates = named && SERVICES.includes(named) ? [named] : SERVICES;
  for (const service of candidates) if (await healthy(servicePort(config, service))) return 0;
  return 1;
}

if (require.main === module) {
  run().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
