/**
 * The properties checked after every command, each with a stable id so a report says which promise
 * broke. The owned values of a command may only end as they were before it or as its target
 * (declared, restored or deleted), and exactly the target when that resource's step succeeded.
 */
import type { EmulatorState, JournalEntry, JsonValue, ScimToken } from "../../emulator";
import type { CommandResult, Engine } from "./engine";
import { type Applied, type Model, names } from "./model";
import { heldByPendingRequests } from "./pending-requests";
import { checkReplacements } from "./replacements";
import { checkRevokes } from "./revokes";
import { canonical, getOwn, mappingKey, MODE_KEY, othersOf, type OwnedValues, ownedOf, setOwn, tokensOf, topLevelOf } from "./tenant";
import { CONN_KEYS, CONNECTIONS, DIRECTORY_POOL, GROUP_POOL, SCIM_CONNS, SCIM_POOL, type ConnKey, type ScimConn, type Slot } from "./steps";

/** The properties, by id. */
export const PROPERTIES = {
    P1: "no option we do not own changes (other than the test's own dashboard edits and documented server rewrites)",
    P2: "the live SCIM tokens are exactly the declared ones plus those someone else issued; we never revoke theirs",
    P3: "with faults off, one up converges with no error, and a second up writes nothing",
    P4: "every error names its cause (method, path and status, or a clear message)",
    P5: "preview and refresh write nothing",
    P6: "what we own ends as it was or as the command's target, and as the target when that resource's step succeeded",
    P7: "onDelete: restore puts back exactly the value found before our first write (any JSON, or absent)",
    P8: "on_each_login on samlp, waad and google-apps is an absent key, as the dashboard needs (facts page)",
    P9: "a token a resource holds is revoked only by that resource's delete or replacement, as the config asks",
    P10: "a token is replaced only for new scopes or lifetime, revoked or expired, or rotation due from a grant longer than rotateBeforeExpiry",
    P11: "a change that renames a token and adds another works in one run or is refused before any token of it is issued",
} as const;

/** A property id. */
export type PropertyId = keyof typeof PROPERTIES;

/** One broken promise. */
export interface Violation {
    readonly property: PropertyId;
    readonly message: string;
}

/** The API's default mappings, read from the emulator's default-mapping endpoints. */
export interface Defaults {
    readonly scim: Record<ScimConn, string>;
    readonly directory: string;
}

/** Everything a check needs to know about one command. */
export interface RunContext {
    readonly cmd: "up" | "preview" | "refresh" | "destroy";
    /** Faults were injected, or only some resources were targeted: no convergence is promised. */
    readonly faulted: boolean;
    readonly before: Record<ConnKey, OwnedValues>;
    readonly appliedBefore: ReadonlyMap<string, Applied>;
    readonly inStateBefore: ReadonlySet<string>;
    readonly result: CommandResult;
    readonly journal: readonly JournalEntry[];
    readonly engine: Engine;
    readonly defaults: Defaults;
    /** Token ids held by resources in state before the command, each with its holder's outcome key (revokes.ts). */
    readonly heldBefore: ReadonlyMap<string, string>;
    /** Each resource's state before the command (its outputs, and `initError` when created but not initialized). */
    readonly outsBefore: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
    /** The tokens the server stored on each SCIM connection when the command started (not as a listing showed them). */
    readonly tokensBefore: Readonly<Record<ScimConn, readonly ScimToken[]>>;
    /** When the command started (ms). */
    readonly startedAt: number;
    /** The connection ids whose renames (with an add) in one change the command may refuse (rename-add.ts). */
    readonly refusable?: readonly string[];
}

/** Strategies whose dashboard reads "sync at each login" correctly only when the key is absent (facts page). */
const ABSENT_MEANS_EACH_LOGIN: readonly ConnKey[] = ["samlp", "waad", "google"];
const GOOD_ERROR = /Auth0 API (GET|POST|PATCH|PUT|DELETE) \/api\/v2\/\S+ failed( with \d{3})?: \S/;
/** The token provider's own refusals name the connection (and the token or request) they are about. */
const CONNECTION_REFUSAL = /connection "?con_\w+"?/;
const BAD_ERROR =
    /Cannot read propert|undefined is not|is not a function|is not iterable|Unexpected token|\[object Object\]|TypeError|ReferenceError|local-admin-token/;
