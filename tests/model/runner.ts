/**
 * Runs one sequence against a running emulator: resets the tenant, applies each step, runs each
 * command as a fresh provider process would (new client, caches and pacing) under its fault
 * profile, waits until the emulator has finished every request (slow faults process late), checks
 * the invariants, and finishes with the convergence check (two fault-free `up`s).
 */
import type { EmulatorState, RunningEmulator } from "../../emulator";
import { newRun } from "../../components/provider/token-run";
import { processState } from "../../management-api/state";
import { settle, useEmulator } from "../helpers/api";
import { type CommandResult, type Declared, Engine } from "./engine";
import { checkRun, type Defaults, type RunContext, type Violation } from "./invariants";
import { syncModel } from "./model-sync";
import { Model, names } from "./model";
import { heldTokens } from "./revokes";
import { ownedOf, restore } from "./tenant";
import { CONN_KEYS, CONNECTIONS, type ConnKey, type FaultProfile, type ScimConn, type Step } from "./steps";
import { land, landBefore, type Landing, owedLandings } from "./late-landings";
import { faultRules, oddServerRule } from "./fault-rules";
import { letTokenWindowsPass, soonestLanding } from "./pending-requests";
import { checkRenameAdd, type RenameAdd, refusableOn, renameToken, splitRenameAdd, stillDeclared } from "./rename-add";

/** How a sequence runs. */
export interface RunSettings {
    /** The client's per-request timeout under faults; slow faults answer after it. */
    readonly timeoutMs: number;
    /** The timeout of fault-free commands: generous, so a busy machine is not mistaken for a fault. */
    readonly cleanTimeoutMs: number;
    /** A command taking longer than this is a hang. */
    readonly commandLimitMs: number;
}

/** A violation with the step it appeared after (`steps.length` for the final convergence check). */
export type Found = Violation & { readonly step: number };

/** What one sequence did. */
export interface SequenceReport {
    readonly violations: Found[];
    /** One line per step: the step and what came of it. */
    readonly log: string[];
    readonly commands: number;
    /** Requests answered with an injected fault or a 429. */
    readonly faults: number;
    readonly requests: number;
    /** Commands that ended with at least one error. */
    readonly failedCommands: number;
    /** Renames (most with an add) in one change that a fault-free up met (P11 checked). */
    readonly renameAdds: number;
}

const NO_FAULTS: FaultProfile = { kind: "none", p: 0, times: 0, seed: 0 };

/**
 * Every Pulumi command runs the providers in a new process: caches, hand-offs, pacing and counters
 * start empty. The SDK clients are kept (only their TLS connections carry over): building a TLS
 * context per command would cost more than the rest of the command.
 */
function freshProcess(emu: RunningEmulator, timeoutMs: number): void {
    const clients = [...processState().clients];
    useEmulator(emu, { timeoutMs });
    for (const [key, api] of clients) {
        processState().clients.set(key, api);
        // What a run knows about tokens lives per client: a new process starts knowing nothing.
        newRun(api);
    }
}

function withLimit<T>(p: Promise<T>, ms: number): Promise<T | "hang"> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<"hang">((resolve) => {
        timer = setTimeout(() => resolve("hang"), ms);
    });
    return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Runs one sequence from a pristine tenant. */
