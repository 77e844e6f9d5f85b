/**
 * What the returns subgraph is configured with. `app/config.ts` reads and validates every value
 * once at start-up (and owns the defaults); nothing here reads the environment.
 */
export interface ReturnsSettings {
  /**
   * Where units of a ship-back return are received when the request does not say: the retailer's
   * returns warehouse (`RETURNS_DEFAULT_LOCATION_ID`; default the demo retailer's `loc_wh_nj`).
   */
  defaultLocationId: string;
  /**
   * A return not closed (COMPLETED, DECLINED, CANCELED) whose last change is older than this many
   * hours is an exception (`RETURN_STUCK`) in the exceptions queue (`RETURNS_STUCK_AFTER_HOURS`).
   * Default `DEFAULT_STUCK_AFTER_HOURS`.
   */
  stuckAfterHours?: number;
}

/** Three days: a weekend plus a working day without a change is when a person should look. */
export const DEFAULT_STUCK_AFTER_HOURS = 72;
