/**
 * Random sequences through the real engine on the project directory: per seed, 1-3 `up`s of a
 * random config of 1-3 sample connections, with dashboard edits of options we do not own and random
 * faults (503 before or after processing on writes, slow answers, dropped connections); then, faults
 * off, one clean `up` must converge, a preview must write nothing, every option we do not own must
 * hold what the test set, the live SCIM tokens must be the declared ones plus those there before,
 * and `destroy` must put back what it owns. `npm test` runs the fixed seeds CI_SEEDS; the long hunt
 * runs E2E_SEQ_RUNS seeds from E2E_SEQ_SEED (default 1) onwards. E2E_SEQ_LANES stacks run at once
 * (default 2, each with its own emulator). The emulator's faults depend only on the seed and the
 * request, never on timing, so a seed means the same faults on any machine. A failing seed prints
 * its sequence as JSON; `E2E_SEQ_SEED=<seed> E2E_SEQ_RUNS=1` reruns it.
 */
import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import type { JsonValue } from "../../emulator/types";
import * as cli from "../helpers/cli";
import { errorLines } from "../helpers/cli";
import { configJson, requireEngine, type TestStack } from "../helpers/pulumi";
import { rootProgramStack } from "../helpers/root-stack";
import { writes } from "../helpers/api";
import { FAULTY_TIMEOUT_MS, sequenceOf, TARGETS, type Sequence, type Target } from "./sequence-gen";

/**
 * The seeds `npm test` runs, chosen for what they cover between them: every fault kind, selected
 * groups, two tokens and their rotation, restore on destroy, connections declared by id, sequences of
 * three ups, and seed 15, whose failed up once printed no cause (issue 27).
 */
const CI_SEEDS = [4, 6, 15, 16, 24, 26, 30, 32];
const SEEDS: readonly number[] =
    process.env.E2E_SEQ_RUNS === undefined && process.env.E2E_SEQ_SEED === undefined
        ? CI_SEEDS
        : Array.from({ length: Number(process.env.E2E_SEQ_RUNS ?? 20) }, (_, i) => Number(process.env.E2E_SEQ_SEED ?? 1) + i);
const LANES = Math.max(1, Number(process.env.E2E_SEQ_LANES ?? 2));
const MODE_KEY = "set_user_root_attributes";
const TIMEOUT_KEY = "auth0-connection-sync:requestTimeoutMs";
const CONNECTIONS_KEY = "auth0-connection-sync:connections";
/** What an error must never read like: a crash instead of a cause. */
const CRASH = /Cannot read propert|is not a function|is not iterable|undefined is not|TypeError|ReferenceError|\[object Object\]/;
/** The causes a faulty up may name: the request that failed and how. */
const CAUSE = /Auth0 API (GET|POST|PATCH|PUT|DELETE) \/api\/v2\/\S+ failed|timed out|no response/;

/** One lane: its own emulator and stack, sequences one after another. */
interface Lane {
    readonly emu: RunningEmulator;
    readonly t: TestStack;
    /** Every option of every target we do not own, as the test last set it. */
    readonly known: Record<string, Record<string, JsonValue>>;
}

/** What one sequence did. */
interface Outcome {
    readonly seq: Sequence;
    /** Error lines of each failed faulty up. */
    readonly errors: string[][];
    /** Everything a failed faulty up printed, when it printed no error line: the evidence to read. */
    readonly silent: string[];
    faultsFired: number;
    readonly ms: number;
    failure?: string;
    restoreFailure?: string;
}

type Entry = Record<string, Record<string, unknown> | undefined>;

function literal(options: Record<string, unknown>): string {
    return Object.hasOwn(options, MODE_KEY) ? JSON.stringify(options[MODE_KEY]) : "absent";
}

function entryOf(connections: Sequence["steps"][number]["connections"], target: Target): Entry | undefined {
    return (connections[target.name] ?? connections[target.id]) as Entry | undefined;
}

function modeOf(profileSync: unknown): string {
    return typeof profileSync === "string" ? profileSync : String((profileSync as { mode: string }).mode);
}

function pairs(mapping: readonly Record<string, string>[], other: "scim" | "idp"): string[] {
    return mapping.map((m) => `${m.auth0} -> ${m[other]}`).sort();
}

