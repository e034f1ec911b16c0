/**
 * The engine's own floor: the same count of components and children as the measured stack (one
 * component per connection, one dynamic resource per setting, the same names), with a dynamic
 * provider that does nothing. What the engine spends on it (registration, steps, the checkpoint the
 * file backend rewrites after each step) is time no provider of ours can win back; the difference
 * between it and the measured stack is ours (requests aside, which the rate-limit floor covers).
 */
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { inlineStack } from "../scripts/toolchain";
import { asSetUp, changes, stateAtRest } from "./engine-stack";
import { OPS, type OpName } from "./measure";
import { CHANGED_MODE, declaredConnections, type DeclaredConnection } from "./seed";

/** Inputs of a floor resource: the connection and, for the profile sync, its mode (the change flips it). */
interface FloorInputs {
    readonly connectionId: string;
    readonly mode?: string;
}

/** A dynamic provider that does nothing: no I/O, outputs equal to inputs, a diff of one field. */
const floorProvider = {
    async create(inputs: FloorInputs) {
        return { id: `${inputs.connectionId}-${Math.random().toString(36).slice(2, 10)}`, outs: inputs };
    },
    async diff(_id: string, olds: FloorInputs, news: FloorInputs) {
        return { changes: olds.mode !== news.mode };
    },
    async update(_id: string, _olds: FloorInputs, news: FloorInputs) {
        return { outs: news };
    },
    async read(id: string, props?: FloorInputs) {
        return { id, props };
    },
} satisfies pulumi.dynamic.ResourceProvider<FloorInputs, FloorInputs>;

/** One setting of the floor, typed like ours so the URNs are as long. */
class FloorSetting extends pulumi.dynamic.Resource {
    constructor(kind: string, name: string, inputs: FloorInputs, opts: pulumi.CustomResourceOptions) {
        super(floorProvider, name, { ...inputs }, opts, "auth0-connection-sync", kind);
    }
}

/** One connection of the floor: a component with the children a ConnectionSync of `c` has. */
class FloorConnection extends pulumi.ComponentResource {
    constructor(c: DeclaredConnection) {
        super("auth0-connection-sync:index:ConnectionSync", c.name, {}, {});
        const opts = { parent: this };
        new FloorSetting("ProfileSync", `${c.name}-profile-sync`, { connectionId: c.id, mode: c.mode }, opts);
        if (c.scim) {
            new FloorSetting("ScimConfiguration", `${c.name}-scim`, { connectionId: c.id }, opts);
            for (let i = 1; i <= c.scim.tokens.length; i++) {
                new FloorSetting("ScimToken", `${c.name}-scim-token-${i}`, { connectionId: c.id }, opts);
            }
        }
        if (c.directoryProvisioning) {
            new FloorSetting("DirectoryProvisioning", `${c.name}-directory-provisioning`, { connectionId: c.id }, opts);
        }
        this.registerOutputs({});
    }
}

/** What one floor operation took. */
export interface FloorOp {
    readonly op: OpName;
    readonly wallMs: number;
    /** Resources in the state after the operation, and the state's size at rest (characters). */
    readonly resources: number;
    readonly stateChars: number;
    readonly steps: string;
}

/** The floor's program: one floor component per declared connection. */
export function floorProgram(declared: readonly DeclaredConnection[]): () => Promise<void> {
    return async () => {
        for (const c of declared) new FloorConnection(c);
    };
}

/**
 * Runs the measured operations (create, no-op preview, no-op up, a change of `k` profile syncs,
 * refresh) on the floor program of `size` connections. `ops` limits which are timed; the others
 * still run when a later one needs their state. `createAsSetUp` runs the create as the measured
 * stack's set-up runs (asSetUp).
 */
export async function runEngineFloor(
    bin: string,
    size: number,
    k: number,
    opts: { parallel?: number; ops?: readonly OpName[]; createAsSetUp?: boolean } = {},
): Promise<FloorOp[]> {
    let declared = declaredConnections(size);
    const stackName = `floor-${size}`;
    const t = await inlineStack({
        bin,
        stackName,
        // Reads `declared` when the program runs: the change operation swaps it.
        program: () => floorProgram(declared)(),
    });
    const results: FloorOp[] = [];
    try {
        const common = { color: "never" as const, ...(opts.parallel ? { parallel: opts.parallel } : {}) };
        for (const op of OPS) {
            if (op === "change") declared = declared.map((d, i) => (i < k ? { ...d, mode: CHANGED_MODE } : d));
            const t0 = performance.now();
            let steps: string;
            if (op === "preview") steps = changes((await t.stack.preview(common)).changeSummary);
            else if (op === "refresh") steps = changes((await t.stack.refresh(common)).summary.resourceChanges);
            else if (op === "create" && opts.createAsSetUp)
                steps = changes((await asSetUp(t.stack, () => t.stack.up(common))).summary.resourceChanges);
            else steps = changes((await t.stack.up(common)).summary.resourceChanges);
            const wallMs = performance.now() - t0;
            const state = stateAtRest(t.stateDir, stackName, "auth0-connection-sync-e2e");
            if (opts.ops === undefined || opts.ops.includes(op)) {
                results.push({ op, wallMs, resources: state.resources, stateChars: state.chars, steps });
            }
        }
    } finally {
        t.cleanup();
    }
    return results;
}
