/**
 * Model-based randomized test of the four dynamic providers against the Auth0 emulator (over TLS).
 * Each sequence starts from the sample tenant and mixes declaration changes, dashboard edits (of
 * options we do not own, odd keys and nested objects included, and of what we own), out-of-band
 * deletes, tokens issued by someone else, and `up`/`preview`/`refresh`/`destroy`, each command under
 * a random fault profile (5xx, 503 after processing, responses slower than the client timeout,
 * dropped connections, random 429s, a tiny rate-limit bucket, token listings with an odd
 * `valid_until`, listings that repeat their cursor), tenant steps (a token lifetime cap; a server
 * that lists `valid_until` oddly in every command), now and then a paged burst (a stack that reads
 * through listings, then commands under a repeated cursor: paged-burst.ts), and a burst of commands
 * close together around a token request without a clear answer (its token landing later, a new
 * same-scope token declared meanwhile, `up --target` one token, fault-free runs at once: see
 * arbitraries.ts). After every command the invariants
 * in invariants.ts are checked against an independent model (model.ts); every sequence ends with
 * two fault-free `up`s (converge, then write nothing). A failure is shrunk with fast-check and
 * printed as a step list to replay.
 *
 * Environment (all optional):
 *   MODEL_SEED        first seed; sequence i runs with seed MODEL_SEED + i (default 20261201)
 *   MODEL_RUNS        number of sequences (default 1000; in replay mode, how many times to replay)
 *   MODEL_WORKERS     worker threads, one emulator each (default 12; they mostly wait, so more than cores)
 *   MODEL_SHRINK_MS   time spent shrinking one failure (default 30000)
 *   MODEL_TIMEOUT_MS  the providers' request timeout under faults; slow faults answer after it (default 300;
 *                     fault-free commands use the default 15000, so a busy machine is not taken for a fault)
 *   MODEL_REPLAY      a step list (JSON) or a file holding one: replay it instead of generating
 *   MODEL_BURSTS      one step in this many after the first up is a burst around an unanswered token
 *                     request (default 100; 0: none; 8 hunts token bugs: see arbitraries.ts)
 *
 * Longer local run: MODEL_RUNS=20000 MODEL_SEED=123 npx mocha tests/model/model.test.ts
 */
import * as assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { PROPERTIES, type PropertyId } from "./invariants";
import { replay, type SeedResult, startWorld } from "./property";
import { brokenProperty, reproduction, summarize } from "./report";
import type { SequenceReport } from "./runner";
import type { Step } from "./steps";
import { runInWorker } from "./worker";

function envInt(name: string, fallback: number): number {
    const raw = process.env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number (got ${JSON.stringify(raw)})`);
    return n;
}

const SEED = envInt("MODEL_SEED", 20261201);
const RUNS = envInt("MODEL_RUNS", 1000);
const WORKERS = Math.max(1, envInt("MODEL_WORKERS", 12));
const SHRINK_MS = envInt("MODEL_SHRINK_MS", 30_000);
const SETTINGS = { timeoutMs: envInt("MODEL_TIMEOUT_MS", 300), cleanTimeoutMs: 15_000, commandLimitMs: 60_000 };
const REPLAY = process.env.MODEL_REPLAY;

function replaySteps(raw: string): Step[] {
    const text = raw.trim().startsWith("[") ? raw : readFileSync(raw, "utf8");
    if (!raw.trim().startsWith("[") && !existsSync(raw)) throw new Error(`MODEL_REPLAY: no such file ${raw}`);
    return JSON.parse(text) as Step[];
}

describe("Model-based random sequences (providers against the emulator)", function () {
    this.timeout(Math.max(900_000, RUNS * 3_000));
    const results: SeedResult[] = [];
    const replays: SequenceReport[] = [];
    let elapsedMs = 0;

    before(async function () {
        this.timeout(Math.max(900_000, RUNS * 3_000));
        const started = Date.now();
        if (REPLAY !== undefined) {
            const world = await startWorld(SETTINGS);
            try {
                for (let i = 0; i < Math.max(1, Math.min(RUNS, 50)); i++) replays.push(await replay(world, replaySteps(REPLAY)));
            } finally {
                await world.emu.close();
            }
        } else {
            let next = 0;
            const take = () => (next < RUNS ? SEED + next++ : undefined);
            const workers = Array.from({ length: Math.min(WORKERS, RUNS) }, () =>
                runInWorker({ settings: SETTINGS, shrinkMs: SHRINK_MS }, take, (r) => results.push(r)),
            );
            await Promise.all(workers);
        }
        elapsedMs = Date.now() - started;
    });

    it(REPLAY ? "replays the given steps" : `runs ${RUNS} sequences from seed ${SEED}, with faults injected`, () => {
        if (REPLAY !== undefined) {
            for (const r of replays) console.log(`      ${JSON.stringify(r.violations)}\n        ${r.log.join("\n        ")}`);
            return;
        }
        const s = summarize(results);
        console.log(
            `      ${s.runs} sequences in ${(elapsedMs / 1000).toFixed(1)} s (${WORKERS} workers): ${s.commands} commands, ` +
                `${s.requests} requests, ${s.faults} answered with an injected fault or a 429, ${s.failedCommands} commands ` +
                `reported errors, ${s.renameAdds} renames (most with an add) in one change met by a fault-free up; ${s.failed} ` +
                `sequences broke a property (${s.shrinkRuns} re-runs shrinking them)`,
        );
        assert.equal(results.length, RUNS, "every sequence ran");
        assert.ok(s.faults > 0, "faults were injected");
    });

    for (const id of Object.keys(PROPERTIES) as PropertyId[]) {
        it(`${id}: ${PROPERTIES[id]}`, () => {
            if (REPLAY !== undefined) {
                const found = replays.flatMap((r) => r.violations.filter((v) => v.property === id));
                assert.deepEqual(found, [], `${id} broken in replay`);
                return;
            }
            const open = results.filter((r) => r.shrunk !== undefined && brokenProperty(r) === id).sort((a, b) => a.seed - b.seed);
            if (open.length > 0) {
                const repros = open.map(reproduction);
                const lines = open.map((r) => `  seed ${r.seed}: ${r.first.violations[0].message.slice(0, 300)}`);
                assert.fail(`${open.length} sequence(s) broke ${id}:\n${lines.join("\n")}\n\n${repros.slice(0, 3).join("\n\n")}`);
            }
        });
    }
});