/** Wall-clock milliseconds per kind of engine operation, for the summary. */
const timings = new Map<string, number[]>();

async function timed<T>(kind: string, run: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
        return await run();
    } finally {
        timings.set(kind, [...(timings.get(kind) ?? []), Date.now() - start]);
    }
}

/** The token ids each SCIM target holds now. */
function tokenIds(emu: RunningEmulator): Record<string, string[]> {
    return Object.fromEntries(TARGETS.map((x) => [x.id, (emu.state.scimTokens[x.id] ?? []).map((k) => k.token_id).sort()]));
}

/** Every option we do not own still has the value the test last gave it. */
function checkForeign(lane: Lane): void {
    for (const [id, known] of Object.entries(lane.known)) {
        const live = (lane.emu.state.connections[id].options ?? {}) as Record<string, unknown>;
        for (const [key, value] of Object.entries(known)) assert.deepEqual(live[key], value, `options.${key} of ${id}`);
    }
}

/** The tenant is what the last config declares, and the declared tokens are live beside those that were there before. */
async function checkConverged(lane: Lane, seq: Sequence, tokensBefore: Record<string, string[]>): Promise<void> {
    const { emu, t } = lane;
    const last = seq.steps.at(-1)!.connections;
    const outputs = (await timed("outputs", () => cli.outputs(t))).connections as Record<
        string,
        { scimTokens?: Record<string, { id: string }> }
    >;
    for (const target of TARGETS) {
        const entry = entryOf(last, target);
        const options = (emu.state.connections[target.id].options ?? {}) as Record<string, unknown>;
        if (entry?.profileSync !== undefined) {
            const mode = modeOf(entry.profileSync);
            const ok = options[MODE_KEY] === mode || (mode === "on_each_login" && !Object.hasOwn(options, MODE_KEY));
            assert.ok(ok, `${target.name}: ${MODE_KEY} is ${literal(options)}, declared ${mode}`);
        }
        const scim = entry?.scim as { userIdAttribute?: string; mapping?: Record<string, string>[]; tokens?: object } | undefined;
        const declared: Record<string, { scopes: string[] }> = (scim?.tokens ?? {}) as Record<string, { scopes: string[] }>;
        if (scim !== undefined) {
            const live = emu.state.scimConfigurations[target.id];
            assert.ok(live, `${target.name}: SCIM configuration exists`);
            assert.equal(live.user_id_attribute, scim.userIdAttribute ?? "externalId");
            if (scim.mapping) assert.deepEqual(pairs(live.mapping as never, "scim"), pairs(scim.mapping, "scim"));
        }
        const issued = outputs[target.name]?.scimTokens ?? {};
        assert.deepEqual(Object.keys(issued).sort(), Object.keys(declared).sort(), `${target.name}: issued token names`);
        const live = emu.state.scimTokens[target.id] ?? [];
        for (const [name, tok] of Object.entries(declared)) {
            const found = live.find((k) => k.token_id === issued[name].id);
            assert.ok(found, `${target.name}: token ${name} is live`);
            assert.deepEqual([...found.scopes].sort(), [...tok.scopes].sort(), `${target.name}: scopes of token ${name}`);
        }
        const want = [...new Set([...tokensBefore[target.id], ...Object.values(issued).map((x) => x.id)])].sort();
        assert.deepEqual(tokenIds(emu)[target.id], want, `${target.name}: live tokens are the declared ones plus those before`);
        const dir = entry?.directoryProvisioning as
            | {
                  mapping?: Record<string, string>[];
                  synchronizeAutomatically?: boolean;
                  synchronizeGroups?: string;
                  groups?: { id: string }[];
              }
            | undefined;
        if (dir !== undefined) {
            const live = emu.state.directoryProvisionings[target.id];
            assert.ok(live, `${target.name}: directory provisioning exists`);
            assert.equal(live.synchronize_automatically, dir.synchronizeAutomatically ?? false);
            assert.equal(live.synchronize_groups, dir.synchronizeGroups ?? "off");
            if (dir.mapping) assert.deepEqual(pairs(live.mapping as never, "idp"), pairs(dir.mapping, "idp"));
            if (dir.groups) {
                const ids = (emu.state.synchronizedGroups[target.id] ?? []).map((g) => g.id).sort();
                assert.deepEqual(ids, dir.groups.map((g) => g.id).sort(), `${target.name}: selected groups`);
            }
        }
    }
    checkForeign(lane);
}

