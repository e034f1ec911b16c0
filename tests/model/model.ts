/**
 * The model: what the stack declares, and what the tenant must hold that we do not own (every
 * other option, top-level connection fields, tokens someone else issued). It is written from the
 * facts page and the README, not from the providers' decision code. Steps other than commands are
 * applied here, to the declaration or (for dashboard and out-of-band edits) to both the emulator
 * and the model at once.
 */
import { randomBytes } from "node:crypto";
import type { EmulatorState, JsonValue } from "../../emulator";
import { directoryProvisioningProvider } from "../../components/provider/directoryProvisioning";
import { profileSyncProvider } from "../../components/provider/profileSync";
import { scimConfigurationProvider } from "../../components/provider/scimConfiguration";
import { scimTokenProvider } from "../../components/provider/scimToken";
import type { Declared } from "./engine";
import { editOwned } from "./owned-edits";
import { getOwn, liveOptions, MODE_KEY, othersOf, setOwn, topLevelOf } from "./tenant";
import {
    CONN_KEYS,
    CONNECTIONS,
    DIRECTORY_POOL,
    GROUP_POOL,
    ODD_KEYS,
    type OddValidUntil,
    ROTATE_SECONDS,
    type Rotate,
    SCIM_CONNS,
    SCIM_POOL,
    type ConnKey,
    type Mode,
    type ScimConn,
    type Slot,
    type Step,
} from "./steps";

/** Keys a dashboard edit leaves alone: ours (edited by "owned" steps) and ones the dashboard refuses to turn off. */
export const PROTECTED_KEYS = [MODE_KEY, "api_enable_users", "ext_groups", "metadataXml", "api_enable_groups"];

type ScimStep = Extract<Step, { t: "scim" }>;
type DirectoryStep = Extract<Step, { t: "directory" }>;

/** The stack's declaration. */
export interface Declaration {
    profile: Partial<Record<ConnKey, { mode: Mode; onDelete: "retain" | "restore" }>>;
    scim: Partial<Record<ScimConn, NonNullable<ScimStep["config"]> & { tokens: Partial<Record<Slot, TokenDeclaration>> }>>;
    directory: DirectoryStep["config"];
}

/** One declared token. */
export interface TokenDeclaration {
    readonly scopes: string[];
    readonly lifetime: number | null;
    /** `rotateBeforeExpiry`: null when not declared (it needs a longer lifetime, so it is dropped without one). */
    readonly rotate: Rotate | null;
}

/** What the model knows a resource was last successfully applied with (the engine's state, seen from outside). */
export interface Applied {
    /** The declared policy; empty for the default. */
    readonly onDelete: string;
    /** ProfileSync only: the literal value before our first write (`absent` for no key). */
    readonly previous?: JsonValue | "absent";
    /**
     * SCIM and directory provisioning: it existed before we created it (the default policy then
     * retains it). `unknown` when our POST met a fault and may have been carried out: the product
     * cannot prove the configuration it then finds is its own, so either policy outcome is right.
     */
    readonly adopted?: boolean | "unknown";
}

/** Resource names, one per owned thing. */
export const names = {
    profile: (c: ConnKey) => `${c}-profile-sync`,
    scim: (c: ScimConn) => `${c}-scim`,
    token: (c: ScimConn, s: Slot) => `${c}-scim-token-${s}`,
    directory: () => "google-directory",
};

/** The model of one sequence. */
export class Model {
    readonly declared: Declaration = { profile: {}, scim: {}, directory: null };
    /** Expected options of each connection, our key left out. */
    readonly others = {} as Record<ConnKey, Record<string, unknown>>;
    /** Expected top-level fields (everything but options), canonical. */
    readonly top = {} as Record<ConnKey, string>;
    /** Tokens that someone else issued: never ours to revoke. */
    readonly foreign = {} as Record<ScimConn, Set<string>>;
    readonly applied = new Map<string, Applied>();
    /** SCIM and directory configurations live now that our own POST created, with a clean answer: ours, whatever failed after. */
    readonly createdByUs = new Set<string>();
    /** How the server lists every token's `valid_until` in every command, when it does so oddly (the runner adds the rule). */
    odd: OddValidUntil | null = null;

    constructor(state: EmulatorState) {
        for (const c of CONN_KEYS) {
            this.others[c] = othersOf(state, c);
            this.top[c] = topLevelOf(state, c);
        }
        for (const c of SCIM_CONNS) this.foreign[c] = new Set((state.scimTokens[CONNECTIONS[c]] ?? []).map((t) => t.token_id));
    }

