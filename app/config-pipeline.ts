/** Settings of the event and payment pipeline's workers (issue 15: cheaper writes). */
import { wholeNumber } from './config-values';

export const PIPELINE_SETTINGS = {
  /**
   * Provider calls the refund executor makes at once, per provider, while working a claimed batch
   * (tenders of one refund still go one after another). 1 works a batch one refund at a time.
   */
  REFUND_EXECUTOR_CONCURRENCY: wholeNumber(1, 64).default(8),
};
