import { isInputRejectedByDatabase } from '../db/errors';
import { ErrorCode, Messages } from './errors';
import { errorChainSome, type KnownFailure } from './masking';

/** Driver codes and messages of a database that refused, dropped or never answered a connection. */
const CONNECTION_FAILURE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03']);
const CONNECTION_FAILURE_MESSAGE = /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED/i;

/**
 * What a subgraph recognises in a resolver's failure before calling it a fault: the database being
 * away is ours and passes (SERVICE_UNAVAILABLE, retry), and a value PostgreSQL refuses that no
 * declared limit caught is the client's (BAD_USER_INPUT, with a message that names no SQL; the
 * warning in the log says to declare the missing limit).
 */
export const DATABASE_FAILURES: readonly KnownFailure[] = [
  {
    description: 'the database is not reachable',
    level: 'error',
    matches: (_formatted, error) =>
      errorChainSome(
        error,
        ({ code, message }) => CONNECTION_FAILURE_CODES.has(String(code)) || (typeof message === 'string' && CONNECTION_FAILURE_MESSAGE.test(message)),
      ),
    answer: { code: ErrorCode.SERVICE_UNAVAILABLE, message: Messages.databaseUnavailable },
  },
  {
    description: 'database refused an input value; declare a limit for it',
    level: 'warn',
    matches: (_formatted, error) => isInputRejectedByDatabase(error),
    answer: { code: ErrorCode.BAD_USER_INPUT, message: Messages.inputRejected },
  },
];
