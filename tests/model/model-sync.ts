/**
 * Bringing the model up to date after a checked command (invariants.ts checks it first): the
 * options we do not own as they now are, someone else's tokens still live, and what each resource
 * was last applied with (its delete policy, the value found before our first write, whether we
 * created or adopted its configuration).
 */
import type { EmulatorState } from "../../emulator";
import type { RunContext } from "./invariants";
import { type Model, names } from "./model";
import { othersOf, ownedOf, tokensOf } from "./tenant";
import { CONN_KEYS, CONNECTIONS, SCIM_CONNS } from "./steps";

/** Brings the model up to date after a checked command. */
export function syncModel(model: Model, state: EmulatorState, ctx: RunContext): void {
    for (const c of CONN_KEYS) model.others[c] = othersOf(state, c);
    for (const c of SCIM_CONNS) {
        const live = new Set(tokensOf(state, c).map((t) => t.id));
        for (const id of [...model.foreign[c]]) if (!live.has(id)) model.foreign[c].delete(id);
    }
    const onDelete = new Map(model.resources().map((d) => [d.name, String(d.inputs.onDelete ?? "")]));
    for (const [name, o] of ctx.result.outcomes) {
        if (!o.ok && ctx.cmd === "up" && !ctx.inStateBefore.has(name) && ctx.engine.state.get(name)?.initError === true) {
            // Created but not initialized: the engine holds it, as ours, with the value found before this command.
            const ps = CONN_KEYS.find((c) => names.profile(c) === name);
            model.applied.set(name, {
                onDelete: onDelete.get(name) ?? "",
                ...(ps !== undefined ? { previous: ctx.before[ps].mode } : {}),
                ...(configBefore(ctx, name) !== undefined ? { adopted: false } : {}),
            });
            continue;
        }
        if (!o.ok || name.endsWith("#replaced")) continue;
        if (o.op === "delete" || o.op === "gone") model.applied.delete(name);
        if (ctx.cmd === "up" && ["create", "update", "replace", "same"].includes(o.op)) {
            const was = ctx.appliedBefore.get(name);
            const ps = CONN_KEYS.find((c) => names.profile(c) === name);
            const previous = ps === undefined ? undefined : o.op === "create" ? ctx.before[ps].mode : was?.previous;
            const prior = configBefore(ctx, name);
            // Created now: adopted when something was there, unknown when our POST may have been carried out
            // without an answer. Recreated by an update (deleted out of band): ours.
            const adopted =
                prior === undefined
                    ? undefined
                    : o.op === "create"
                      ? prior !== "absent"
                          ? !model.createdByUs.has(name)
                          : ambiguousPost(ctx, name)
                            ? "unknown"
                            : false
                      : prior === "absent"
                        ? false
                        : was?.adopted;
            model.applied.set(name, {
                onDelete: onDelete.get(name) ?? "",
                ...(previous !== undefined ? { previous } : {}),
                ...(adopted !== undefined ? { adopted } : {}),
            });
        }
    }
    for (const name of [...model.applied.keys()]) if (!ctx.engine.state.has(name)) model.applied.delete(name);
    trackCreated(model, state, ctx);
}

/** Updates which configurations our own POST created (a clean 2xx answer): ours until they are gone or the engine lets them go. */
function trackCreated(model: Model, state: EmulatorState, ctx: RunContext): void {
    const configs = [
        ...SCIM_CONNS.map(
            (c) => [names.scim(c), ownedOf(state, c).scim, `/api/v2/connections/${CONNECTIONS[c]}/scim-configuration`] as const,
        ),
        [
            names.directory(),
            ownedOf(state, "google").directory,
            `/api/v2/connections/${CONNECTIONS.google}/directory-provisioning`,
        ] as const,
    ];
    for (const [name, live, path] of configs) {
        // Gone, or let go by the engine (a destroy that retains it): a later create cannot know it is ours.
        if (live === "absent" || (ctx.inStateBefore.has(name) && !ctx.engine.state.has(name))) model.createdByUs.delete(name);
        else if (
            ctx.cmd === "up" &&
            !ambiguousPost(ctx, name) &&
            ctx.journal.some((e) => e.method === "POST" && e.path === path && e.status >= 200 && e.status < 300)
        ) {
            model.createdByUs.add(name);
        }
    }
}

/** True when the command's POST creating this configuration met a fault or had no clean answer. */
function ambiguousPost(ctx: RunContext, name: string): boolean {
    const c = SCIM_CONNS.find((k) => names.scim(k) === name);
    const path =
        c === undefined
            ? `/api/v2/connections/${CONNECTIONS.google}/directory-provisioning`
            : `/api/v2/connections/${CONNECTIONS[c]}/scim-configuration`;
    const posts = ctx.journal.filter((e) => e.method === "POST" && e.path === path);
    // Sent twice: the client did not take the first answer (a timeout on a busy machine counts, fault or not).
    return posts.length > 1 || posts.some((e) => e.fault !== undefined || e.status >= 500);
}

/** For a SCIM or directory resource: what was there before the command; undefined for other resources. */
function configBefore(ctx: RunContext, name: string): unknown {
    if (name === names.directory()) return ctx.before.google.directory;
    const c = SCIM_CONNS.find((k) => names.scim(k) === name);
    return c === undefined ? undefined : ctx.before[c].scim;
}
