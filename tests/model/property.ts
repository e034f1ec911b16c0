/**
 * One sequence per seed, through fast-check: the seed generates the steps, a failure is shrunk
 * (within a time budget) to a short reproduction. A "world" is one emulator over TLS with the
 * sample tenant, reset between sequences from a snapshot (restarting it costs more than a run).
 */
import * as fc from "fast-check";
import { startEmulator, type EmulatorState, type RunningEmulator } from "../../emulator";
import { emulatorFetch, SAMPLE_TOKEN } from "../helpers/api";
import type { Defaults } from "./invariants";
import { type RunSettings, runSequence, type SequenceReport } from "./runner";
import { mappingKey, snapshot } from "./tenant";
import { sequence } from "./arbitraries";
import { CONNECTIONS, type Step } from "./steps";

/** An emulator, the tenant to reset it to, and the API's default mappings. */
export interface World {
    readonly emu: RunningEmulator;
    readonly pristine: EmulatorState;
    readonly defaults: Defaults;
    readonly settings: RunSettings;
}

async function defaultMapping(emu: RunningEmulator, id: string, feature: string, other: "scim" | "idp"): Promise<string> {
    const res = await emulatorFetch(emu, `/api/v2/connections/${id}/${feature}/default-mapping`, {
        headers: { authorization: `Bearer ${SAMPLE_TOKEN}` },
    });
    if (res.status !== 200) throw new Error(`default mapping of ${id}: ${res.status}`);
    const body = (await res.json()) as { mapping: Array<{ auth0: string } & Record<string, string>> };
    return mappingKey(body.mapping, other);
}

/** Starts an emulator (TLS, sample seed) and reads what the model needs from it. */
export async function startWorld(settings: RunSettings): Promise<World> {
    const emu = await startEmulator({ tls: true, synchronizationDurationMs: 5 });
    const defaults: Defaults = {
        scim: {
            okta: await defaultMapping(emu, CONNECTIONS.okta, "scim-configuration", "scim"),
            samlp: await defaultMapping(emu, CONNECTIONS.samlp, "scim-configuration", "scim"),
            waad: await defaultMapping(emu, CONNECTIONS.waad, "scim-configuration", "scim"),
        },
        directory: await defaultMapping(emu, CONNECTIONS.google, "directory-provisioning", "idp"),
    };
    emu.clearJournal();
    return { emu, pristine: snapshot(emu.state), defaults, settings };
}

/** The outcome of one seed. */
export interface SeedResult {
    readonly seed: number;
    /** The generated sequence's report. */
    readonly first: SequenceReport;
    /** When it failed: the smallest failing sequence found, and its report. */
    readonly shrunk?: { readonly steps: Step[]; readonly report: SequenceReport; readonly tries: number };
}

/** Runs the sequence of one seed and, if it fails, shrinks it for at most `shrinkMs`. */
export async function runSeed(world: World, seed: number, shrinkMs: number): Promise<SeedResult> {
    let first: SequenceReport | undefined;
    let last: { steps: Step[]; report: SequenceReport } | undefined;
    let deadline: number | undefined;
    let tries = 0;
    const property = fc.asyncProperty(sequence, async (steps) => {
        // Budget spent: every further candidate "passes", so fast-check stops at the last failure.
        if (deadline !== undefined && Date.now() > deadline) return true;
        const report = await runSequence(world.emu, world.pristine, world.defaults, steps, world.settings);
        if (first === undefined) first = report;
        else tries += 1;
        // A shrunk candidate counts only when it breaks the same property as the original.
        const broken = first.violations[0]?.property;
        if (broken === undefined || !report.violations.some((v) => v.property === broken)) return true;
        last = { steps, report };
        deadline ??= Date.now() + shrinkMs;
        return false;
    });
    await fc.check(property, { seed, numRuns: 1 });
    if (first === undefined) throw new Error(`seed ${seed} ran nothing`);
    return { seed, first, ...(last ? { shrunk: { ...last, tries } } : {}) };
}

/** Replays a given step list (a printed reproduction). */
export function replay(world: World, steps: Step[]): Promise<SequenceReport> {
    return runSequence(world.emu, world.pristine, world.defaults, steps, world.settings);
}
