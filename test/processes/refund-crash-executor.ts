import { PostgresDb } from '../../platform/db';
import { exitWithParent } from './watch-parent';
import { logLevelFromTestEnv } from './child-logs';
import { requiredEnv } from './crash-kit';
import type { PaymentGateway, ProviderRefund, RefundRequest } from '../../connectors/payments/port';
import { SimulatedGateway } from '../../connectors/payments/simulated/simulated-gateway';
import { RefundExecutor } from '../../subgraphs/refunds/execution/executor';
import { GatewayRouter } from '../../subgraphs/refunds/execution/gateways';
import { SimulatedWorld } from '../../subgraphs/refunds/execution/simulated-world';

/**
 * Child process of refund-crash.test.ts: a refund executor whose provider call really happens (the
 * simulated gateway keeps its state in PostgreSQL, like a provider that outlives us) and then never
 * returns, so the executor hangs exactly between the provider's answer and the transaction that
 * would record it. It prints `answered <provider refund id>` at that point and waits to be killed.
 *
 * Env: DATABASE_URL.
 */
/** Tick of the timer that keeps the hung process alive until the test kills it. */
const HANG_TICK_MS = 60_000;

/** A gateway that makes the real call, reports its answer on stdout, and then hangs for ever. */
class AnswerThenHang implements PaymentGateway {
  readonly provider: string;

  constructor(private readonly inner: PaymentGateway) {
    this.provider = inner.provider;
  }

  async createRefund(request: RefundRequest): Promise<ProviderRefund> {
    const answer = await this.inner.createRefund(request);
    process.stdout.write(`answered ${answer.providerRefundId} ${request.refundId}\n`);
    // Never settles; the interval keeps the process alive (a pending promise alone would not).
    return new Promise<ProviderRefund>(() => setInterval(() => undefined, HANG_TICK_MS));
  }

  getRefund(providerRefundId: string): Promise<ProviderRefund> {
    return this.inner.getRefund(providerRefundId);
  }
}

async function main(): Promise<void> {
  exitWithParent();
  logLevelFromTestEnv();
  const db = new PostgresDb({ connectionString: requiredEnv('DATABASE_URL'), maxConnections: 2, applicationName: 'crash-executor' });
  const gateway = new AnswerThenHang(new SimulatedWorld(db, new SimulatedGateway(db, { settlementDelayMs: 0 })));
  const executor = new RefundExecutor(db, new GatewayRouter([gateway]));
  process.stdout.write('ready\n');
  await executor.runOnce();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
