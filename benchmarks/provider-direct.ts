/**
 * Provider-direct runs: the benchmark plays the engine and calls the exported providers itself,
 * all resources at once with the dependencies ConnectionSync declares (profile sync before SCIM and
 * directory provisioning, the SCIM configuration before its token), and `check` before every diff,
 * as the engine does. Each operation starts with fresh process state, as each Pulumi command starts
 * a fresh provider process.
 */
import { performance } from "node:perf_hooks";
import { directoryProvisioningProvider } from "../components/provider/directoryProvisioning";
import { profileSyncProvider } from "../components/provider/profileSync";
import { resetProcessState } from "../components/provider/process";
import { getRequestStats, processState } from "../management-api/state";
import { scimConfigurationProvider } from "../components/provider/scimConfiguration";
import { scimTokenProvider } from "../components/provider/scimToken";
import { storeSettings } from "../management-api/settings";
import type { EmulatorProxy } from "./emulator-proxy";
import { readFloor, shapeOf, writeFloor } from "./floors";
import { countJournal, LIMITS, OPS, saveTimeline, SET_UP_LIMIT, type LimitName, type OpName, type OpResult } from "./measure";
import { CHANGED_MODE, type Declared, declaredConnections, type DeclaredConnection } from "./seed";
import { checkTenant } from "./verify";

/** The provider methods an engine calls, as this driver uses them. */
interface DriverProvider<I, O> {
    check(olds: I, news: I): Promise<{ inputs?: I }>;
    diff(id: string, olds: O, news: I): Promise<{ changes?: boolean; replaces?: string[] }>;
    create(inputs: I): Promise<{ id: string; outs?: O }>;
    update?(id: string, olds: O, news: I): Promise<{ outs?: O }>;
    read(id: string, props?: O): Promise<{ id?: string; props?: O }>;
    delete(id: string, props: O): Promise<void>;
}

/** A resource as the engine's state would hold it. */
interface Held {
    id: string;
    inputs: Record<string, unknown>;
    outs: Record<string, unknown>;
}

type Kind = "ps" | "scim" | "token" | "dir";

// One cast per provider: each is typed with its own inputs; the driver handles them as records.
const PROVIDERS: Record<Kind, DriverProvider<Record<string, unknown>, Record<string, unknown>>> = {
    ps: profileSyncProvider as unknown as DriverProvider<Record<string, unknown>, Record<string, unknown>>,
    scim: scimConfigurationProvider as unknown as DriverProvider<Record<string, unknown>, Record<string, unknown>>,
    token: scimTokenProvider as unknown as DriverProvider<Record<string, unknown>, Record<string, unknown>>,
    dir: directoryProvisioningProvider as unknown as DriverProvider<Record<string, unknown>, Record<string, unknown>>,
};

/** What ConnectionSync would pass each child, before `check` fills in defaults. */
function rawInputs(d: DeclaredConnection): {
    ps: Record<string, unknown>;
    scim?: Record<string, unknown>;
    tokens: Record<string, unknown>[];
    dir?: Record<string, unknown>;
} {
    const { tokens, ...scim } = d.scim ?? { tokens: [] };
    return {
        ps: { connectionId: d.id, mode: d.mode },
        ...(d.scim ? { scim: { connectionId: d.id, ...scim } } : {}),
        tokens: tokens.map((t) => ({ connectionId: d.id, scopes: t.scopes })),
        ...(d.directoryProvisioning ? { dir: { connectionId: d.id, ...d.directoryProvisioning } } : {}),
    };
}

interface Managed {
    decl: DeclaredConnection;
    ps?: Held;
    scim?: Held;
    tokens: Held[];
    dir?: Held;
}

/** Per-operation bookkeeping: failures surfaced to resources and the steps taken. */
class OpLog {
    failures = 0;
    readonly samples: string[] = [];
    readonly steps: Record<string, number> = {};

    step(name: string): void {
        this.steps[name] = (this.steps[name] ?? 0) + 1;
    }

