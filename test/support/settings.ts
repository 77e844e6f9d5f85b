import { defaultSubgraphSettings } from '../../app/subgraphs';

/**
 * The subgraphs' settings tests run with: the defaults of every setting in app/config.ts (an empty
 * environment), so a test never depends on the environment of the machine running it.
 */
export const TEST_SETTINGS = defaultSubgraphSettings();