async function runSequence(lane: Lane, seq: Sequence): Promise<Outcome> {
    const { emu, t } = lane;
    const started = Date.now();
    const outcome: Outcome = { seq, errors: [], silent: [], faultsFired: 0, ms: 0 };
    const modesBefore = Object.fromEntries(TARGETS.map((x) => [x.id, literal(emu.state.connections[x.id].options ?? {})]));
    const tokensBefore = tokenIds(emu);
    let phase = "faulty ups";
    try {
        for (const step of seq.steps) {
            for (const e of step.edits) {
                emu.state.connections[e.connectionId].options![e.key] = structuredClone(e.value);
                lane.known[e.connectionId][e.key] = structuredClone(e.value);
            }
            const config = configJson({ [TIMEOUT_KEY]: { value: String(FAULTY_TIMEOUT_MS) } }, { [CONNECTIONS_KEY]: step.connections });
            await timed("config", () => t.stack.setAllConfigJson(config));
            emu.clearJournal();
            emu.setFaults([...step.faults], step.faultSeed);
            try {
                await timed("faulty up", () => cli.up(t));
            } catch (err) {
                const lines = errorLines(err);
                outcome.errors.push(lines);
                if (lines.length === 0) outcome.silent.push(err instanceof Error ? err.message : String(err));
            } finally {
                emu.setFaults([]);
                outcome.faultsFired += emu.journal.filter((e) => e.fault !== undefined).length;
            }
        }
        phase = "clean up";
        await timed("config", () => t.stack.removeConfig(TIMEOUT_KEY));
        await timed("clean up", () => cli.up(t));
        phase = "preview after the clean up";
        emu.clearJournal();
        const pre = await timed("preview", () => cli.preview(t));
        assert.deepEqual(Object.keys(pre.changes), ["same"], "the preview after a clean up has nothing to do");
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.path}`),
            [],
            "the preview writes nothing",
        );
        phase = "state after the clean up";
        await checkConverged(lane, seq, tokensBefore);
        phase = "destroy";
        await timed("destroy", () => cli.destroy(t));
        assert.deepEqual(tokenIds(emu), tokensBefore, "destroy leaves the tokens that were there before");
        checkForeign(lane);
        const restored: string[] = [];
        for (const target of TARGETS) {
            const ps = entryOf(seq.steps.at(-1)!.connections, target)?.profileSync as { onDelete?: string } | string | undefined;
            const now = literal(emu.state.connections[target.id].options ?? {});
            if (ps === undefined) assert.equal(now, modesBefore[target.id], `${target.name}: ${MODE_KEY} not declared, not touched`);
            else if (typeof ps === "object" && ps.onDelete === "restore" && now !== modesBefore[target.id]) {
                restored.push(`${target.name}: restored ${now}, was ${modesBefore[target.id]}`);
            }
        }
        if (restored.length > 0) outcome.restoreFailure = restored.join("; ");
    } catch (err) {
        const journal = emu.journal.map((e) => `${e.method} ${e.path} ${e.status}${e.fault ? ` (${e.fault})` : ""}`).join("\n        ");
        const lines = errorLines(err);
        const why = lines.length > 0 ? lines.join("\n") : err instanceof Error ? err.message : String(err);
        outcome.failure = `${phase}: ${why}\n      journal since the last faulty up:\n        ${journal}`;
        emu.setFaults([]);
        await t.stack.removeConfig(TIMEOUT_KEY).catch(() => undefined);
        await cli.destroy(t).catch((e: unknown) => (outcome.failure += `\n(and destroy failed: ${String(e)})`));
    }
    if (outcome.failure !== undefined || outcome.restoreFailure !== undefined) {
        console.log(`\n      seed ${seq.seed} failed; E2E_SEQ_SEED=${seq.seed} E2E_SEQ_RUNS=1 reruns it:\n${JSON.stringify(seq)}\n`);
    }
    return { ...outcome, ms: Date.now() - started };
}

async function openLane(bin: string, index: number): Promise<Lane> {
    const emu = await startEmulator({ tls: true });
    // The dashboard turned the group API on: selected groups need it, and it is not ours.
    emu.state.connections[TARGETS.find((x) => x.directory)!.id].options!.api_enable_groups = true;
    const known = Object.fromEntries(
        TARGETS.map((x) => {
            const { [MODE_KEY]: _mode, ...rest } = structuredClone(emu.state.connections[x.id].options ?? {});
            return [x.id, rest];
        }),
    );
    try {
        return { emu, known, t: await rootProgramStack(bin, emu, `sequences-${index}`, {}) };
    } catch (err) {
        await emu.close();
        throw err;
    }
}

describe("Random sequences through the real engine", function () {
    this.timeout(40 * 60_000);
    const lanes: Lane[] = [];
    const outcomes: Outcome[] = [];

    before(async function () {
        const bin = requireEngine(this);
        for (let i = 0; i < LANES; i++) lanes.push(await openLane(bin, i));
        const queue = [...SEEDS];
        await Promise.all(
            lanes.map(async (lane) => {
                for (let seed = queue.shift(); seed !== undefined; seed = queue.shift())
                    outcomes.push(await runSequence(lane, sequenceOf(seed)));
            }),
        );
        const ups = outcomes.reduce((n, o) => n + o.seq.steps.length, 0);
        const failedUps = outcomes.reduce((n, o) => n + o.errors.length, 0);
        const faults = outcomes.reduce((n, o) => n + o.faultsFired, 0);
        console.log(`      ${outcomes.length} sequences, ${ups} faulty ups (${failedUps} failed), ${faults} faults fired`);
        const kinds = new Map<string, number>();
        for (const line of outcomes.flatMap((o) => o.errors.flat())) {
            const kind = line.replace(/con_\w+|tok_\w+|\b\d+\b/g, "#").slice(0, 160);
            kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        }
        for (const [kind, n] of kinds) console.log(`      ${n} x ${kind}`);
        for (const [kind, ms] of timings) {
            console.log(`      ${kind}: ${ms.length} x, mean ${Math.round(ms.reduce((a, b) => a + b, 0) / ms.length)} ms`);
        }
    });
    after(async () => {
        for (const lane of lanes) {
            lane.t.cleanup();
            await lane.emu.close();
        }
    });

    it("converges every sequence with one clean up, then writes nothing, keeps every option it does not own and the declared tokens", () => {
        assert.equal(outcomes.length, SEEDS.length);
        const failed = outcomes.filter((o) => o.failure !== undefined).map((o) => `seed ${o.seq.seed}: ${o.failure}`);
        assert.deepEqual(failed, []);
    });

    it("names the cause in every error of a faulty up", () => {
        const errors = outcomes.flatMap((o) => o.errors.map((lines) => ({ seed: o.seq.seed, lines })));
        const bad = errors.filter((e) => e.lines.length === 0 || e.lines.some((l) => CRASH.test(l)) || !e.lines.some((l) => CAUSE.test(l)));
        const silent = outcomes.flatMap((o) => o.silent.map((text) => `seed ${o.seq.seed}:\n${text}`));
        assert.deepEqual(bad, [], silent.length > 0 ? `${JSON.stringify(bad)}\n${silent.join("\n\n")}` : undefined);
    });

    it("never asks for a third active SCIM token (the replacement order fits the limit of two)", () => {
        const over = outcomes.flatMap((o) =>
            [...o.errors.flat(), o.failure ?? ""]
                .filter((l) => /at most 2 active SCIM tokens|already holds \d active SCIM tokens/.test(l))
                .map(() => o.seq.seed),
        );
        assert.deepEqual([...new Set(over)], [], "seeds whose ups were refused a third token");
    });

    it("faults happened and some ups failed, so the sequences tested recovery", () => {
        assert.ok(outcomes.reduce((n, o) => n + o.faultsFired, 0) > 0);
        assert.ok(outcomes.some((o) => o.errors.length > 0));
    });

    it("puts back the value found before on destroy with onDelete: restore", () => {
        const failed = outcomes.filter((o) => o.restoreFailure !== undefined).map((o) => `seed ${o.seq.seed}: ${o.restoreFailure}`);
        assert.deepEqual(failed, []);
    });
});
