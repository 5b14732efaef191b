// Its own module so that the CLI (which reports it) and the launchers (which raise it for a
// setup the caller must fix) both import it without importing each other.

/** Bad input to the tool: reported in one line, exit code 2. */
export class UsageError extends Error {}
