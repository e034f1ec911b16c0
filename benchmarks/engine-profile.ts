/**
 * Reading what `npm run bench:profile-engine` collects: the engine CLI's CPU profile (as `go tool
 * pprof -top -cum` prints it) split into the work of writing the state after each step and the
 * rest, and the state file split by who put each character there.
 */

/** Cumulative CPU seconds of a Go profile: the total, and per frame name. */
export interface GoProfileTop {
    readonly totalS: number;
    readonly cumS: ReadonlyMap<string, number>;
}

const UNIT_S: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, mins: 60, hrs: 3600 };

/** A pprof duration (`1.15mins`, `850ms`); pprof prints a zero as a bare `0`. */
function seconds(text: string): number {
    const m = /^([\d.]+)(ns|us|µs|ms|s|mins|hrs)?$/.exec(text);
    if (m === null) throw new Error(`not a pprof duration: ${text}`);
    return Number(m[1]) * (m[2] === undefined ? 1 : (UNIT_S[m[2]] ?? 1));
}

/**
 * Parses `go tool pprof -top -cum` output: `Total samples = 69.14s`, then `flat flat% sum% cum
 * cum% name` rows. A function inlined into its callers is listed as `name (inline)`: it counts as
 * `name`, and a name listed more than once keeps its largest time.
 */
export function parsePprofTop(text: string): GoProfileTop {
    const total = /Total samples = ([\d.]+(?:ns|us|µs|ms|s|mins|hrs)?)/.exec(text);
    if (total === null) throw new Error("no `Total samples` line in the pprof output");
    const cumS = new Map<string, number>();
    for (const line of text.split("\n")) {
        const m = /^\s*(\S+)\s+[\d.]+%\s+[\d.]+%\s+(\S+)\s+[\d.]+%\s+(.+?)\s*$/.exec(line);
        if (m === null || m[2] === undefined || m[3] === undefined) continue;
        const name = m[3].replace(/ \((?:partial-)?inline\)$/, "");
        cumS.set(name, Math.max(cumS.get(name) ?? 0, seconds(m[2])));
    }
    return { totalS: seconds(total[1] ?? "0"), cumS };
}

/** The frame under which the CLI writes the state after each step. */
export const SAVE_FRAME = "github.com/pulumi/pulumi/pkg/v3/backend.(*SnapshotManager).saveSnapshot";

/** The parts of writing the state the report names, each the cumulative time under one frame. */
export const SAVE_PARTS = [
    ["JSON encoding", "encoding/json.(*Encoder).Encode"],
    ["MD5 of each file written", "crypto/md5.(*digest).Write"],
    ["copying the last state to .bak", "github.com/pulumi/pulumi/pkg/v3/backend/diy.backupTarget"],
    ["the integrity check", "github.com/pulumi/pulumi/pkg/v3/resource/stack/snapshot.VerifyIntegrity"],
] as const;

/**
 * Seconds of writing the state, and of each of SAVE_PARTS within it: `saves` is the same profile
 * printed with `-focus` on SAVE_FRAME, so JSON encoded elsewhere (the event log) is not counted.
 * A frame the profile never saw counts 0.
 */
export function saveParts(whole: GoProfileTop, saves: GoProfileTop): Array<{ part: string; s: number }> {
    return [
        { part: "writing the state after each step", s: whole.cumS.get(SAVE_FRAME) ?? 0 },
        ...SAVE_PARTS.map(([part, frame]) => ({ part: `of which ${part}`, s: saves.cumS.get(frame) ?? 0 })),
    ];
}

/** Characters of a state file by who put them there, summed over resources of one kind. */
export interface LedgerRow {
    readonly kind: string;
    readonly resources: number;
    /** `__provider` in inputs and in outputs: the dynamic provider the engine stores. */
    readonly storedProvider: number;
    /** Every other input and output property (names included). */
    readonly inputs: number;
    readonly outputs: number;
    /** Everything else: URN, type, parent, provider reference, dependencies, timestamps, source position, stack trace. */
    readonly engine: number;
}

interface StateResource {
    readonly type?: string;
    readonly inputs?: Record<string, unknown>;
    readonly outputs?: Record<string, unknown>;
}

function propsChars(props: Record<string, unknown> | undefined): { provider: number; rest: number } {
    if (props === undefined) return { provider: 0, rest: 0 };
    const { __provider: _, ...rest } = props;
    // The key and its comma go with the provider, so the parts add up to the whole.
    const restChars = JSON.stringify(rest).length;
    return { provider: JSON.stringify(props).length - restChars, rest: restChars };
}

/** The kind a ledger row groups by: the last part of a type (`ScimToken`, `ConnectionSync`, `Stack`). */
function kindOf(type: string | undefined): string {
    return (type ?? "?").split(/[:/]/).pop() ?? "?";
}

/** The state file's resources split by kind and owner, largest kind first. */
export function stateLedger(stateText: string): LedgerRow[] {
    const parsed: { checkpoint?: { latest?: { resources?: StateResource[] } } } = JSON.parse(stateText);
    const rows = new Map<
        string,
        { kind: string; resources: number; storedProvider: number; inputs: number; outputs: number; engine: number }
    >();
    for (const r of parsed.checkpoint?.latest?.resources ?? []) {
        const kind = kindOf(r.type);
        const row = rows.get(kind) ?? { kind, resources: 0, storedProvider: 0, inputs: 0, outputs: 0, engine: 0 };
        const ins = propsChars(r.inputs);
        const outs = propsChars(r.outputs);
        row.resources += 1;
        row.storedProvider += ins.provider + outs.provider;
        row.inputs += ins.rest;
        row.outputs += outs.rest;
        row.engine += JSON.stringify(r).length - ins.provider - ins.rest - outs.provider - outs.rest;
        rows.set(kind, row);
    }
    const total = (r: LedgerRow) => r.storedProvider + r.inputs + r.outputs + r.engine;
    return [...rows.values()].sort((a, b) => total(b) - total(a));
}

/** The whole ledger as one row (`kind` "all"). */
export function ledgerTotal(rows: readonly LedgerRow[]): LedgerRow {
    return rows.reduce<LedgerRow>(
        (a, r) => ({
            kind: "all",
            resources: a.resources + r.resources,
            storedProvider: a.storedProvider + r.storedProvider,
            inputs: a.inputs + r.inputs,
            outputs: a.outputs + r.outputs,
            engine: a.engine + r.engine,
        }),
        { kind: "all", resources: 0, storedProvider: 0, inputs: 0, outputs: 0, engine: 0 },
    );
}
