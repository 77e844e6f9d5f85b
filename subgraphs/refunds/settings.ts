/**
 * What the refunds subgraph is configured with. `app/config.ts` reads and validates every value
 * once at start-up (and owns the defaults); nothing here reads the environment. Which payment
 * providers it pays through is a choice of connectors, made in `app/connectors.ts`.
 */
export interface RefundsSettings {
  /**
   * Four eyes: manual refunds (`issueRefund`) wait, unpaid, for a second approver who is not the
   * requester once what one requester refunds by hand on one order, in total, is above this amount
   * (minor units, a non-negative safe integer).
   */
  secondApproverAboveMinor: number;
}

/** The part of the settings `issueRefund` applies. */
export type FourEyesSettings = Pick<RefundsSettings, 'secondApproverAboveMinor'>;
