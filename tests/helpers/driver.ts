/**
 * A small stand-in for the engine's `up` over our providers, for fault runs that must repeat many
 * times quickly: each resource is created when it has no state, else diffed and updated (or
 * replaced). Resources of one step run concurrently, as the engine would run them; a failure
 * leaves that resource's previous state, like the engine does. A create that fails after it wrote
 * (the dynamic provider's init error: `id` and `properties`) leaves the resource created but not
 * initialized, as the engine records it: the next `up` updates it even when its diff sees no change,
 * and a replaced resource whose replacement failed that way is deleted by the next `up`.
 */
import type * as pulumi from "@pulumi/pulumi";

/** One declared resource: its provider and inputs (already checked). */
export interface Declared {
    readonly name: string;
    /** Resources of a lower step run first (the engine's dependsOn). */
    readonly step: number;
    readonly provider: pulumi.dynamic.ResourceProvider;
    readonly inputs: Record<string, unknown>;
}

/** What one `up` did. */
export interface RunResult {
    readonly errors: Array<{ name: string; message: string }>;
    readonly operations: Array<{ name: string; op: "create" | "update" | "replace" | "same" }>;
}

/** The id and state an init error carries, when `err` is one. */
function initErrorState(err: unknown): { id: string; outs: Record<string, unknown> } | undefined {
    if (typeof err !== "object" || err === null || !("id" in err) || !("properties" in err)) return undefined;
    const { id, properties } = err;
    if (typeof id !== "string" || id === "" || typeof properties !== "object" || properties === null) return undefined;
    return { id, outs: { ...properties } };
}

/** One resource's state: `initFailed` when its create failed after writing. */
interface Held {
    readonly id: string;
    readonly outs: Record<string, unknown>;
    readonly initFailed?: boolean;
}

/** Keeps resource state between runs, like a stack. */
export class Driver {
    readonly state = new Map<string, Held>();
    /** Replaced resources whose replacement failed after writing: the next `up` deletes them. */
    private readonly pendingDeletes: Array<{ declared: Declared; held: Held }> = [];

    /**
     * `startProcess` stands for the engine starting a new provider process for each command (fresh
     * clients, pacing and per-run facts); without it every `up` shares this process's state.
     */
    constructor(
        private readonly declared: readonly Declared[],
        private readonly startProcess?: () => void,
    ) {}

    /** One `up`: every resource converged as far as it goes, failures collected. */
    async up(): Promise<RunResult> {
        const errors: RunResult["errors"] = [];
        const operations: RunResult["operations"] = [];
        this.startProcess?.();
        const pending = this.pendingDeletes.splice(0);
        const steps = [...new Set(this.declared.map((d) => d.step))].sort((a, b) => a - b);
        for (const step of steps) {
            await Promise.all(
                this.declared
                    .filter((d) => d.step === step)
                    .map(async (d) => {
                        try {
                            operations.push({ name: d.name, op: await this.one(d) });
                        } catch (err) {
                            errors.push({ name: d.name, message: err instanceof Error ? err.message : String(err) });
                        }
                    }),
            );
        }
        for (const { declared, held } of pending) {
            try {
                await declared.provider.delete!(held.id, held.outs);
            } catch (err) {
                this.pendingDeletes.push({ declared, held });
                errors.push({ name: declared.name, message: err instanceof Error ? err.message : String(err) });
            }
        }
        return { errors, operations };
    }

    /** Runs a create; one that fails after writing is kept as created but not initialized, and still fails. */
    private async create(d: Declared): Promise<Held> {
        try {
            const r = await d.provider.create(d.inputs);
            return { id: r.id, outs: r.outs };
        } catch (err) {
            const kept = initErrorState(err);
            if (kept !== undefined) throw Object.assign(err as object, { kept: { ...kept, initFailed: true } });
            throw err;
        }
    }

    private async one(d: Declared): Promise<"create" | "update" | "replace" | "same"> {
        const p = d.provider;
        const current = this.state.get(d.name);
        try {
            if (current === undefined) {
                this.state.set(d.name, await this.create(d));
                return "create";
            }
            const diff = await p.diff!(current.id, current.outs, d.inputs);
            if (diff.replaces && diff.replaces.length > 0) {
                let created: Held;
                try {
                    created = await this.create(d);
                } catch (err) {
                    if (hasKept(err)) this.pendingDeletes.push({ declared: d, held: current });
                    throw err;
                }
                this.state.set(d.name, created);
                await p.delete!(current.id, current.outs);
                return "replace";
            }
            // The engine updates a resource that failed to initialize even when nothing changed.
            if (!diff.changes && !current.initFailed) return "same";
            const r = await p.update!(current.id, current.outs, d.inputs);
            this.state.set(d.name, { id: current.id, outs: r.outs ?? current.outs });
            return "update";
        } catch (err) {
            if (hasKept(err)) this.state.set(d.name, err.kept);
            throw err;
        }
    }
}

function hasKept(err: unknown): err is { kept: Held } {
    return typeof err === "object" && err !== null && "kept" in err;
}