    /** Runs one resource operation; a failure is recorded, as the engine would show it, and yields undefined. */
    async attempt<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
        try {
            return await run();
        } catch (err) {
            this.failures += 1;
            if (this.samples.length < 3) this.samples.push(`${what}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 240));
            return undefined;
        }
    }

    summary(): string {
        return Object.entries(this.steps)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ");
    }
}

async function createOne(kind: Kind, raw: Record<string, unknown>, log: OpLog): Promise<Held | undefined> {
    const p = PROVIDERS[kind];
    return log.attempt(`create ${kind}`, async () => {
        const { inputs = raw } = await p.check({}, raw);
        const { id, outs = {} } = await p.create(inputs);
        log.step("create");
        return { id, inputs, outs };
    });
}

/** check + diff, and when `apply` an update (or a replacement, for what cannot be updated). */
async function converge(
    kind: Kind,
    held: Held | undefined,
    raw: Record<string, unknown> | undefined,
    apply: boolean,
    log: OpLog,
): Promise<Held | undefined> {
    if (held === undefined || raw === undefined) return held;
    const p = PROVIDERS[kind];
    const next = await log.attempt(`${apply ? "up" : "preview"} ${kind}`, async () => {
        const { inputs = raw } = await p.check(held.inputs, raw);
        const d = await p.diff(held.id, held.outs, inputs);
        if (!d.changes) {
            log.step("same");
            return held;
        }
        if (!apply) {
            log.step("would change");
            return held;
        }
        if ((d.replaces ?? []).length > 0 || p.update === undefined) {
            const { id, outs = {} } = await p.create(inputs);
            await p.delete(held.id, held.outs);
            log.step("replace");
            return { id, inputs, outs };
        }
        const { outs = {} } = await p.update(held.id, held.outs, inputs);
        log.step("update");
        return { id: held.id, inputs, outs };
    });
    return next ?? held;
}

async function refreshOne(kind: Kind, held: Held | undefined, log: OpLog): Promise<Held | undefined> {
    if (held === undefined) return undefined;
    const got = await log.attempt(`refresh ${kind}`, () => PROVIDERS[kind].read(held.id, held.outs));
    if (got === undefined) return held;
    log.step(got.id === undefined ? "gone" : "read");
    return got.id === undefined ? undefined : { id: got.id, inputs: held.inputs, outs: got.props ?? held.outs };
}

/** Runs one operation over every managed connection, engine-like. */
async function runOp(op: OpName, managed: Managed[], log: OpLog): Promise<void> {
    if (op === "refresh") {
        await Promise.all(
            managed.flatMap((m) => [
                refreshOne("ps", m.ps, log).then((h) => (m.ps = h)),
                refreshOne("scim", m.scim, log).then((h) => (m.scim = h)),
                refreshOne("dir", m.dir, log).then((h) => (m.dir = h)),
                ...m.tokens.map((t, i) => refreshOne("token", t, log).then((h) => (m.tokens[i] = h ?? t))),
            ]),
        );
        return;
    }
    const apply = op !== "preview";
    await Promise.all(
        managed.map(async (m) => {
            const raw = rawInputs(m.decl);
            m.ps = op === "create" ? await createOne("ps", raw.ps, log) : await converge("ps", m.ps, raw.ps, apply, log);
            if (m.ps === undefined) return;
            await Promise.all([
                (async () => {
                    if (raw.scim === undefined) return;
                    m.scim =
                        op === "create" ? await createOne("scim", raw.scim, log) : await converge("scim", m.scim, raw.scim, apply, log);
                    if (m.scim === undefined) return;
                    const tokens = await Promise.all(
                        raw.tokens.map((t, i) =>
                            op === "create" ? createOne("token", t, log) : converge("token", m.tokens[i], t, apply, log),
                        ),
                    );
                    m.tokens = tokens.filter((t): t is Held => t !== undefined);
                })(),
                (async () => {
                    if (raw.dir === undefined) return;
                    m.dir = op === "create" ? await createOne("dir", raw.dir, log) : await converge("dir", m.dir, raw.dir, apply, log);
                })(),
            ]);
        }),
    );
}

/** Options of the direct runs. */
export interface DirectRunOptions {
    /** Where to write each operation's journal as CSV; undefined: nowhere. */
    readonly timelineDir?: string;
    /** What each connection declares (default: everything). */
    readonly declared?: Declared;
    /** Run `create all` as set-up at SET_UP_LIMIT, and report no row for it. */
    readonly createAsSetUp?: boolean;
}

/** Runs the five operations for one size and limit on a fresh tenant and returns one row each. */
export async function runDirect(
    emu: EmulatorProxy,
    size: number,
    limitName: LimitName,
    k: number,
    opts: DirectRunOptions = {},
): Promise<OpResult[]> {
    const limit = LIMITS[limitName];
    const declared = opts.declared ?? "all";
    const shape = shapeOf(size, declared);
    const managed: Managed[] = declaredConnections(size, declared).map((decl) => ({ decl, tokens: [] }));
    const host = new URL(emu.url).host;
    const results: OpResult[] = [];
    for (const op of OPS) {
        if (op === "change") for (const m of managed.slice(0, k)) m.decl = { ...m.decl, mode: CHANGED_MODE };
        // A new provider process per command: no pacer, no cached token, no cached default mappings.
        resetProcessState();
        storeSettings({ domain: emu.url, clientId: "local-client", clientSecret: "local-secret" });
        const setUp = op === "create" && opts.createAsSetUp === true;
        await emu.refill(setUp ? SET_UP_LIMIT : limit);
        await emu.clear();
        const log = new OpLog();
        let maxRate = 0;
        const sampler = setInterval(() => (maxRate = Math.max(maxRate, (processState().pacers.get(host)?.rate ?? 0) * 1000)), 100);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await runOp(op, managed, log);
        const wallMs = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        clearInterval(sampler);
        const finalRate = (processState().pacers.get(host)?.rate ?? 0) * 1000;
        const stats = getRequestStats();
        const journal = await emu.journal();
        if (opts.timelineDir !== undefined) saveTimeline(opts.timelineDir, `direct-${limitName}-N${size}-${op}`, journal);
        const counts = countJournal(journal);
        const check = checkTenant(await emu.summary(), size, op === "change" || op === "refresh" ? k : 0, declared);
        if (setUp) {
            if (log.failures > 0 || check !== "") throw new Error(`set-up create of N=${size} failed: ${log.samples.join("; ") || check}`);
            continue;
        }
        results.push({
            size,
            resources: shape.resources,
            limitName,
            mode: "direct",
            op,
            declared,
            k,
            counts,
            readFloor: readFloor(op, shape, k),
            writeFloor: writeFloor(op, shape.createWrites, k),
            failures: log.failures,
            failureSamples: log.samples,
            wallMs,
            providerCpuUs: cpu.user + cpu.system,
            pacerRate: { final: finalRate, max: Math.max(maxRate, finalRate) },
            transport: {
                requests: stats.requests,
                rateLimited: stats.rateLimited,
                retries: stats.retries,
                tokenRequests: stats.tokenRequests,
            },
            steps: log.summary(),
            check,
        });
    }
    return results;
}
