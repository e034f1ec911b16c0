/**
 * Product bugs this test found, each with its minimal reproduction in the step format (replayable:
 * MODEL_REPLAY='<steps>' npx mocha tests/model/model.test.ts). They are fixed: regressions.test.ts
 * replays each and requires it to break no property.
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
];