export async function runSequence(
    emu: RunningEmulator,
    pristine: EmulatorState,
    defaults: Defaults,
    steps: readonly Step[],
    settings: RunSettings,
): Promise<SequenceReport> {
    restore(emu, pristine);
    const model = new Model(emu.state);
    const engine = new Engine();
    const log: string[] = [];
    const violations: Found[] = [];
    let commands = 0;
    let faults = 0;
    let requests = 0;
    let failedCommands = 0;
    let renameAdds = 0;
    /** Token POSTs of the previous command the server has yet to carry out (`late-next`). */
    let owed: Landing[] = [];
    /** Renames (maybe with an add) declared in one change, per connection, watched by the next command (rename-add.ts). */
    const renames = new Map<ScimConn, RenameAdd>();

    const command = async (
        cmd: "up" | "preview" | "refresh" | "destroy",
        profile: FaultProfile,
        at: number,
        how: Pick<Extract<Step, { t: "run" }>, "target" | "now"> = {},
    ): Promise<CommandResult | undefined> => {
        const before = Object.fromEntries(CONN_KEYS.map((c) => [c, ownedOf(emu.state, c)])) as RunContextBefore;
        const appliedBefore = new Map(model.applied);
        const inStateBefore = new Set(engine.state.keys());
        const heldBefore = heldTokens(engine);
        const watched = [...renames.values()].filter((r) => stillDeclared(model, r));
        renames.clear();
        const outsBefore = new Map([...engine.state].map(([n, e]) => [n, { ...e.outs, initError: e.initError === true }]));
        // A fault-free command comes after any owed token landed and any open token request window
        // passed, as a person would run it later; a faulty one, or a fault-free one run at once
        // (`now`), starts while the owed tokens have not landed yet, and they land while it runs,
        // just before their request's window ends.
        const later = profile.kind === "none" && how.now !== true;
        const landedFirst = later ? land(emu, owed.splice(0)) : [];
        const landing = landBefore(emu, owed.splice(0), soonestLanding(engine));
        const waited = later ? letTokenWindowsPass(engine, emu) : 0;
        const target = how.target && targetOf(model.resources(), engine, names.token(how.target.conn, how.target.slot));
        emu.clearJournal();
        const { rules, rateLimit } = faultRules(profile, settings.timeoutMs);
        // A server that lists valid_until oddly does so in every command; the command's own faults come first.
        emu.setFaults(model.odd === null ? rules : [...rules, oddServerRule(model.odd)], profile.seed);
        emu.setRateLimit(rateLimit);
        freshProcess(emu, profile.kind === "none" ? settings.cleanTimeoutMs : settings.timeoutMs);
        const run =
            cmd === "up"
                ? engine.up(model.resources(), target)
                : cmd === "preview"
                  ? engine.preview(model.resources())
                  : cmd === "refresh"
                    ? engine.refresh()
                    : engine.destroy();
        const started = Date.now();
        // After the late tokens landed before the command: what the server holds when the command starts.
        const tokensBefore = storedTokens(emu.state);
        if (process.env.MODEL_DEBUG) console.error(`  [debug] #${at} ${cmd} ${profile.kind} start`);
        const result = await withLimit(run, settings.commandLimitMs);
        if (process.env.MODEL_DEBUG) console.error(`  [debug] #${at} ${cmd} ${profile.kind} ${Date.now() - started} ms`);
        const took = Date.now() - started;
        emu.setFaults([]);
        emu.setRateLimit(undefined);
        // A hung command goes on once its faults are gone: let it end here, so its late writes land in
        // this sequence (which fails on the hang) and not in the next one's tenant.
        if (result === "hang")
            await withLimit(
                run.catch(() => undefined),
                settings.commandLimitMs,
            );
        const landedAfter = await landing;
        const settled = await settle(emu);
        owed = profile.kind === "late-next" ? owedLandings(emu.journal) : [];
        commands += 1;
        requests += emu.journal.length;
        faults += emu.journal.filter((e) => e.fault !== undefined || e.status === 429).length;
        if (result === "hang") {
            violations.push({ property: "P3", step: at, message: `${cmd} did not finish within ${settings.commandLimitMs} ms` });
            return undefined;
        }
        if (result.errors.length > 0) failedCommands += 1;
        const ctx = {
            cmd,
            // A targeted up is held to no convergence promise: the resources it leaves out are not read.
            faulted: profile.kind !== "none" || target !== undefined,
            before,
            appliedBefore,
            inStateBefore,
            result,
            journal: [...emu.journal],
            engine,
            defaults,
            heldBefore,
            outsBefore,
            tokensBefore,
            startedAt: started,
            refusable: watched.map(refusableOn),
        };
        const found = checkRun(model, emu.state, ctx);
        syncModel(model, emu.state, ctx);
        violations.push(...found.map((v) => ({ ...v, step: at })));
        for (const w of watched) {
            // A command started at once may meet a late token landing mid-run: no promise then.
            const promised = { cmd, faulted: ctx.faulted || how.now === true };
            if (cmd === "up" && !promised.faulted) renameAdds += 1;
            const p11 = checkRenameAdd(w, promised, result, engine);
            violations.push(...p11.map((v) => ({ ...v, step: at })));
            splitRenameAdd(model, w, result);
        }
        const landed = [...landedFirst, ...landedAfter];
        const ops = [...result.outcomes].map(([n, o]) => `${n}:${o.op}${o.ok ? "" : "!"}`).join(" ");
        log.push(
            `#${at} ${cmd}${target ? ` --target ${[...target].join(",")}` : ""}${how.now ? " at once" : ""} [${profile.kind}]${landed.length > 0 ? ` (late token ${landed.join(", ")} landed)` : ""}${waited > 0 ? ` (after ${Math.round(waited / 1000)} s)` : ""} ${took} ms ${ops}${result.errors.length ? ` errors: ${result.errors.map((e) => e.message).join(" | ")}` : ""}${settled ? "" : " (emulator still busy)"}`,
        );
        return result;
    };

    for (const [i, step] of steps.entries()) {
        if (step.t === "rename") {
            const { said, pending } = renameToken(model, step);
            if (pending !== null) renames.set(pending.conn, pending);
            log.push(`#${i} ${JSON.stringify(step)} -> ${said}`);
            continue;
        }
        if (step.t !== "run") {
            log.push(`#${i} ${JSON.stringify(step)} -> ${model.apply(step, emu.state)}`);
            continue;
        }
        await command(step.cmd, step.faults, i, step);
        if (violations.length > 0) break;
    }
    // A rename and an add no command met yet: the up that meets it, then the person's two runs.
    if (violations.length === 0 && renames.size > 0) await command("up", NO_FAULTS, steps.length);
    if (violations.length === 0) {
        const first = await command("up", NO_FAULTS, steps.length);
        if (first !== undefined && violations.length === 0) {
            const second = await command("up", NO_FAULTS, steps.length);
            const writes = emu.journal.filter((e) => e.method !== "GET" && e.path.startsWith("/api/v2"));
            const changed = second ? [...second.outcomes].filter(([, o]) => o.op !== "same") : [];
            if (writes.length > 0 || changed.length > 0) {
                const what = [...writes.map((e) => `${e.method} ${e.path}`), ...changed.map(([n, o]) => `${n}:${o.op}`)];
                violations.push({
                    property: "P3",
                    step: steps.length,
                    message: `a second fault-free up still changed something: ${what.join(", ")}`,
                });
            }
        }
    }
    return { violations, log, commands, faults, requests, failedCommands, renameAdds };
}

type RunContextBefore = Record<ConnKey, ReturnType<typeof ownedOf>>;

/** The tokens the server stores on each SCIM connection, as stored (not as a listing may show them). */
function storedTokens(state: EmulatorState): RunContext["tokensBefore"] {
    const of = (c: ScimConn) => structuredClone(state.scimTokens[CONNECTIONS[c]] ?? []);
    return { okta: of("okta"), samlp: of("samlp"), waad: of("waad") };
}

/** What `up --target <name>` needs: the resource, and what it depends on that the state lacks (as a person would target them too). */
function targetOf(declared: readonly Declared[], engine: Engine, name: string): Set<string> {
    const out = new Set<string>();
    const add = (n: string): void => {
        if (out.has(n)) return;
        out.add(n);
        for (const dep of declared.find((d) => d.name === n)?.dependsOn ?? []) if (!engine.state.has(dep)) add(dep);
    };
    add(name);
    return out;
}
