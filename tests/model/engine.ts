/**
 * A stand-in for the Pulumi engine over our dynamic providers, with the four commands a stack sees:
 * `up` (check, then create, or diff and update or replace, level by level, dependents of a failed
 * resource skipped; then deletes of what is no longer declared and of replaced resources, in
 * reverse order), `preview` (check and diff only), `refresh` (read back every resource, dropping
 * the gone ones) and `destroy`. Like the engine, a failed step keeps the previous state, a failed
 * delete keeps the resource, and replacement creates the new resource before deleting the old one
 * unless the provider asks for delete-before-replace. A create that fails with an init error (an
 * `id` and `properties`) leaves the resource in state, created but not initialized, and the next
 * `up` updates it even when its diff finds no change, as the engine does.
 */
import type * as pulumi from "@pulumi/pulumi";

/** One declared resource, with its raw (unchecked) inputs. */
export interface Declared {
    readonly name: string;
    /** 0: profile sync, 1: SCIM configuration and directory provisioning, 2: tokens. */
    readonly level: number;
    readonly conn: string;
    readonly provider: pulumi.dynamic.ResourceProvider;
    readonly inputs: Record<string, unknown>;
    readonly dependsOn: readonly string[];
}

/** A resource as the engine keeps it in state. */
export interface StateEntry {
    readonly id: string;
    readonly outs: Record<string, unknown>;
    readonly level: number;
    readonly conn: string;
    readonly provider: pulumi.dynamic.ResourceProvider;
    /** Created but not initialized: the next `up` updates it whatever its diff says. */
    readonly initError?: boolean;
}

/** The id and properties of a dynamic provider's init error, or undefined for any other failure. */
function initErrorOf(err: unknown): { id: string; properties: Record<string, unknown> } | undefined {
    if (typeof err !== "object" || err === null) return undefined;
    const id: unknown = Reflect.get(err, "id");
    const properties: unknown = Reflect.get(err, "properties");
    if (typeof id !== "string" || id === "" || typeof properties !== "object" || properties === null) return undefined;
    return { id, properties: { ...properties } };
}

/** What happened to one resource in one command. */
export interface Outcome {
    readonly op: "create" | "update" | "replace" | "same" | "delete" | "read" | "gone" | "skip" | "diff" | "planned";
    readonly ok: boolean;
}

/** An error one resource reported. */
export interface CommandError {
    readonly name: string;
    readonly message: string;
    /** False when something other than an Error was thrown. */
    readonly isError: boolean;
}

/** What one command did. */
export interface CommandResult {
    readonly errors: CommandError[];
    readonly outcomes: Map<string, Outcome>;
}

function errorOf(name: string, err: unknown): CommandError {
    return { name, message: err instanceof Error ? err.message : String(err), isError: err instanceof Error };
}

/** Keeps resource state between commands, like a stack. */
export class Engine {
    readonly state = new Map<string, StateEntry>();
    /** Replaced resources whose delete is still owed. */
    readonly pendingDeletes: Array<StateEntry & { readonly name: string }> = [];

    private newResult(): CommandResult {
        return { errors: [], outcomes: new Map() };
    }

