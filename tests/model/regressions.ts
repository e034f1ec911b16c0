/**
 * Product bugs this test found, each with its minimal reproduction in the step format (replayable:
 * MODEL_REPLAY='<steps>' npx mocha tests/model/model.test.ts). regressions.test.ts replays each and
 * requires it to break no property: a bug that comes back fails there by name.
 */
import type { PropertyId } from "./invariants";
import type { Step } from "./steps";

/** One bug the model test found. */
export interface FoundBug {
    readonly id: string;
    readonly title: string;
    readonly property: PropertyId;
    readonly steps: readonly Step[];
    /** Why it is a bug: the promise it breaks. */
    readonly why: string;
}

const NONE = { kind: "none", p: 0, times: 0, seed: 0 } as const;

/** Every one, with its fix. */
export const FOUND_BUGS: readonly FoundBug[] = [
    {
        id: "adopted-own-create",
        title: "a configuration found after our own POST met a fault was deleted by the default onDelete although nothing proves it ours",
        property: "P6",
        why:
            "The README said a configuration our own retried POST created 'is ours', so destroy deleted it, while the product took " +
            "it over as adopted (the retry's 400/409 cannot tell our POST from someone else's racing it). Fixed by the rule " +
            "'never act on a guess about what is ours': it is adopted (taken over whatever adoptExisting says, retained by the " +
            "default onDelete), the README says so, and the model accepts either outcome only where the POST was ambiguous.",
        steps: [
            { t: "scim", conn: "okta", config: { userIdAttribute: "externalId", mapping: null, onDelete: null } },
            {
                t: "run",
                cmd: "up",
                faults: { kind: "503-after", p: 1, times: 1, seed: 0, method: "POST", path: "/scim-configuration$" },
            },
            { t: "run", cmd: "destroy", faults: NONE },
        ],
    },
    {
        id: "token-limit-replace",
        title: "adding a token and changing another's scopes in one up failed with 409 (two-token limit); only a second up converged",
        property: "P3",
        why:
            "With one active token, the replaced token's diff said create-before-delete (1 + 1 fits in two), while the new " +
            "token's create ran in the same up: the third POST was refused. Fixed: ConnectionSync passes the number of tokens " +
            "declared on the connection, and a replacement revokes first unless the active plus the declared tokens fit in two.",
        steps: [
            { t: "token", conn: "okta", slot: "a", scopes: ["delete:users"], lifetime: null },
            { t: "run", cmd: "up", faults: NONE },
            { t: "token", conn: "okta", slot: "a", scopes: ["put:users"], lifetime: null },
            { t: "token", conn: "okta", slot: "b", scopes: ["get:users"], lifetime: null },
            { t: "run", cmd: "up", faults: NONE },
        ],
    },
    {
        id: "create-fails-after-post",
        title: "a directory provisioning create whose groups write failed after the POST left our configuration to be adopted as someone else's",
        property: "P6",
        why:
            "Issue 21, class 1 (found by review; the model now produces it): the POST succeeded, the groups PUT was refused, and the " +
            "engine recorded nothing, so the next up adopted our own configuration and destroy retained it. Fixed: the shared " +
            "skeleton reports a create that failed after a write as created but not initialized, with what it wrote; the next up " +
            "updates it and destroy deletes it.",
        steps: [
            {
                t: "directory",
                config: { mapping: null, auto: true, groups: "selected", onDelete: null, syncOnChange: false, selected: [0, 1] },
            },
            {
                t: "run",
                cmd: "up",
                faults: { kind: "5xx", p: 1, times: 5, seed: 3, method: "PUT", path: "/synchronized-groups$" },
            },
            { t: "run", cmd: "up", faults: NONE },
            { t: "run", cmd: "destroy", faults: NONE },
        ],
    },
    {
        id: "settled-before-landing",
        title: "a run inside an unanswered token request's window forgot the request before its token landed",
        property: "P2",
        why:
            "The settle listed the tokens, found none the request could have created yet, and forgot the request; the token " +
            "that landed afterwards was held by nobody, for good. Fixed: a run that starts while the request's token may still " +
            "land (before its until) waits that out before it lists, and revokes the token that landed meanwhile.",
        steps: [
            { t: "scim", conn: "samlp", config: { userIdAttribute: "externalId", mapping: null, onDelete: null } },
            { t: "token", conn: "samlp", slot: "a", scopes: ["get:users"], lifetime: null },
            { t: "run", cmd: "up", faults: { kind: "late-next", p: 1, times: 1, seed: 1 } },
            // Faulty only in name: nothing fails, and the run starts before the token lands.
            { t: "run", cmd: "up", faults: { kind: "5xx", p: 0, times: 0, seed: 0 } },
        ],
    },
    {
        id: "late-token-taken-by-new-sibling",
        title: "a new same-scope token's stray search took a pending request's late token for its own, and its own late token was held by nobody",
        property: "P3",
        why:
            "Issue 21, stop 28 finding 1: run 1 leaves token a's POST unanswered; run 2, while a's settle waits for a's window, " +
            "creates the new token b with a's scopes, whose POST gets no answer either. b's stray search revokes a's late token as " +
            "its own and records nothing, so b's own token lands later held by nobody, and every later up is refused at the " +
            "two-token limit. The model finds it on 9306a18 (MODEL_BURSTS=8 MODEL_RUNS=300: seeds 20261226, 20261253, 20261333, 20261481).",
        steps: [
            { t: "token", conn: "okta", slot: "a", scopes: ["get:users"], lifetime: null },
            { t: "run", cmd: "up", faults: { kind: "late-next", p: 1, times: 1, seed: 1 } },
            { t: "twin", conn: "okta", slot: "b" },
            { t: "run", cmd: "up", faults: { kind: "late-next", p: 1, times: 1, seed: 2 } },
        ],
    },
    {
        id: "late-token-taken-then-stuck",
        title: "after a new sibling took a pending request's late token, two late tokens fell in one window: its settle refused for good",
        property: "P3",
        why:
            "Issue 21, stop 28 findings 1 and 2 together, as the model found them (seed 20261317 with MODEL_BURSTS=8 on 9306a18): " +
            "as in late-token-taken-by-new-sibling, but the first token's new POST gets no answer either. Its settle then sees " +
            "two unknown tokens with its scopes in its window (its own and the sibling's), revokes neither and keeps the " +
            "request, and the sibling is refused at the two-token limit: every later up fails the same way.",
        steps: [
            { t: "token", conn: "okta", slot: "a", scopes: ["get:users"], lifetime: null },
            { t: "run", cmd: "up", faults: { kind: "late-next", p: 1, times: 2, seed: 1 } },
            { t: "twin", conn: "okta", slot: "b" },
            { t: "run", cmd: "up", faults: { kind: "late-next", p: 1, times: 2, seed: 2 } },
        ],
    },
    {
        id: "two-pending-requests-one-connection",
        title: "two unanswered token requests on one connection: a settle saw both late tokens as candidates and refused, so no clean up converged",
        property: "P3",
        why:
            "Issue 21, stop 28 finding 2: token a's POST gets no answer (its token lands later), then an up aimed at the same-scope " +
            "token b sends b's POST, which gets no answer either. Both tokens fall in both windows: a's settle finds two " +
            "candidates, revokes neither and keeps the request, so the fault-free up fails (and b's settle may do the same).",
        steps: [
            { t: "token", conn: "okta", slot: "a", scopes: ["get:users"], lifetime: null },
            { t: "twin", conn: "okta", slot: "b" },
            { t: "run", cmd: "up", faults: { kind: "late-next", p: 1, times: 1, seed: 1 } },
            // Faulty only in name: a's late token lands while it runs, before b's POST is sent.
            { t: "run", cmd: "preview", faults: { kind: "5xx", p: 0, times: 0, seed: 0 } },
            { t: "run", cmd: "up", faults: { kind: "late-next", p: 1, times: 1, seed: 2 }, target: { conn: "okta", slot: "b" } },
        ],
    },
    {
        id: "declared-token-revoked-by-settle",
        title: "a settle revoked a declared token created in its request's window, as the request's late token",
        property: "P9",
        why:
            "Issue 21, stop 28 finding 3: token a's POST is answered 500 (it stays in state, unanswered); an up aimed at the " +
            "same-scope token b issues b inside a's window; an up aimed at a settles a's request before (without) reading b, takes b " +
            "for a's late token and revokes it: the token the identity provider holds, with nothing in the config asking for it. " +
            "The model finds it on 9306a18 (MODEL_BURSTS=8 MODEL_RUNS=300: seeds 20261264, 20261330, 20261383, 20261482).",
        steps: [
            { t: "token", conn: "okta", slot: "a", scopes: ["get:users"], lifetime: null },
            {
                t: "run",
                cmd: "up",
                faults: { kind: "5xx", p: 1, times: 1, seed: 0, method: "POST", path: "/scim-configuration/tokens$" },
            },
            { t: "twin", conn: "okta", slot: "b" },
            { t: "run", cmd: "up", faults: NONE, target: { conn: "okta", slot: "b" }, now: true },
            { t: "run", cmd: "up", faults: NONE, target: { conn: "okta", slot: "a" } },
        ],
    },
    {
        id: "capped-lifetime-rotated-every-run",
        title: "a token the tenant capped within rotateBeforeExpiry was rotated on every up, each time revoking the one the identity provider held",
        property: "P10",
        why:
            "Issue 21, class 4: asked for 1 day with rotateBeforeExpiry 1h, the server grants 900 s, so the token is within its " +
            "window at once and a replacement would be just as short. It must be kept (with a warning naming the cap). With " +
            "rotationDue's grant check removed, the model finds it at 4d41c28 (MODEL_RUNS=100 MODEL_WORKERS=4: seeds 20261224, " +
            "20261258, 20261266, 20261286); this is seed 20261266's reproduction, less a dashboard edit.",
        steps: [
            { t: "cap", seconds: 900 },
            { t: "token", conn: "okta", slot: "a", scopes: ["patch:groups"], lifetime: 86_400, rotate: "1h" },
            { t: "run", cmd: "up", faults: NONE },
        ],
    },
    {
        id: "odd-valid-until-replaced",
        title: "a token listed with valid_until null was read as expired and replaced, revoking the working token",
        property: "P10",
        why:
            'Issue 21, class 4: an expiry the listing shows as null, "" or not a date is unknown, never expired. With isActive ' +
            "as before 961db83, the model finds it at 4d41c28 (MODEL_RUNS=100 MODEL_WORKERS=4: 9 seeds, e.g. 20261203, 20261222, " +
            "20261225); this is seed 20261222's reproduction (seed 0 picks null).",
        steps: [
            { t: "token", conn: "waad", slot: "a", scopes: ["get:groups"], lifetime: null },
            { t: "run", cmd: "up", faults: NONE },
            { t: "run", cmd: "up", faults: { kind: "odd-valid-until", p: 0.2, times: 1, seed: 0 } },
        ],
    },
    {
        id: "odd-valid-until-every-run",
        title: "a server that always lists valid_until as null had every clean up replace the token",
        property: "P10",
        why:
            "Issue 21, class 4, as a tenant rather than a fault: the clean ups that end the sequence must converge, the second " +
            "writing nothing. Fails with isActive as before 961db83 (seed 20261214 there has such a server from its first step).",
        steps: [
            { t: "token", conn: "okta", slot: "a", scopes: ["get:users"], lifetime: null },
            { t: "run", cmd: "up", faults: NONE },
            { t: "odd", value: "null" },
        ],
    },
    {
        id: "repeat-cursor-hang-groups",
        title: "a synchronized-groups listing whose cursor repeats made up page for ever",
        property: "P3",
        why:
            "Issue 21, class 5: a listing that follows next blindly never ends. It must fail with a clear error (or end with a " +
            "correct result). With stopReason's checks removed, the model finds it at the paged bursts' commit (MODEL_RUNS=100 " +
            "MODEL_WORKERS=4: 14 seeds hang, e.g. 20261211, 20261214, 20261232); this is seed 20261211's core.",
        steps: [
            {
                t: "directory",
                config: { mapping: null, auto: false, groups: "selected", onDelete: null, syncOnChange: false, selected: [2] },
            },
            { t: "run", cmd: "up", faults: NONE },
            { t: "run", cmd: "up", faults: { kind: "repeat-cursor", p: 1, times: 3, seed: 0 } },
        ],
    },
    {
        id: "repeat-cursor-hang-connections",
        title: "a connection listing whose cursor repeats made up page for ever",
        property: "P3",
        why:
            "Issue 21, class 5, on the tenant-wide listing four profile syncs' diffs read together (a failed listing falls back " +
            "to one GET per connection). Fails with stopReason's checks removed.",
        steps: [
            ...(["okta", "samlp", "waad", "google"] as const).map(
                (conn): Step => ({ t: "profile", conn, mode: "on_first_login", onDelete: "retain" }),
            ),
            { t: "run", cmd: "up", faults: NONE },
            { t: "run", cmd: "up", faults: { kind: "repeat-cursor", p: 1, times: 1, seed: 0 } },
        ],
    },
    {
        id: "forgotten-sibling-request",
        title: "a destroy forgot a sibling's unanswered token request, and the other token's settle was stuck on its late token for good",
        property: "P3",
        why:
            "Issue 21: two unanswered token POSTs on one connection (an up, then up --target the new same-scope sibling); a " +
            "destroy forgets the sibling's request (its state counts two tokens, the other unread) while the first token's " +
            "settle (its state counts one) saw two unknown tokens for one request and refused in every later up. A settle now " +
            "counts the requests a delete forgot in the same run. Seed 20261603 of the default run, shrunk; fails on 72bc8ec.",
        steps: [
            { t: "directory", config: null },
            { t: "directory", config: { mapping: [4], auto: false, groups: "off", onDelete: null, syncOnChange: true, selected: null } },
            { t: "run", cmd: "up", faults: { kind: "none", p: 0.35, times: 2, seed: 897688 } },
            { t: "token", conn: "waad", slot: "a", scopes: ["patch:groups"], lifetime: 86400, rotate: "1h" },
            { t: "run", cmd: "up", faults: { kind: "late-next", p: 1, times: 1, seed: 696718 } },
            { t: "twin", conn: "waad", slot: "b" },
            { t: "run", cmd: "preview", faults: { kind: "429-random", p: 0.35, times: 3, seed: 310566 } },
            { t: "run", cmd: "up", faults: { kind: "late-next", p: 1, times: 1, seed: 172409 }, target: { conn: "waad", slot: "b" } },
            { t: "run", cmd: "up", faults: { kind: "none", p: 0.5, times: 1, seed: 63853 }, target: { conn: "waad", slot: "a" } },
            { t: "owned", conn: "waad", field: "scimUserId", pick: 80 },
            { t: "owned", conn: "samlp", field: "scimUserId", pick: 41 },
            { t: "profile", conn: "samlp", mode: "never_on_login", onDelete: "retain" },
            { t: "oob", conn: "database", what: "scim", pick: 63 },
            { t: "run", cmd: "destroy", faults: { kind: "429-random", p: 0.35, times: 3, seed: 369667 } },
        ],
    },
    {
        id: "rename-add-half-way",
        title: "renaming the one live token and adding another in one change issued the renamed token, then stopped at the two-token limit",
        property: "P11",
        why:
            "Issue 21, class 3: the engine issues new tokens before it revokes removed ones, so with the renamed token live the " +
            "change cannot fit two active tokens. The preview refuses it (the check that completes the connection's round), and " +
            "an up without a preview (as this engine runs, like `up --skip-preview`) issued the first new token before that " +
            "check came. Now a new token's create waits for its siblings' checks and refuses with them. Found with each fix " +
            "removed (16 of 300 sequences at the default seed); shrunk.",
        steps: [
            { t: "token", conn: "okta", slot: "a", scopes: ["patch:users"], lifetime: null, rotate: null },
            { t: "scim", conn: "okta", config: { userIdAttribute: "externalId", mapping: null, onDelete: null } },
            { t: "run", cmd: "up", faults: NONE },
            { t: "rename", conn: "okta", add: { scopes: ["get:groups"], lifetime: null } },
            { t: "run", cmd: "up", faults: NONE },
        ],
    },
];
