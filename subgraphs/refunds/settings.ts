import type { PaymentsSettings } from './payments';

/**
 * What the refunds subgraph is configured with. `app/config.ts` reads and validates every value
 * once at start-up (and owns the defaults); nothing here reads the environment.
 */
export interface RefundsSettings {
  /**
   * Four eyes: manual refunds (`issueRefund`) wait, unpaid, for a second approver who is not the
   * requester once what one requester refunds by hand on one order, in total, is above this amount
   * (minor units, a non-negative safe integer).
   */
  secondApproverAboveMinor: number;
  /** The payment providers refunds are paid through. */
  payments: PaymentsSettings;
}

/** The part of the settings `issueRefund` applies. */
export type FourEyesSettings = Pick<RefundsSettings, 'secondApproverAboveMinor'>;
