/** Messages one input (a file) may hold: a day of a busy dock, and a bound for a hostile file. */
export const MAX_MESSAGES_PER_INPUT = 10_000;