const REWRITES: Partial<Record<ConnKey, Record<string, JsonValue | undefined>>> = {
    // google-apps: re-added when omitted from a PATCH (values: the POST defaults, when nothing was there before).
    google: { email: true, profile: true, scope: ["email", "profile"], api_enable_users: true },
    // auth0: re-added after a PATCH (any value: the facts page does not give them).
    database: { brute_force_protection: undefined, passkey_options: undefined, authentication_methods: undefined },
};

function effective(mode: JsonValue | "absent"): string {
    return mode === "on_first_login" || mode === "never_on_login" ? mode : "on_each_login";
}

function short(v: unknown): string {
    const s = canonical(v);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** The resource is deleted by this command (destroy, or an up that no longer declares it). */
function deleting(ctx: RunContext, name: string, declared: unknown): Applied | undefined {
    const gone = ctx.inStateBefore.has(name) && (ctx.cmd === "destroy" || (ctx.cmd === "up" && declared === undefined));
    return gone ? ctx.appliedBefore.get(name) : undefined;
}

/** What a command is expected to leave for one owned value, given what was declared and applied before. */
function target<T>(ctx: RunContext, name: string, declared: T | undefined, before: T, deleted: (a: Applied) => T): T {
    if (ctx.cmd === "up" && declared !== undefined) return declared;
    const applied = deleting(ctx, name, declared);
    return applied !== undefined ? deleted(applied) : before;
}

/**
 * A configuration's delete policy: the declared one, else delete what we created and retain what we
 * adopted (README); "either" when it is unknown whether our own POST created it.
 */
function removes(a: Applied): boolean | "either" {
    if (a.onDelete !== "") return a.onDelete === "delete";
    return a.adopted === "unknown" ? "either" : a.adopted !== true;
}

/** What deleting a configuration leaves: absent when removed, else as before (either, when the policy is unknown). */
function afterDelete(a: Applied, live: unknown, before: unknown): unknown {
    const r = removes(a);
    return r === "either" ? (live === undefined || canonical(live) === canonical("absent") ? live : before) : r ? "absent" : before;
}

function checkOwned(
    ctx: RunContext,
    name: string,
    what: string,
    live: unknown,
    before: unknown,
    want: unknown,
    out: Violation[],
    p: PropertyId = "P6",
): void {
    const outcome = ctx.result.outcomes.get(name);
    const ok = outcome?.ok === true && outcome.op !== "skip" && outcome.op !== "diff" && outcome.op !== "read";
    const [l, b, t] = [canonical(live), canonical(before), canonical(want)];
    if (ok && ctx.cmd !== "preview" && ctx.cmd !== "refresh" ? l !== t : l !== t && l !== b) {
        out.push({
            property: p,
            message: `${what}: live ${short(live)}, before ${short(before)}, expected ${short(want)} (${name}: ${outcome ? `${outcome.op} ${outcome.ok ? "ok" : "failed"}` : "not run"})`,
        });
    }
}

/** The options check, accepting the documented server rewrites after a PATCH that may have been processed. */
function checkOptions(model: Model, state: EmulatorState, ctx: RunContext, c: ConnKey, out: Violation[]): void {
    const path = `/api/v2/connections/${CONNECTIONS[c]}`;
    const patches = ctx.journal.filter((e) => e.method === "PATCH" && e.path === path);
    for (const e of patches) {
        const keys = Object.keys((e.body ?? {}) as object);
        if (keys.join(",") !== "options") out.push({ property: "P1", message: `PATCH ${path} sent ${short(keys)}, not exactly {options}` });
    }
    const maybe = patches.some((e) => (e.status >= 200 && e.status < 300) || e.fault === "status-after-processing");
    const live = othersOf(state, c);
    const expected = { ...model.others[c] };
    for (const [key, value] of Object.entries(REWRITES[c] ?? {})) {
        const fits = value === undefined || canonical(getOwn(live, key)) === canonical(value);
        if (maybe && !Object.hasOwn(expected, key) && Object.hasOwn(live, key) && fits) setOwn(expected, key, getOwn(live, key));
    }
    if (canonical(live) !== canonical(expected)) {
        const keys = [...new Set([...Object.keys(live), ...Object.keys(expected)])];
        const diffs = keys
            .filter((k) => canonical(getOwn(live, k)) !== canonical(getOwn(expected, k)))
            .map(
                (k) =>
                    `${JSON.stringify(k)}: ${Object.hasOwn(expected, k) ? short(getOwn(expected, k)) : "(absent)"} => ${Object.hasOwn(live, k) ? short(getOwn(live, k)) : "(absent)"}`,
            );
        out.push({ property: "P1", message: `${c} options we do not own changed: ${diffs.join("; ")}` });
    }
    if (topLevelOf(state, c) !== model.top[c]) out.push({ property: "P1", message: `${c}: a field outside options changed` });
}

function checkTokens(model: Model, state: EmulatorState, ctx: RunContext, c: ScimConn, out: Violation[]): void {
    const live = tokensOf(state, c);
    const liveIds = new Set(live.map((t) => t.id));
    const foreign = model.foreign[c];
    for (const e of ctx.journal) {
        const m = /\/scim-configuration\/tokens\/([^/]+)$/.exec(e.path);
        if (e.method === "DELETE" && m && e.path.includes(CONNECTIONS[c]) && foreign.has(decodeURIComponent(m[1]))) {
            out.push({ property: "P2", message: `${c}: DELETE of token ${m[1]}, which someone else issued` });
        }
    }
    const configGone = state.scimConfigurations[CONNECTIONS[c]] === undefined;
    for (const id of foreign)
        if (!liveIds.has(id) && !configGone) out.push({ property: "P2", message: `${c}: token ${id} that someone else issued is gone` });
    const entries = [...ctx.engine.state.entries(), ...ctx.engine.pendingDeletes.map((e) => [e.name, e] as const)].filter(
        ([, e]) => e.level === 2 && e.conn === c,
    );
    const held = new Set(entries.map(([, e]) => String(e.outs.tokenId ?? e.id)));
    for (const [slot, { scopes }] of Object.entries(model.declared.scim[c]?.tokens ?? {})) {
        const name = names.token(c, slot as Slot);
        const outcome = ctx.result.outcomes.get(name);
        if (ctx.cmd !== "up" || outcome?.ok !== true) continue;
        const id = String(ctx.engine.state.get(name)?.outs.tokenId ?? "");
        const token = live.find((t) => t.id === id);
        if (token === undefined) out.push({ property: "P2", message: `${name}: ${outcome.op} succeeded but its token ${id} is not live` });
        else if ([...token.scopes].sort().join(" ") !== [...scopes].sort().join(" ")) {
            out.push({ property: "P2", message: `${name}: live scopes ${token.scopes.join(" ")}, declared ${scopes.join(" ")}` });
        }
    }
    const pending = heldByPendingRequests(
        entries.map(([, e]) => e),
        live,
        held,
    );
    const strays = live.filter((t) => !foreign.has(t.id) && !held.has(t.id) && !pending.has(t.id));
    if (strays.length > 0 && ctx.result.errors.length === 0) {
        out.push({
            property: "P2",
            message: `${c}: token(s) ${strays.map((t) => t.id).join(", ")} alive but held by no resource, after a command without errors`,
        });
    }
}

/** Who holds the live tokens of each SCIM connection: ours in state, someone else's, or nobody's (a stray). */
function tokenCensus(model: Model, state: EmulatorState, ctx: RunContext): string {
    const held = new Set(
        [...ctx.engine.state.values(), ...ctx.engine.pendingDeletes]
            .filter((e) => e.level === 2)
            .map((e) => String(e.outs.tokenId ?? e.id)),
    );
    const parts = SCIM_CONNS.map((c) => {
        const live = tokensOf(state, c).map((t) => t.id);
        const ours = live.filter((id) => held.has(id)).length;
        const theirs = live.filter((id) => model.foreign[c].has(id)).length;
        return `${c} tokens: ${ours} held by our resources, ${theirs} someone else's, ${live.length - ours - theirs} held by no resource`;
    });
    return ` [${parts.join("; ")}]`;
}

/** Checks one command; returns every broken promise. */
export function checkRun(model: Model, state: EmulatorState, ctx: RunContext): Violation[] {
    const out: Violation[] = [];
    for (const e of ctx.result.errors) {
        if (!e.isError || !GOOD_ERROR.test(e.message) || BAD_ERROR.test(e.message)) {
            const clear =
                e.isError &&
                !BAD_ERROR.test(e.message) &&
                (/^(check failed|connection "|SCIM is not|directory provisioning is not)/.test(e.message) ||
                    CONNECTION_REFUSAL.test(e.message));
            if (!clear) out.push({ property: "P4", message: `${e.name}: ${e.isError ? "" : "(not an Error) "}${e.message}` });
        }
    }
    out.push(...checkRevokes(ctx), ...checkReplacements(model, ctx));
    if (ctx.cmd === "preview" || ctx.cmd === "refresh") {
        const written = ctx.journal.filter((e) => e.method !== "GET" && e.path.startsWith("/api/v2"));
        if (written.length > 0)
            out.push({ property: "P5", message: `${ctx.cmd} wrote: ${written.map((e) => `${e.method} ${e.path}`).join(", ")}` });
    }
    // A rename and an add in one change refused is the promise (P11), not a failure to converge: so is
    // every refusal on its connection that run (a removed token's settle cannot read the refused ones).
    const refused = (m: string) => ctx.refusable?.some((id) => m.includes(id)) === true;
    const failed = ctx.result.errors.filter((e) => !refused(e.message));
    if (ctx.cmd === "up" && !ctx.faulted && failed.length > 0) {
        out.push({
            property: "P3",
            message: `a fault-free up failed: ${failed.map((e) => `${e.name}: ${e.message}`).join(" | ")}${tokenCensus(model, state, ctx)}`,
        });
    }
    for (const c of CONN_KEYS) {
        checkOptions(model, state, ctx, c, out);
        const live = ownedOf(state, c);
        const before = ctx.before[c];
        const ps = model.declared.profile[c];
        const name = names.profile(c);
        const restoring = deleting(ctx, name, ps)?.onDelete === "restore";
        let wantMode = target<JsonValue | "absent">(ctx, name, ps?.mode, before.mode, (a) =>
            restoring ? (a.previous ?? "absent") : before.mode,
        );
        const facts = ps?.mode === "on_each_login" && ABSENT_MEANS_EACH_LOGIN.includes(c);
        if (ctx.cmd === "up" && ps && effective(before.mode) === ps.mode) wantMode = before.mode;
        else if (ctx.cmd === "up" && facts) wantMode = "absent";
        const p8 = facts && wantMode === "absent" && live.mode === "on_each_login";
        checkOwned(ctx, name, `${c} ${MODE_KEY}`, live.mode, before.mode, wantMode, out, p8 ? "P8" : restoring ? "P7" : "P6");
        if ((SCIM_CONNS as readonly string[]).includes(c)) {
            const s = model.declared.scim[c as ScimConn];
            const want = s && {
                userIdAttribute: s.userIdAttribute,
                mapping: s.mapping
                    ? mappingKey(
                          s.mapping.map((i) => SCIM_POOL[i]),
                          "scim",
                      )
                    : ctx.defaults.scim[c as ScimConn],
            };
            const t = target(ctx, names.scim(c as ScimConn), want, before.scim, (a) => afterDelete(a, live.scim, before.scim));
            checkOwned(ctx, names.scim(c as ScimConn), `${c} SCIM configuration`, live.scim, before.scim, t, out);
            checkTokens(model, state, ctx, c as ScimConn, out);
        }
        if (c === "google") {
            const g = model.declared.directory ?? undefined;
            const want = g && {
                mapping: g.mapping
                    ? mappingKey(
                          g.mapping.map((i) => DIRECTORY_POOL[i]),
                          "idp",
                      )
                    : ctx.defaults.directory,
                auto: g.auto,
                groups: g.groups,
            };
            const t = target(ctx, names.directory(), want, before.directory, (a) => afterDelete(a, live.directory, before.directory));
            checkOwned(ctx, names.directory(), "google directory provisioning", live.directory, before.directory, t, out);
            const selected = g?.groups === "selected" ? g.selected : undefined;
            const outcome = ctx.result.outcomes.get(names.directory());
            if (ctx.cmd === "up" && selected && outcome?.ok === true && outcome.op !== "skip") {
                const liveIds = (state.synchronizedGroups[CONNECTIONS.google] ?? []).map((x) => x.id).sort();
                const wantIds = selected.map((i) => GROUP_POOL[i].id).sort();
                if (canonical(liveIds) !== canonical(wantIds)) {
                    out.push({ property: "P6", message: `google selected groups: live ${short(liveIds)}, declared ${short(wantIds)}` });
                }
            }
        }
    }
    return out;
}
