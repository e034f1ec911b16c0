/**
 * The connection strategies `--strategy` accepts. A typo (`oktaa`) must fail before any API call:
 * it would otherwise match nothing, and an export that matches nothing looks like a tenant that
 * has nothing.
 */
import { Management } from "auth0";
import { DIRECTORY_STRATEGIES, PASSWORDLESS_STRATEGIES, SCIM_STRATEGIES } from "../../management-api/types";

/**
 * Strategy names that older API documentation and SDKs list (go-auth0's `Connection.Strategy`)
 * but the current SDK enum does not: tenants created back then can still hold such connections.
 */
const LEGACY_STRATEGIES = ["aol", "flickr", "guardian", "miicard", "renren", "thecity", "thecity-sandbox", "yammer"];

/** Every strategy a connection can have, SCIM and directory ones first. */
export const KNOWN_STRATEGIES: readonly string[] = [
    ...new Set<string>([
        ...SCIM_STRATEGIES,
        ...DIRECTORY_STRATEGIES,
        ...[...Object.values(Management.ConnectionStrategyEnum), ...PASSWORDLESS_STRATEGIES, ...LEGACY_STRATEGIES].sort(),
    ]),
];

function distance(a: string, b: string): number {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const next = [i];
        for (let j = 1; j <= b.length; j++) {
            next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        row = next;
    }
    return row[b.length];
}

/** The known strategy closest to a typo, when one is close enough to be a likely meaning. */
function closest(name: string): string | undefined {
    let best: { name: string; d: number } | undefined;
    for (const known of KNOWN_STRATEGIES) {
        const d = distance(name.toLowerCase(), known);
        if (best === undefined || d < best.d) best = { name: known, d };
    }
    return best !== undefined && best.d <= 2 ? best.name : undefined;
}

/** Throws, listing the known strategies, when any of `names` is not one; also when none is given. */
export function checkStrategies(names: readonly string[]): void {
    if (names.length === 0) throw new Error("--strategy needs at least one strategy name (e.g. --strategy okta,samlp)");
    const unknown = names.filter((n) => !KNOWN_STRATEGIES.includes(n));
    if (unknown.length === 0) return;
    const hints = unknown.map((n) => {
        const near = closest(n);
        return near === undefined ? JSON.stringify(n) : `${JSON.stringify(n)} (did you mean ${near}?)`;
    });
    const others = KNOWN_STRATEGIES.filter(
        (s) => !(SCIM_STRATEGIES as readonly string[]).includes(s) && !(DIRECTORY_STRATEGIES as readonly string[]).includes(s),
    );
    throw new Error(
        `unknown --strategy ${hints.join(", ")}; known strategies: with SCIM ${SCIM_STRATEGIES.join(", ")}; ` +
            `with directory provisioning ${DIRECTORY_STRATEGIES.join(", ")}; others ${others.join(", ")}`,
    );
}
