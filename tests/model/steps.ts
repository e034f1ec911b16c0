/**
 * The vocabulary of a model-based run: the steps a sequence is made of, written as plain JSON so a
 * failing sequence prints as a reproduction and replays from it, and the fast-check arbitraries
 * that generate them. Steps refer to keys and tokens by index into what exists when they run, so
 * every step stays meaningful when shrinking removes the steps before it.
 */
import * as fc from "fast-check";
import type { JsonValue } from "../../emulator";
import { SAMPLE } from "../helpers/sample";

/** The sample seed's connections this test manages (the passwordless one is left out). */
export const CONNECTIONS = {
    okta: SAMPLE.okta,
    samlp: SAMPLE.samlp,
    waad: SAMPLE.waad,
    google: SAMPLE.google,
    database: SAMPLE.database,
} as const;

/** A connection by its short name. */
export type ConnKey = keyof typeof CONNECTIONS;
/** Connections whose strategy supports SCIM. */
export const SCIM_CONNS = ["okta", "samlp", "waad"] as const;
/** A SCIM-capable connection. */
export type ScimConn = (typeof SCIM_CONNS)[number];
/** The connection keys, in a fixed order. */
export const CONN_KEYS = Object.keys(CONNECTIONS) as ConnKey[];

/** `options.set_user_root_attributes` values. */
export const MODES = ["on_each_login", "on_first_login", "never_on_login"] as const;
/** A profile sync mode. */
export type Mode = (typeof MODES)[number];
/** The names of the (at most two) token resources per connection. */
export const SLOTS = ["a", "b"] as const;
/** A token resource name suffix. */
export type Slot = (typeof SLOTS)[number];

/** Every SCIM token scope the API accepts. */
export const TOKEN_SCOPES = ["get", "post", "put", "patch", "delete"].flatMap((verb) => [`${verb}:users`, `${verb}:groups`]);