    /** The declared resources, as the component would create them. */
    resources(): Declared[] {
        const out: Declared[] = [];
        const d = this.declared;
        for (const c of CONN_KEYS) {
            const ps = d.profile[c];
            if (ps) {
                const inputs = { connectionId: CONNECTIONS[c], mode: ps.mode, onDelete: ps.onDelete };
                out.push({ name: names.profile(c), level: 0, conn: c, provider: profileSyncProvider, inputs, dependsOn: [] });
            }
        }
        const after = (c: ConnKey) => (d.profile[c] ? [names.profile(c)] : []);
        for (const c of SCIM_CONNS) {
            const s = d.scim[c];
            if (!s) continue;
            const inputs = {
                connectionId: CONNECTIONS[c],
                userIdAttribute: s.userIdAttribute,
                ...(s.mapping ? { mapping: s.mapping.map((i) => ({ ...SCIM_POOL[i] })) } : {}),
                ...(s.onDelete ? { onDelete: s.onDelete } : {}),
            };
            out.push({ name: names.scim(c), level: 1, conn: c, provider: scimConfigurationProvider, inputs, dependsOn: after(c) });
            for (const [slot, t] of Object.entries(s.tokens) as Array<[Slot, TokenDeclaration]>) {
                const tokenInputs = {
                    connectionId: CONNECTIONS[c],
                    scopes: [...t.scopes],
                    ...(t.lifetime ? { tokenLifetime: t.lifetime } : {}),
                    ...(t.rotate ? { rotateBeforeExpiry: t.rotate } : {}),
                    // As ConnectionSync passes it: the tokens declared on this connection.
                    tokensOnConnection: Object.keys(s.tokens).length,
                };
                const dependsOn = [names.scim(c)];
                out.push({ name: names.token(c, slot), level: 2, conn: c, provider: scimTokenProvider, inputs: tokenInputs, dependsOn });
            }
        }
        if (d.directory) {
            const g = d.directory;
            const inputs = {
                connectionId: CONNECTIONS.google,
                ...(g.mapping ? { mapping: g.mapping.map((i) => ({ ...DIRECTORY_POOL[i] })) } : {}),
                synchronizeAutomatically: g.auto,
                synchronizeGroups: g.groups,
                ...(g.groups === "selected" && g.selected ? { groups: g.selected.map((i) => ({ ...GROUP_POOL[i] })) } : {}),
                ...(g.onDelete ? { onDelete: g.onDelete } : {}),
                synchronizeOnChange: g.syncOnChange,
            };
            out.push({
                name: names.directory(),
                level: 1,
                conn: "google",
                provider: directoryProvisioningProvider,
                inputs,
                dependsOn: after("google"),
            });
        }
        return out;
    }

    /** Applies a step that is not a command; returns what it did, or why it was skipped. */
    apply(step: Exclude<Step, { t: "run" } | { t: "rename" }>, state: EmulatorState): string {
        const d = this.declared;
        switch (step.t) {
            case "profile":
                if (step.mode === null) delete d.profile[step.conn];
                else d.profile[step.conn] = { mode: step.mode, onDelete: step.onDelete };
                return "declared";
            case "scim":
                if (step.config === null) delete d.scim[step.conn];
                else d.scim[step.conn] = { ...step.config, tokens: d.scim[step.conn]?.tokens ?? {} };
                return "declared";
            case "token": {
                // A token implies SCIM on its connection: declare the default configuration when there is none.
                const s = (d.scim[step.conn] ??= { userIdAttribute: "externalId", mapping: null, onDelete: null, tokens: {} });
                if (step.scopes === null) {
                    delete s.tokens[step.slot];
                    return "declared";
                }
                const isNew = s.tokens[step.slot] === undefined;
                if (isNew && Object.keys(s.tokens).length + this.foreign[step.conn].size + 1 > 2) return "skipped: two tokens at most";
                // The schema refuses rotateBeforeExpiry without a longer lifetime: not declared then.
                const rotate = step.rotate && step.lifetime && ROTATE_SECONDS[step.rotate] < step.lifetime ? step.rotate : null;
                s.tokens[step.slot] = { scopes: [...step.scopes], lifetime: step.lifetime, rotate };
                return "declared";
            }
            case "twin": {
                const other = Object.entries(d.scim[step.conn]?.tokens ?? {}).find(([s]) => s !== step.slot)?.[1];
                if (other === undefined) return "skipped: no other token declared";
                return this.apply(
                    { ...step, t: "token", scopes: [...other.scopes], lifetime: other.lifetime, rotate: other.rotate },
                    state,
                );
            }
            case "cap":
                // From the next token POST on; tokens issued before keep what they were granted.
                state.tokenLifetimeCapSeconds = step.seconds ?? undefined;
                return step.seconds === null ? "token lifetimes no longer capped" : `token lifetimes capped at ${step.seconds} s`;
            case "odd":
                this.odd = step.value;
                return step.value === null ? "token listings show valid_until as stored" : `token listings show valid_until ${step.value}`;
            case "directory":
                d.directory = step.config;
                return "declared";
            case "dashboard":
                return this.dashboard(step, state);
            case "owned":
                return editOwned(step, state);
            case "oob":
                return this.outOfBand(step, state);
            case "foreign":
                return this.someoneElsesToken(step.conn, step.scopes, state);
        }
    }

