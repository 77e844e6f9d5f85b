/**
 * How the returns subgraph hears from warehouses and 3PLs. `app/config.ts` reads and validates
 * every value once at start-up; nothing here reads the environment.
 */
export interface WarehouseSettings {
  /**
   * Each warehouse's webhook signing secret by warehouse id (`WAREHOUSE_SECRETS`,
   * `id=secret,id2=secret2`, each ≥ 32 characters). `POST /webhooks/warehouse` exists only when
   * at least one is configured. Default none.
   */
  secrets: Readonly<Record<string, string>>;
  /** Accepted distance of a signature's timestamp from our clock (`WAREHOUSE_SIGNATURE_TOLERANCE_S`); default 300 s. */
  signatureToleranceSeconds: number;
  /** The folder 3PLs drop CSV, JSON, JSON Lines and X12 files into (`WAREHOUSE_DROP_DIR`); default none: no folder is watched. */
  dropDir: string | null;
  /** How often the drop folder is scanned (`WAREHOUSE_DROP_POLL_MS`); default 2000 ms. */
  dropPollMs: number;
}

/** No warehouse integration: no webhook route, no folder watched. The default of every setting. */
export const NO_WAREHOUSE: WarehouseSettings = { secrets: {}, signatureToleranceSeconds: 300, dropDir: null, dropPollMs: 2000 };
