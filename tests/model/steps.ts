/**
 * The vocabulary of a model-based run: the steps a sequence is made of, written as plain JSON so a
 * failing sequence prints as a reproduction and replays from it (arbitraries.ts generates them).
 * Steps refer to keys and tokens by index into what exists when they run, so every step stays
 * meaningful when shrinking removes the steps before it.
 */
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
/** The names of token resources per connection (at most two declared at once): "c" only by a rename. */
export const TOKEN_SLOTS = ["a", "b", "c"] as const;
/** A token resource name suffix. */
export type Slot = (typeof TOKEN_SLOTS)[number];
/** The names token steps declare. */
export const SLOTS = ["a", "b"] as const satisfies readonly Slot[];

/** The `rotateBeforeExpiry` values a token may declare, in seconds (each shorter than the declared lifetimes it goes with). */
export const ROTATE_SECONDS = { "1h": 3600, "12h": 43_200, "2d": 172_800 } as const;
/** A declared `rotateBeforeExpiry`. */
export type Rotate = keyof typeof ROTATE_SECONDS;

/**
 * Token lifetime caps a tenant step sets (seconds): below, at and just above the 1h and 12h
 * rotation windows, between them, at and below the declared lifetimes (1 day, 1 week), and above.
 */
export const LIFETIME_CAPS = [900, 3600, 3601, 7200, 43_200, 86_400, 100_000, 1_000_000] as const;

/** How a server that lists `valid_until` oddly shows it for every token (`dice`: a per-request pick of the others). */
export const ODD_VALID_UNTIL = ["null", "empty", "not-a-date", "dice"] as const;
/** An odd `valid_until`. */
export type OddValidUntil = (typeof ODD_VALID_UNTIL)[number];

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
     * Both are generated only in bursts (arbitraries.ts), where the commands around them come close together.
     * `odd-valid-until`: every token listing of the command shows `valid_until` as `null`, `""`, a
     * non-date string or a per-request pick of these (by `seed`); the stored tokens are unchanged.
     * `repeat-cursor`: checkpoint listing pages (connections, SCIM configurations, directory
     * provisionings, synchronized groups) whose `next` repeats a cursor, on every page (even `seed`:
     * a client that follows it blindly pages for ever) or on the first `times` pages (odd `seed`).
     */
    readonly kind:
        | "none"
        | "5xx"
        | "503-after"
        | "slow"
        | "late"
        | "late-next"
        | "drop"
        | "429-random"
        | "429-bucket"
        | "odd-valid-until"
        | "repeat-cursor";
    /** Probability per matching request (for the bucket kind: its refill rate per second is 20 + 60 × p). */
    readonly p: number;
    /** At most this many faults in the command (keeps runs short). */
    readonly times: number;
    readonly seed: number;
    /** Only requests with this method (generated only to aim a fault at token POSTs). */
    readonly method?: string;
    /** Only paths matching this RegExp source (default every Management API path; generated only with `method`). */
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
          /** `rotateBeforeExpiry` (only with a lifetime longer than it; absent: none). */
          readonly rotate?: Rotate | null;
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
    /** The tenant's token lifetime cap from now on (a tenant policy or a gateway): null lifts it. */
    | { readonly t: "cap"; readonly seconds: number | null }
    /** From now on the server lists every token's `valid_until` oddly, in every command (null: it stops). */
    | { readonly t: "odd"; readonly value: OddValidUntil | null }
    /** Declares `slot` with the scopes and lifetime of the connection's other declared token: a new same-scope token. */
    | { readonly t: "twin"; readonly conn: ScimConn; readonly slot: Slot }
    /**
     * Renames the connection's one declared token (to a name not declared) and, with `add`, declares
     * another token in the same change (rename-add.ts).
     */
    | {
          readonly t: "rename";
          readonly conn: ScimConn;
          readonly add: { readonly scopes: string[]; readonly lifetime: number | null } | null;
      }
    | {
          readonly t: "run";
          readonly cmd: "up" | "preview" | "refresh" | "destroy";
          readonly faults: FaultProfile;
          /** `up --target` one token (and what it needs that the state lacks); other resources are left alone. */
          readonly target?: { readonly conn: ScimConn; readonly slot: Slot };
          /**
           * A fault-free command that starts right after the previous one (a person running again at
           * once), so an open token request window does not pass first; faulty commands always do.
           */
          readonly now?: boolean;
      };
