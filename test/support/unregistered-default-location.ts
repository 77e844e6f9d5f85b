/**
 * Imported first by a test file (before anything loads the returns subgraph): makes the default
 * return location of ship-back returns one that inventory has never registered, as a typo in
 * `RETURNS_DEFAULT_LOCATION_ID` would. Jest gives each test file its own copy of `process.env` and
 * its own module registry, so no other file sees it.
 */
export const UNREGISTERED_DEFAULT_LOCATION = 'loc_wh_unregistered';
process.env.RETURNS_DEFAULT_LOCATION_ID = UNREGISTERED_DEFAULT_LOCATION;