/** SCIM pairs to build declared mappings from (one Auth0 attribute each, as the schema requires). */
export const SCIM_POOL: ReadonlyArray<{ auth0: string; scim: string }> = [
    { auth0: "email", scim: "emails[primary eq true].value" },
    { auth0: "name", scim: "displayName" },
    { auth0: "preferred_username", scim: "userName" },
    { auth0: "given_name", scim: "name.givenName" },
    { auth0: "family_name", scim: "name.familyName" },
    { auth0: "app_metadata.department", scim: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department" },
    { auth0: "user_metadata.ünïcode ✓", scim: 'emails[type eq "work"].value' },
];

/** Directory pairs to build declared mappings from. */
export const DIRECTORY_POOL: ReadonlyArray<{ auth0: string; idp: string }> = [
    { auth0: "email", idp: "primaryEmail" },
    { auth0: "given_name", idp: "name.givenName" },
    { auth0: "family_name", idp: "name.familyName" },
    { auth0: "name", idp: "name.fullName" },
    { auth0: "picture", idp: "thumbnailPhotoUrl" },
];

/** Google Workspace groups to select (`synchronizeGroups: selected`): ids, with and without names and emails. */
export const GROUP_POOL: ReadonlyArray<{ id: string; name?: string; email?: string }> = [
    { id: "02grp0engineering", name: "Engineering", email: "engineering@example.com" },
    { id: "02grp1ops" },
    { id: "02grp2sales", email: "sales@eu.example.com" },
    { id: "02grp3people", name: "People ✓" },
];

/** SCIM user id attributes to declare. */
export const USER_ID_ATTRIBUTES = ["externalId", "userName", "emails[primary eq true].value", "urn:x:employeeNumber"];

/** Keys a dashboard user may add that tend to break careless code. */
export const ODD_KEYS = [
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "",
    " ",
    "a.b.c",
    "$ref",
    "ключ",
    "🔑",
    "0",
    "set_user_root_attributes ",
    "SET_USER_ROOT_ATTRIBUTES",
    "k".repeat(200),
];

/** Values that tend to break careless code (all survive a JSON round trip). */
export const ODD_VALUES: readonly JsonValue[] = [
    null,
    false,
    0,
    1e21,
    -1.5,
    "",
    "keep-me ✓ \u0000 \ud800 \n",
    [],
    {},
    [[{ deep: [{ deeper: { deepest: null } }] }]],
    JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":1}}') as JsonValue,
];

/** How the emulator misbehaves during one command. */
export interface FaultProfile {
    /**
     * `late`: token POSTs answered after the client gave up and after the provider's stray search,
     * so the token lands after the create has failed (the server doing the work after the timeout).
     * `late-next`: token POSTs whose answer is lost and whose work the server does while the next
     * command runs, just before the request's window ends, so that command starts before the token landed.
     */
    readonly kind: "none" | "5xx" | "503-after" | "slow" | "late" | "late-next" | "drop" | "429-random" | "429-bucket";
    /** Probability per matching request (for the bucket kind: its refill rate per second is 20 + 60 × p). */
    readonly p: number;
    /** At most this many faults in the command (keeps runs short). */
    readonly times: number;
    readonly seed: number;
    /** Only requests with this method (never generated: for hand-written reproductions). */
    readonly method?: string;
    /** Only paths matching this RegExp source (default every Management API path; never generated). */
    readonly path?: string;
}

/** One step of a sequence. */
export type Step =
    | { readonly t: "profile"; readonly conn: ConnKey; readonly mode: Mode | null; readonly onDelete: "retain" | "restore" }
    | {
          readonly t: "scim";
          readonly conn: ScimConn;
          readonly config: null | {
              readonly userIdAttribute: string;
              readonly mapping: number[] | null;
              /** null: the default (delete what we created, retain what we adopted). */
              readonly onDelete: "delete" | "retain" | null;
          };
      }
    | {
          readonly t: "token";
          readonly conn: ScimConn;
          readonly slot: Slot;
          readonly scopes: string[] | null;
          readonly lifetime: number | null;
      }
    | {
          readonly t: "directory";
          readonly config: null | {
              readonly mapping: number[] | null;
              readonly auto: boolean;
              readonly groups: "all" | "off" | "selected";
              readonly onDelete: "delete" | "retain" | null;
              readonly syncOnChange: boolean;
              /** With `groups: selected`: the selected groups, by index into GROUP_POOL (absent: not managed). */
              readonly selected?: number[] | null;
          };
      }
    | {
          readonly t: "dashboard";
          readonly conn: ConnKey;
          readonly op: "set" | "add" | "delete" | "nested";
          readonly key: number;
          readonly value: JsonValue;
      }
    | {
          readonly t: "owned";
          readonly conn: ConnKey;
          readonly field: "mode" | "scimUserId" | "scimMapping" | "dirGroups" | "dirAuto";
          readonly pick: number;
      }
    | { readonly t: "oob"; readonly conn: ConnKey; readonly what: "scim" | "directory" | "token"; readonly pick: number }
    | { readonly t: "foreign"; readonly conn: ScimConn; readonly scopes: string[] }
    | { readonly t: "run"; readonly cmd: "up" | "preview" | "refresh" | "destroy"; readonly faults: FaultProfile };

const conn = fc.constantFrom(...CONN_KEYS);
const scimConn = fc.constantFrom(...SCIM_CONNS);
const scopes = fc.shuffledSubarray(TOKEN_SCOPES, { minLength: 1, maxLength: 4 });
const indices = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: 1, maxLength: 4 });

const profileStep = fc.record({
    t: fc.constant("profile" as const),
    conn,
    mode: fc.option(fc.constantFrom(...MODES), { freq: 6 }),
    onDelete: fc.constantFrom("retain" as const, "restore" as const),
});

const scimStep = fc.record({
    t: fc.constant("scim" as const),
    conn: scimConn,
    config: fc.option(
        fc.record({
            userIdAttribute: fc.constantFrom(...USER_ID_ATTRIBUTES),
            mapping: fc.option(indices(SCIM_POOL.length), { freq: 3 }),
            onDelete: fc.constantFrom(null, "delete" as const, "retain" as const),
        }),
        { freq: 6 },
    ),
});