    private async checked(d: Declared): Promise<Record<string, unknown>> {
        const old = this.state.get(d.name);
        const r = await d.provider.check!(old?.outs ?? {}, d.inputs);
        const failures = r.failures ?? [];
        if (failures.length > 0) throw new Error(`check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
        return r.inputs as Record<string, unknown>;
    }

    private async apply(d: Declared): Promise<Outcome["op"]> {
        const inputs = await this.checked(d);
        const current = this.state.get(d.name);
        const entry = (id: string, outs: Record<string, unknown>): StateEntry => ({
            id,
            outs,
            level: d.level,
            conn: d.conn,
            provider: d.provider,
        });
        const create = async (): Promise<StateEntry> => {
            try {
                const r = await d.provider.create(inputs);
                return entry(r.id, r.outs);
            } catch (err) {
                const init = initErrorOf(err);
                if (init !== undefined) this.state.set(d.name, { ...entry(init.id, init.properties), initError: true });
                throw err;
            }
        };
        if (current === undefined) {
            this.state.set(d.name, await create());
            return "create";
        }
        const diff = await d.provider.diff!(current.id, current.outs, inputs);
        if (diff.replaces && diff.replaces.length > 0) {
            if (diff.deleteBeforeReplace) {
                await d.provider.delete!(current.id, current.outs);
                this.state.delete(d.name);
                this.state.set(d.name, await create());
            } else {
                const created = await create().catch((err: unknown) => {
                    // A replacement created but not initialized: the old resource is still owed its delete.
                    if (this.state.get(d.name)?.initError === true) this.pendingDeletes.push({ ...current, name: d.name });
                    throw err;
                });
                this.pendingDeletes.push({ ...current, name: d.name });
                this.state.set(d.name, created);
            }
            return "replace";
        }
        if (!diff.changes && current.initError !== true) return "same";
        const r = await d.provider.update!(current.id, current.outs, inputs);
        this.state.set(d.name, entry(current.id, r.outs ?? current.outs));
        return "update";
    }

    /**
     * `pulumi up`; with `target` (`--target`), only the named resources are created, updated or
     * deleted, and every other one stays in state as it was, unread.
     */
    async up(all: readonly Declared[], target?: ReadonlySet<string>): Promise<CommandResult> {
        const declared = target === undefined ? all : all.filter((d) => target.has(d.name));
        const aimed = (name: string) => target === undefined || target.has(name);
        const result = this.newResult();
        const failed = new Set<string>();
        for (const level of [0, 1, 2]) {
            await Promise.all(
                declared
                    .filter((d) => d.level === level)
                    .map(async (d) => {
                        if (d.dependsOn.some((n) => failed.has(n))) {
                            failed.add(d.name);
                            result.outcomes.set(d.name, { op: "skip", ok: false });
                            return;
                        }
                        try {
                            result.outcomes.set(d.name, { op: await this.apply(d), ok: true });
                        } catch (err) {
                            failed.add(d.name);
                            result.outcomes.set(d.name, { op: this.state.has(d.name) ? "update" : "create", ok: false });
                            result.errors.push(errorOf(d.name, err));
                        }
                    }),
            );
        }
        const names = new Set(all.map((d) => d.name));
        const gone = [...this.state.entries()].filter(([n]) => !names.has(n) && aimed(n)).map(([name, e]) => ({ ...e, name }));
        await this.deleteAll(result, gone, true);
        const owed = this.pendingDeletes.splice(0);
        this.pendingDeletes.push(...owed.filter((e) => !aimed(e.name)));
        await this.deleteAll(
            result,
            owed.filter((e) => aimed(e.name)),
            false,
        );
        return result;
    }

    /** Deletes resources, dependents first; a failed delete keeps the resource (and what it depends on). */
    private async deleteAll(
        result: CommandResult,
        entries: Array<StateEntry & { readonly name: string }>,
        inState: boolean,
    ): Promise<void> {
        const blocked = new Set<string>();
        for (const level of [2, 1, 0]) {
            await Promise.all(
                entries
                    .filter((e) => e.level === level)
                    .map(async (e) => {
                        // A replaced resource's delete is reported under its own key: the name now holds the new one.
                        const key = inState ? e.name : `${e.name}#replaced`;
                        if (blocked.has(e.conn)) {
                            if (!inState) this.pendingDeletes.push(e);
                            result.outcomes.set(key, { op: "skip", ok: false });
                            return;
                        }
                        try {
                            await e.provider.delete!(e.id, e.outs);
                            if (inState) this.state.delete(e.name);
                            result.outcomes.set(key, { op: "delete", ok: true });
                        } catch (err) {
                            blocked.add(e.conn);
                            if (!inState) this.pendingDeletes.push(e);
                            result.outcomes.set(key, { op: "delete", ok: false });
                            result.errors.push(errorOf(key, err));
                        }
                    }),
            );
        }
    }

    /** `pulumi preview`: check and diff, nothing written. */
    async preview(declared: readonly Declared[]): Promise<CommandResult> {
        const result = this.newResult();
        await Promise.all(
            declared.map(async (d) => {
                try {
                    const inputs = await this.checked(d);
                    const current = this.state.get(d.name);
                    if (current === undefined) return result.outcomes.set(d.name, { op: "planned", ok: true });
                    await d.provider.diff!(current.id, current.outs, inputs);
                    return result.outcomes.set(d.name, { op: "diff", ok: true });
                } catch (err) {
                    result.errors.push(errorOf(d.name, err));
                    return result.outcomes.set(d.name, { op: "diff", ok: false });
                }
            }),
        );
        return result;
    }

    /** `pulumi refresh`: every resource read back; gone ones leave the state. */
    async refresh(): Promise<CommandResult> {
        const result = this.newResult();
        await Promise.all(
            [...this.state.entries()].map(async ([name, e]) => {
                try {
                    const r = await e.provider.read!(e.id, e.outs);
                    if (r.id === undefined || r.id === "") {
                        this.state.delete(name);
                        result.outcomes.set(name, { op: "gone", ok: true });
                    } else {
                        this.state.set(name, { ...e, id: r.id, outs: (r.props ?? e.outs) as Record<string, unknown> });
                        result.outcomes.set(name, { op: "read", ok: true });
                    }
                } catch (err) {
                    result.errors.push(errorOf(name, err));
                    result.outcomes.set(name, { op: "read", ok: false });
                }
            }),
        );
        return result;
    }

    /** `pulumi destroy`. */
    async destroy(): Promise<CommandResult> {
        const result = this.newResult();
        const all = [...this.state.entries()].map(([name, e]) => ({ ...e, name }));
        await this.deleteAll(result, all, true);
        await this.deleteAll(result, this.pendingDeletes.splice(0), false);
        return result;
    }
}
