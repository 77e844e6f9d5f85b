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
}
