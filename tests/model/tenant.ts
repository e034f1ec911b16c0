/**
 * Reading and steering the emulator's live tenant for the model test: canonical comparisons,
 * own-property edits (a key named `__proto__` stays a key), what we own as plain values, resetting
 * the tenant between sequences, and waiting until no request is still being processed.
 */
import type { EmulatorState, JsonObject, JsonValue, RunningEmulator } from "../../emulator";
import { CONNECTIONS, type ConnKey, type ScimConn } from "./steps";

/** The option key ProfileSync owns. */
export const MODE_KEY = "set_user_root_attributes";

/** JSON with object keys sorted at every level, so equal values print equal. */
export function canonical(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    if (typeof v === "object" && v !== null) {
        const keys = Object.keys(v).sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
    }
    return JSON.stringify(v) ?? "undefined";
}

/** Sets an own enumerable property, even for `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The value of an own property, or undefined. */
export function getOwn(target: Record<string, unknown>, key: string): unknown {
    return Object.hasOwn(target, key) ? Object.getOwnPropertyDescriptor(target, key)?.value : undefined;
}

/** A copy of an object without one key. */
export function without(target: Record<string, unknown>, key: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(target)) if (k !== key) setOwn(out, k, getOwn(target, k));
    return out;
}

/** A mapping as a sorted list of `auth0 → other` strings: order never matters. */
export function mappingKey(
    items: ReadonlyArray<{ readonly auth0: string; readonly scim?: string; readonly idp?: string }>,
    other: "scim" | "idp",
): string {
    return JSON.stringify(items.map((i) => [i.auth0, i[other]]).sort());
}

/** The SCIM configuration as the model compares it. */
export interface ScimValue {
    readonly userIdAttribute: string;
    readonly mapping: string;
}

/** The directory provisioning as the model compares it. */
export interface DirectoryValue {
    readonly mapping: string;
    readonly auto: boolean;
    readonly groups: string;
}

/** What we may own on one connection, read from the live tenant ("absent" where nothing is). */
export interface OwnedValues {
    readonly mode: JsonValue | "absent";
    readonly scim: ScimValue | "absent";
    readonly directory: DirectoryValue | "absent";
}

/** The live owned values of a connection. */
export function ownedOf(state: EmulatorState, conn: ConnKey): OwnedValues {
    const id = CONNECTIONS[conn];
    const options = (state.connections[id]?.options ?? {}) as Record<string, unknown>;
    const scim = state.scimConfigurations[id];
    const dir = state.directoryProvisionings[id];
    return {
        mode: Object.hasOwn(options, MODE_KEY) ? (getOwn(options, MODE_KEY) as JsonValue) : "absent",
        scim: scim === undefined ? "absent" : { userIdAttribute: scim.user_id_attribute, mapping: mappingKey(scim.mapping, "scim") },
        directory:
            dir === undefined
                ? "absent"
                : { mapping: mappingKey(dir.mapping, "idp"), auto: dir.synchronize_automatically, groups: dir.synchronize_groups },
    };
}

/** The live SCIM tokens of a connection (none when it has no SCIM configuration). */
export function tokensOf(state: EmulatorState, conn: ScimConn): Array<{ id: string; scopes: string[] }> {
    return (state.scimTokens[CONNECTIONS[conn]] ?? []).map((t) => ({ id: t.token_id, scopes: [...t.scopes] }));
}

/** The live options of a connection, our key left out. */
export function othersOf(state: EmulatorState, conn: ConnKey): Record<string, unknown> {
    return without((state.connections[CONNECTIONS[conn]]?.options ?? {}) as Record<string, unknown>, MODE_KEY);
}

/** Everything of a connection but its options (a PATCH must never change these). */
export function topLevelOf(state: EmulatorState, conn: ConnKey): string {
    const { options: _o, ...rest } = state.connections[CONNECTIONS[conn]] ?? { options: undefined };
    return canonical(rest);
}

/** A deep copy of the whole tenant, to put back between sequences. */
export function snapshot(state: EmulatorState): EmulatorState {
    return structuredClone(state);
}

/** Puts a snapshot back in place (the emulator holds on to the state object itself). */
export function restore(emu: RunningEmulator, saved: EmulatorState): void {
    Object.assign(emu.state, structuredClone(saved));
    // An optional setting a sequence set is absent from the snapshot, so assign would leave it.
    emu.state.tokenLifetimeCapSeconds = saved.tokenLifetimeCapSeconds;
    emu.setFaults([]);
    emu.setRateLimit(undefined);
    emu.clearJournal();
}

/** The options object of a connection, for a dashboard edit. */
export function liveOptions(state: EmulatorState, conn: ConnKey): JsonObject {
    const c = state.connections[CONNECTIONS[conn]];
    c.options ??= {};
    return c.options;
}
