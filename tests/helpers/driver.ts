/**
 * A small stand-in for the engine's `up` over our providers, for fault runs that must repeat many
 * times quickly: each resource is created when it has no state, else diffed and updated (or
 * replaced). Resources of one step run concurrently, as the engine would run them; a failure
 * leaves that resource's previous state, like the engine does.
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

/** Keeps resource state between runs, like a stack. */
export class Driver {
    readonly state = new Map<string, { id: string; outs: Record<string, unknown> }>();

    constructor(private readonly declared: readonly Declared[]) {}

    /** One `up`: every resource converged as far as it goes, failures collected. */
    async up(): Promise<RunResult> {
        const errors: RunResult["errors"] = [];
        const operations: RunResult["operations"] = [];
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
        return { errors, operations };
    }

    private async one(d: Declared): Promise<"create" | "update" | "replace" | "same"> {
        const p = d.provider;
        const current = this.state.get(d.name);
        if (current === undefined) {
            const r = await p.create(d.inputs);
            this.state.set(d.name, { id: r.id, outs: r.outs });
            return "create";
        }
        const diff = await p.diff!(current.id, current.outs, d.inputs);
        if (diff.replaces && diff.replaces.length > 0) {
            const r = await p.create(d.inputs);
            await p.delete!(current.id, current.outs);
            this.state.set(d.name, { id: r.id, outs: r.outs });
            return "replace";
        }
        if (!diff.changes) return "same";
        const r = await p.update!(current.id, current.outs, d.inputs);
        this.state.set(d.name, { id: current.id, outs: r.outs ?? current.outs });
        return "update";
    }
}
