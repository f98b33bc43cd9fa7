/** A bad option value or argument: reported, exit status 2. */
export class UsageError extends Error {}
