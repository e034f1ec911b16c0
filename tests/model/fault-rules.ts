/**
 * The emulator rules for a command's fault profile (steps.ts `FaultProfile`), and for a server that
 * lists every token's `valid_until` oddly (a tenant step).
 */
import type { FaultRule, RateLimit } from "../../emulator";
import { type FaultProfile, ODD_VALID_UNTIL, type OddValidUntil } from "./steps";

/** Token POSTs, the requests the `late` profile delays. */
const TOKEN_POST = { method: "POST", path: "^/api/v2/connections/[^/]+/scim-configuration/tokens$" };

/** Token listings, whose `valid_until` the odd kinds change. */
const TOKEN_LISTING = { method: "GET", path: "^/api/v2/connections/[^/]+/scim-configuration/tokens$" };

/** The checkpoint listings a `repeat-cursor` fault can make page for ever. */
const CHECKPOINT_LISTINGS = {
    method: "GET",
    path: "^/api/v2/(connections|connections-scim-configurations|connections-directory-provisionings|connections/[^/]+/directory-provisioning/synchronized-groups)$",
};

/** The emulator rule's `value` for an odd `valid_until` (none: its dice pick one per request). */
function oddValue(odd: OddValidUntil): { value?: string | null } {
    return odd === "null" ? { value: null } : odd === "empty" ? { value: "" } : odd === "not-a-date" ? { value: "not-a-date" } : {};
}

/** The rule of a server that lists every token's `valid_until` oddly (a tenant step: in every command, faulty or not). */
export function oddServerRule(odd: OddValidUntil): FaultRule {
    return { ...TOKEN_LISTING, kind: "odd-valid-until", ...oddValue(odd) };
}

/** Past the client's timeout and the provider's 3-second stray search: the token lands after the create failed. */
const LATE_MS = 4000;

/** The emulator rules (and rate limit) for a fault profile. */
export function faultRules(f: FaultProfile, timeoutMs: number): { rules: FaultRule[]; rateLimit?: RateLimit } {
    const common = { path: f.path ?? "^/api/v2/", probability: f.p, times: f.times, ...(f.method ? { method: f.method } : {}) };
    switch (f.kind) {
        case "none":
            return { rules: [] };
        case "5xx":
            return { rules: [{ ...common, kind: "status", status: [500, 502, 503, 504][f.seed % 4] }] };
        case "503-after":
            return { rules: [{ ...common, kind: "status-after-processing", status: 503 }] };
        case "slow":
            return { rules: [{ ...common, kind: "slow", delayMs: timeoutMs + 100 + (f.seed % 200) }] };
        case "late":
            // Every token POST of the command (up to `times`): the dice would rarely meet the few there are.
            return { rules: [{ ...common, ...TOKEN_POST, probability: 1, kind: "slow", delayMs: LATE_MS + (f.seed % 1000) }] };
        case "late-next":
            // The connection drops before the work is done; the runner does it after the next command (late-landings.ts).
            return { rules: [{ ...common, ...TOKEN_POST, probability: 1, kind: "drop" }] };
        case "drop":
            return { rules: [{ ...common, kind: "drop" }] };
        case "429-random":
            return { rules: [{ ...common, kind: "status", status: 429 }] };
        case "429-bucket":
            return { rules: [], rateLimit: { rate: 20 + 60 * f.p, burst: 1 } };
        case "odd-valid-until":
            // Every token listing of the command: there are only a few.
            return {
                rules: [{ ...TOKEN_LISTING, kind: "odd-valid-until", ...oddValue(ODD_VALID_UNTIL[f.seed % ODD_VALID_UNTIL.length]) }],
            };
        case "repeat-cursor":
            // Even seeds repeat on every page, so a listing that follows `next` blindly never ends (a hang);
            // odd ones on the first `times` pages, after which the listing pages on (page one seen again).
            return {
                rules: [{ ...CHECKPOINT_LISTINGS, kind: "repeat-cursor", ...(f.seed % 2 === 0 ? {} : { times: f.times }) }],
            };
    }
}
