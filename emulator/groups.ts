import type { DirectoryGroup } from "./types";

/**
 * A deliberately plain address check (one @, no spaces, a dot in the domain): enough to refuse
 * what the API refuses as "not an email" without pretending to implement RFC 5322.
 */
export function isEmail(value: string): boolean {
    return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value);
}

/** Orders group ids by UTF-16 code units, the same order the checkpoint cursor compares in. */
export function compareIds(a: string, b: string): number {
    if (a === b) return 0;
    return a < b ? -1 : 1;
}

/** A sorted copy of `groups`, each group copied so callers never share objects with the state. */
export function sortGroups(groups: readonly DirectoryGroup[]): DirectoryGroup[] {
    return groups.map((g) => ({ ...g })).sort((a, b) => compareIds(a.id, b.id));
}
