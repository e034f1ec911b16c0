/**
 * Registers the cached `.ts` loader (ts-cache.js) with the compiler options of `project` (a
 * tsconfig.json); a no-op where it is registered already.
 */
export function register(project: string): void;
