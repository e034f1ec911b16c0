/**
 * Turning seed results into what a person needs: totals for the run, and for each failure the
 * seed, the broken property, the shrunk step list (JSON, also written to a file) and the commands
 * that replay it.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROPERTIES, type PropertyId } from "./invariants";
import type { SeedResult } from "./property";

/** Totals of a run. */
export interface Summary {
    readonly runs: number;
    /** Sequences re-run while shrinking failures. */
    readonly shrinkRuns: number;
    readonly commands: number;
    readonly requests: number;
    /** Requests answered with an injected fault or a 429. */
    readonly faults: number;
    /** Commands that reported at least one error. */
    readonly failedCommands: number;
    readonly failed: number;
    /** Renames (most with an add) in one change that a fault-free up met. */
    readonly renameAdds: number;
}

/** Adds up the reports of the generated sequences (not the shrinking re-runs). */
export function summarize(results: readonly SeedResult[]): Summary {
    const sum = (f: (r: SeedResult) => number) => results.reduce((n, r) => n + f(r), 0);
    return {
        runs: results.length,
        shrinkRuns: sum((r) => r.shrunk?.tries ?? 0),
        commands: sum((r) => r.first.commands),
        requests: sum((r) => r.first.requests),
        faults: sum((r) => r.first.faults),
        failedCommands: sum((r) => r.first.failedCommands),
        failed: results.filter((r) => r.shrunk !== undefined).length,
        renameAdds: sum((r) => r.first.renameAdds),
    };
}

/** The property a failed seed broke (its first violation's). */
export function brokenProperty(r: SeedResult): PropertyId | undefined {
    return r.first.violations[0]?.property;
}

/** A printable reproduction of one failure; the shrunk steps are also written to a file for MODEL_REPLAY. */
export function reproduction(r: SeedResult): string {
    const shrunk = r.shrunk;
    if (shrunk === undefined) return `seed ${r.seed}: passed`;
    const property = brokenProperty(r) ?? "P3";
    const file = join(tmpdir(), `auth0-model-seed-${r.seed}.json`);
    const steps = JSON.stringify(shrunk.steps);
    writeFileSync(file, `${steps}\n`);
    const found = shrunk.report.violations.filter((v) => v.property === property);
    return [
        `seed ${r.seed} broke ${property} (${PROPERTIES[property]})`,
        ...found.map((v) => `  after step ${v.step}: ${v.message}`),
        `  minimal reproduction (${shrunk.steps.length} steps, shrunk in ${shrunk.tries} re-runs):`,
        `  ${steps}`,
        "  what happened:",
        ...shrunk.report.log.map((l) => `    ${l.length > 400 ? `${l.slice(0, 397)}...` : l}`),
        `  replay: MODEL_REPLAY=${file} npx mocha tests/model/model.test.ts`,
        `  rerun:  MODEL_SEED=${r.seed} MODEL_RUNS=1 npx mocha tests/model/model.test.ts`,
    ].join("\n");
}
