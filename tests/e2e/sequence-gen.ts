/**
 * Random sequences for tests/e2e/random-sequences.test.ts, all from one seed: which sample
 * connections a sequence declares and with what, per `up` the config, the dashboard edits of
 * options we do not own, and the faults. A sequence is plain JSON, so a failing one prints as its
 * own reproduction.
 */
import type { FaultRule } from "../../emulator";
import type { JsonValue } from "../../emulator/types";
import { SAMPLE } from "../helpers/api";

/** A seeded PRNG (mulberry32) with the few draws the generator needs. */
export class Rng {
    private a: number;

    constructor(seed: number) {
        this.a = seed >>> 0;
    }

    /** A float in [0, 1). */
    next(): number {
        this.a = (this.a + 0x6d2b79f5) >>> 0;
        let t = this.a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    /** A whole number in [lo, hi]. */
    int(lo: number, hi: number): number {
        return lo + Math.floor(this.next() * (hi - lo + 1));
    }

    /** True with probability `p`. */
    chance(p: number): boolean {
        return this.next() < p;
    }

    /** One of `items`. */
    pick<T>(items: readonly T[]): T {
        return items[this.int(0, items.length - 1)];
    }

    /** A random subset of `items` in their order, of `min` items at least. */
    subset<T>(items: readonly T[], min = 0): T[] {
        for (;;) {
            const out = items.filter(() => this.chance(0.5));
            if (out.length >= min) return out;
        }
    }
}

/** A sample connection the sequences may declare. */
export interface Target {
    readonly name: string;
    readonly id: string;
    readonly strategy: string;
    readonly scim: boolean;
    readonly directory: boolean;
    /** Seed options a person may change in the dashboard (none of them ours, none a guard of the API). */
    readonly editable: readonly string[];
}

/** The sample tenant's connections, as sequences use them. */
export const TARGETS: readonly Target[] = [
    { name: "okta-workforce", id: SAMPLE.okta, strategy: "okta", scim: false, directory: false, editable: ["scope", "icon_url"] },
    { name: "acme-saml", id: SAMPLE.samlp, strategy: "samlp", scim: true, directory: false, editable: ["debug", "x_custom_flag"] },
    {
        name: "contoso-entra",
        id: SAMPLE.waad,
        strategy: "waad",
        scim: true,
        directory: false,
        editable: ["max_groups_to_retrieve", "x_contoso_region"],
    },
    {
        name: "google-workspace",
        id: SAMPLE.google,
        strategy: "google-apps",
        scim: false,
        directory: true,
        editable: ["x_workspace_note", "icon_url"],
    },
    {
        name: "Username-Password-Authentication",
        id: SAMPLE.database,
        strategy: "auth0",
        scim: false,
        directory: false,
        editable: ["password_history", "disable_signup"],
    },
];

/** A dashboard edit: one option of one connection set to a value. */
export interface Edit {
    readonly connectionId: string;
    readonly key: string;
    readonly value: JsonValue;
}

/** One `up` of a sequence: its config, the edits made before it and the faults during it. */
export interface Step {
    readonly connections: Record<string, Record<string, unknown>>;
    readonly edits: readonly Edit[];
    readonly faults: readonly FaultRule[];
    readonly faultSeed: number;
}

/** A whole sequence: 1-3 faulty ups, after which the test runs one clean up, a preview and destroy. */
export interface Sequence {
    readonly seed: number;
    readonly steps: readonly Step[];
}

const MODES = ["on_each_login", "on_first_login", "never_on_login"] as const;
const SCOPES = ["get:users", "post:users", "put:users", "patch:users", "delete:users", "get:groups"];
const SCIM_PAIRS = [
    { auth0: "email", scim: "emails[primary eq true].value" },
    { auth0: "preferred_username", scim: "userName" },
    { auth0: "name", scim: "displayName" },
    { auth0: "app_metadata.department", scim: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department" },
];
const IDP_PAIRS = [
    { auth0: "email", idp: "primaryEmail" },
    { auth0: "name", idp: "name.fullName" },
    { auth0: "given_name", idp: "name.givenName" },
];
const GROUPS = ["g1", "g2", "g3", "g4", "g5"];
const WRITE_METHODS = ["POST", "PATCH", "PUT", "DELETE"];

/** The request timeout of the faulty ups (ms): `slow` faults go past it or stay under it. */
export const FAULTY_TIMEOUT_MS = 2500;

/** What one sequence declares on one connection, fixed for the sequence (the values change per up). */
interface Plan {
    readonly target: Target;
    readonly profileSync?: "retain" | "restore";
    readonly scim: boolean;
    readonly directory: boolean;
}

function jsonValue(rng: Rng, depth = 0): JsonValue {
    switch (rng.int(0, depth > 1 ? 3 : 5)) {
        case 0:
            return rng.pick(["plain", "ünïcode ✓", "", 'a "quoted" \\ value']) + String(rng.int(0, 99));
        case 1:
            return rng.pick([0, -1, 42, 1.5, 2 ** 52, 0.1]);
        case 2:
            return rng.chance(0.5);
        case 3:
            return null;
        case 4:
            return Array.from({ length: rng.int(0, 3) }, () => jsonValue(rng, depth + 1));
        default:
            return Object.fromEntries(Array.from({ length: rng.int(0, 3) }, (_, i) => [`k${i}`, jsonValue(rng, depth + 1)]));
    }
}

function profileSyncOf(rng: Rng, onDelete: "retain" | "restore"): unknown {
    const mode = rng.pick(MODES);
    return onDelete === "retain" && rng.chance(0.5) ? mode : { mode, onDelete };
}

function scimOf(rng: Rng): Record<string, unknown> {
    const tokens: Record<string, unknown> = {};
    for (const name of rng.subset(["idp", "backup"])) {
        const lifetime = rng.pick([undefined, 3600, 2_592_000]);
        tokens[name] = {
            scopes: rng.subset(SCOPES, 1),
            ...(lifetime !== undefined ? { tokenLifetime: lifetime } : {}),
            ...(lifetime !== undefined && rng.chance(0.5) ? { rotateBeforeExpiry: lifetime === 3600 ? "30m" : "7d" } : {}),
        };
    }
    return {
        ...(rng.chance(0.5) ? { userIdAttribute: rng.pick(["externalId", "userName"]) } : {}),
        ...(rng.chance(0.6) ? { mapping: rng.subset(SCIM_PAIRS, 1) } : {}),
        ...(rng.chance(0.2) ? { onDelete: "retain" } : {}),
        ...(Object.keys(tokens).length > 0 ? { tokens } : {}),
    };
}

function directoryOf(rng: Rng): Record<string, unknown> {
    const groups = rng.pick(["all", "off", "selected"] as const);
    return {
        ...(rng.chance(0.4) ? { mapping: rng.subset(IDP_PAIRS, 1) } : {}),
        synchronizeAutomatically: rng.chance(0.5),
        synchronizeGroups: groups,
        ...(groups === "selected" ? { groups: rng.subset(GROUPS).map((id) => ({ id })) } : {}),
        ...(rng.chance(0.2) ? { onDelete: "retain" } : {}),
    };
}

function entryOf(rng: Rng, plan: Plan, previous: Record<string, unknown> | undefined): Record<string, unknown> {
    const keep = (key: string) => previous?.[key] !== undefined && rng.chance(0.5);
    const entry: Record<string, unknown> = {};
    if (plan.profileSync) entry.profileSync = keep("profileSync") ? previous!.profileSync : profileSyncOf(rng, plan.profileSync);
    if (plan.scim) entry.scim = keep("scim") ? previous!.scim : scimOf(rng);
    if (plan.directory) entry.directoryProvisioning = keep("directoryProvisioning") ? previous!.directoryProvisioning : directoryOf(rng);
    return entry;
}

function faultsOf(rng: Rng): FaultRule[] {
    const rules: FaultRule[] = [];
    const path = "^/api/v2/";
    const p = () => rng.pick([0.1, 0.2, 0.3]);
    for (const kind of ["status", "status-after-processing"] as const) {
        if (!rng.chance(0.5)) continue;
        const probability = p();
        for (const method of WRITE_METHODS) rules.push({ method, path, kind, status: 503, probability });
    }
    if (rng.chance(0.4)) rules.push({ path, kind: "slow", delayMs: rng.pick([300, FAULTY_TIMEOUT_MS + 500]), probability: p() });
    if (rng.chance(0.4)) rules.push({ path, kind: "drop", probability: p() });
    return rules;
}

function editsOf(rng: Rng, seed: number, step: number): Edit[] {
    return Array.from({ length: rng.int(0, 2) }, (_, i) => {
        const target = rng.pick(TARGETS);
        const key = rng.chance(0.5) ? `x_seq_${seed}_${step}_${i}` : rng.pick(target.editable);
        return { connectionId: target.id, key, value: jsonValue(rng) };
    });
}

/** The sequence of one seed. */
export function sequenceOf(seed: number): Sequence {
    const rng = new Rng(seed);
    const plans: Plan[] = rng
        .subset(TARGETS)
        .slice(0, 3)
        .map((target) => {
            const scim = target.scim && rng.chance(0.7);
            const directory = target.directory && rng.chance(0.8);
            const profile = !(scim || directory) || rng.chance(0.6);
            return { target, scim, directory, ...(profile ? { profileSync: rng.pick(["retain", "restore"] as const) } : {}) };
        });
    if (plans.length === 0) plans.push({ target: rng.pick(TARGETS), scim: false, directory: false, profileSync: "restore" });
    const steps: Step[] = [];
    const count = rng.pick([1, 1, 2, 2, 3]);
    for (let i = 0; i < count; i++) {
        const previous = steps.at(-1)?.connections;
        const connections: Record<string, Record<string, unknown>> = {};
        for (const plan of plans) {
            // Sometimes by id: the program resolves either, and the resources keep their names.
            const key = rng.chance(0.2) ? plan.target.id : plan.target.name;
            const before = previous?.[plan.target.name] ?? previous?.[plan.target.id];
            connections[key] = entryOf(rng, plan, before);
        }
        steps.push({ connections, edits: editsOf(rng, seed, i), faults: faultsOf(rng), faultSeed: rng.int(1, 1_000_000) });
    }
    return { seed, steps };
}
