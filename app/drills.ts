import type { ConsumerDrill } from '../platform/events/consumer';
import type { RefundDrill } from '../connectors/payments/simulated/simulated-options';
import type { ErpOutageWindow } from '../connectors/erp/reference/outage-drill';
import { componentLogger } from '../platform/logger';
import type { Config } from './config';

const log = componentLogger('drills');

/** The failure drills of a validated configuration (DRILL_*): each absent when off. */
export interface DrillSettings {
  /** The simulated gateway declines / times out a share of refunds (`PAYMENTS_MODE=simulated` only). */
  refunds?: RefundDrill;
  /** The reference ERP is down for a window after start (`ERP_CONNECTOR=reference` only). */
  erpOutage?: ErpOutageWindow;
  /** One consumer fails every delivery for a while after start. */
  consumer?: { consumer: string; forMs: number };
}

/** The drills configured, or none; nothing here is validated again (loadConfig did). */
export function drillSettings(config: Config): DrillSettings {
  const refunds =
    config.DRILL_REFUND_FAILURE_PERCENT > 0 || config.DRILL_REFUND_TIMEOUT_PERCENT > 0
      ? { declinePercent: config.DRILL_REFUND_FAILURE_PERCENT, timeoutPercent: config.DRILL_REFUND_TIMEOUT_PERCENT }
      : undefined;
  const erpOutage =
    config.DRILL_ERP_DOWN_FOR_S > 0 ? { downAfterMs: config.DRILL_ERP_DOWN_AFTER_S * 1000, downForMs: config.DRILL_ERP_DOWN_FOR_S * 1000 } : undefined;
  const consumer = config.DRILL_CONSUMER_DOWN ? { consumer: config.DRILL_CONSUMER_DOWN, forMs: config.DRILL_CONSUMER_DOWN_FOR_S * 1000 } : undefined;
  return { refunds, erpOutage, consumer };
}

/** The consumer drill as the event pipeline takes it: its window starts now (the process's start). */
export function consumerDrillFromNow(drills: DrillSettings | undefined, now = Date.now()): ConsumerDrill | undefined {
  return drills?.consumer ? { consumer: drills.consumer.consumer, until: now + drills.consumer.forMs } : undefined;
}

/**
 * Says loudly at start which drills are on, and which cannot apply (a drill never touches a real
 * provider or ERP), so a drill left on in production is seen in the first log lines.
 */
export function announceDrills(drills: DrillSettings, config: Pick<Config, 'PAYMENTS_MODE' | 'ERP_CONNECTOR'>): void {
  if (drills.refunds) {
    if (config.PAYMENTS_MODE === 'simulated')
      log.warn({ drill: drills.refunds }, 'failure drill on: the simulated gateway declines and times out a share of refunds');
    else log.warn({ paymentsMode: config.PAYMENTS_MODE }, 'DRILL_REFUND_* ignored: the refund drill applies to the simulated gateway only');
  }
  if (drills.erpOutage) {
    if (config.ERP_CONNECTOR === 'reference') log.warn({ drill: drills.erpOutage }, 'failure drill on: the reference ERP goes down for a window after start');
    else log.warn({ erpConnector: config.ERP_CONNECTOR }, 'DRILL_ERP_* ignored: the ERP drill applies to the reference ERP only');
  }
  if (drills.consumer) log.warn({ drill: drills.consumer }, 'failure drill on: one consumer fails every delivery for a while after start');
}