const tokenStep = fc.record({
    t: fc.constant("token" as const),
    conn: scimConn,
    slot: fc.constantFrom(...SLOTS),
    scopes: fc.option(scopes, { freq: 5 }),
    lifetime: fc.option(fc.constantFrom(86_400, 604_800), { freq: 3 }),
});

const directoryStep = fc.record({
    t: fc.constant("directory" as const),
    config: fc.option(
        fc.record({
            mapping: fc.option(indices(DIRECTORY_POOL.length), { freq: 3 }),
            auto: fc.boolean(),
            groups: fc.constantFrom("all" as const, "off" as const, "selected" as const),
            onDelete: fc.constantFrom(null, "delete" as const, "retain" as const),
            syncOnChange: fc.boolean(),
            selected: fc.option(indices(GROUP_POOL.length), { freq: 2 }),
        }),
        { freq: 6 },
    ),
});

const value: fc.Arbitrary<JsonValue> = fc.oneof(
    fc.constantFrom(...ODD_VALUES),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as JsonValue),
);

const dashboardStep = fc.record({
    t: fc.constant("dashboard" as const),
    conn,
    op: fc.constantFrom("set" as const, "add" as const, "delete" as const, "nested" as const),
    key: fc.nat(1000),
    value,
});

const ownedStep = fc.record({
    t: fc.constant("owned" as const),
    conn,
    field: fc.constantFrom("mode" as const, "scimUserId" as const, "scimMapping" as const, "dirGroups" as const, "dirAuto" as const),
    pick: fc.nat(100),
});

const oobStep = fc.record({
    t: fc.constant("oob" as const),
    conn,
    what: fc.constantFrom("scim" as const, "directory" as const, "token" as const),
    pick: fc.nat(100),
});

const foreignStep = fc.record({ t: fc.constant("foreign" as const), conn: scimConn, scopes });

const faults: fc.Arbitrary<FaultProfile> = fc.record({
    kind: fc.constantFrom(
        "none" as const,
        "none" as const,
        "5xx" as const,
        "503-after" as const,
        "slow" as const,
        "late" as const,
        "late-next" as const,
        "drop" as const,
        "429-random" as const,
        "429-bucket" as const,
    ),
    p: fc.constantFrom(0.2, 0.35, 0.5),
    times: fc.integer({ min: 1, max: 3 }),
    seed: fc.nat(1_000_000),
});

const runStep = fc.record({
    t: fc.constant("run" as const),
    cmd: fc.constantFrom(
        "up" as const,
        "up" as const,
        "up" as const,
        "up" as const,
        "preview" as const,
        "refresh" as const,
        "destroy" as const,
    ),
    faults,
});

/** A declaration change (no API call). */
export const configStep: fc.Arbitrary<Step> = fc.oneof(
    { arbitrary: profileStep, weight: 3 },
    { arbitrary: scimStep, weight: 3 },
    { arbitrary: tokenStep, weight: 3 },
    { arbitrary: directoryStep, weight: 2 },
);

/** Any step. */
export const anyStep: fc.Arbitrary<Step> = fc.oneof(
    { arbitrary: runStep, weight: 8 },
    { arbitrary: configStep, weight: 6 },
    { arbitrary: dashboardStep, weight: 4 },
    { arbitrary: ownedStep, weight: 2 },
    { arbitrary: oobStep, weight: 2 },
    { arbitrary: foreignStep, weight: 1 },
);

const firstUp = fc.record({ t: fc.constant("run" as const), cmd: fc.constant("up" as const), faults });

/** A sequence: a stack's first declarations and `up`, then anything. */
export const sequence: fc.Arbitrary<Step[]> = fc
    .tuple(fc.array(configStep, { minLength: 2, maxLength: 6 }), firstUp, fc.array(anyStep, { minLength: 2, maxLength: 8 }))
    .map(([declarations, up, rest]) => [...declarations, up, ...rest]);
