/**
 * Where units of a ship-back return are received when the request does not say: the retailer's
 * returns warehouse. `RETURNS_DEFAULT_LOCATION_ID` overrides it; the default is the demo
 * retailer's warehouse.
 */
export const DEFAULT_RETURN_LOCATION_ID = process.env.RETURNS_DEFAULT_LOCATION_ID ?? 'loc_wh_nj';