    private dashboard(step: Extract<Step, { t: "dashboard" }>, state: EmulatorState): string {
        const live = liveOptions(state, step.conn) as Record<string, unknown>;
        const editable = Object.keys(live).filter((k) => !PROTECTED_KEYS.includes(k));
        const put = (key: string, value: unknown): void => {
            setOwn(live, key, structuredClone(value));
            setOwn(this.others[step.conn], key, structuredClone(value));
        };
        if (step.op === "add") {
            const key = step.key < ODD_KEYS.length * 2 ? ODD_KEYS[step.key % ODD_KEYS.length] : `x_dashboard_${step.key}`;
            put(key, step.value);
            return `set new key ${JSON.stringify(key)}`;
        }
        if (editable.length === 0) return "skipped: no editable option";
        if (step.op === "set") {
            const key = editable[step.key % editable.length];
            put(key, step.value);
            return `set ${JSON.stringify(key)}`;
        }
        if (step.op === "delete") {
            const key = editable[step.key % editable.length];
            delete live[key];
            delete this.others[step.conn][key];
            return `deleted ${JSON.stringify(key)}`;
        }
        const objects = editable.filter((k) => {
            const v = getOwn(live, k);
            return typeof v === "object" && v !== null && !Array.isArray(v);
        });
        if (objects.length === 0) return "skipped: no nested object";
        const key = objects[step.key % objects.length];
        const inner = structuredClone(getOwn(live, key)) as Record<string, unknown>;
        const children = [...Object.keys(inner), ODD_KEYS[step.key % ODD_KEYS.length]];
        const child = children[step.key % children.length];
        if (step.key % 3 === 0 && Object.hasOwn(inner, child)) delete inner[child];
        else setOwn(inner, child, structuredClone(step.value));
        put(key, inner);
        return `edited ${JSON.stringify(key)}.${JSON.stringify(child)}`;
    }

    private outOfBand(step: Extract<Step, { t: "oob" }>, state: EmulatorState): string {
        const id = CONNECTIONS[step.conn];
        if (step.what === "directory") {
            if (!state.directoryProvisionings[id]) return "skipped: no directory provisioning";
            delete state.directoryProvisionings[id];
            delete state.synchronizations[id];
            delete state.synchronizedGroups[id];
            return "deleted the directory provisioning";
        }
        const c = step.conn as ScimConn;
        if (!SCIM_CONNS.includes(c) || !state.scimConfigurations[id]) return "skipped: no SCIM configuration";
        if (step.what === "scim") {
            // As DELETE /scim-configuration does: its tokens go with it.
            delete state.scimConfigurations[id];
            delete state.scimTokens[id];
            this.foreign[c].clear();
            return "deleted the SCIM configuration (and its tokens)";
        }
        const tokens = state.scimTokens[id] ?? [];
        if (tokens.length === 0) return "skipped: no token";
        const [gone] = tokens.splice(step.pick % tokens.length, 1);
        this.foreign[c].delete(gone.token_id);
        return `revoked token ${gone.token_id}`;
    }

    private someoneElsesToken(c: ScimConn, scopes: string[], state: EmulatorState): string {
        const id = CONNECTIONS[c];
        if (!state.scimConfigurations[id]) return "skipped: no SCIM configuration";
        const now = Date.now();
        const active = (state.scimTokens[id] ?? []).filter((t) => t.valid_until === undefined || Date.parse(t.valid_until) > now);
        const declared = Object.keys(this.declared.scim[c]?.tokens ?? {}).length;
        if (active.length + 1 > 2 || declared + this.foreign[c].size + 1 > 2) return "skipped: two tokens at most";
        const tokenId = `tok_${randomBytes(8).toString("hex")}`;
        (state.scimTokens[id] ??= []).push({
            token_id: tokenId,
            token: `${tokenId}.${randomBytes(32).toString("hex")}`,
            scopes,
            created_at: new Date(now).toISOString(),
        });
        this.foreign[c].add(tokenId);
        return `someone else issued ${tokenId}`;
    }
}
