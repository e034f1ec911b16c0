/**
 * What a run has measured so far, kept in a file after each combination: a benchmark of half an
 * hour on a shared machine can be stopped (or killed) and resumed without measuring again what it
 * already has. Results belong to the code they measured, so a file from other code is not used.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Combo } from "./args";
import type { OpResult } from "./measure";

/** One measured combination: its rows and how long it took. */
export interface SavedCombo {
    readonly rows: OpResult[];
    readonly seconds: number;
}

/** The file's content. */
export interface SavedRun {
    /** The code measured (commit and changed files), as bench.ts describes it. */
    readonly code: string;
    readonly combos: Record<string, SavedCombo>;
}

/** The key of a combination in the file. */
export function comboKey(c: Combo): string {
    return `${c.size}|${c.limit}|${c.mode}|${c.declared}`;
}

function isSavedRun(value: unknown): value is SavedRun {
    if (typeof value !== "object" || value === null || !("code" in value) || !("combos" in value)) return false;
    const { code, combos } = value;
    return (
        typeof code === "string" &&
        typeof combos === "object" &&
        combos !== null &&
        Object.values(combos).every(
            (c: unknown) =>
                typeof c === "object" &&
                c !== null &&
                "rows" in c &&
                Array.isArray(c.rows) &&
                "seconds" in c &&
                typeof c.seconds === "number",
        )
    );
}

/** What `file` holds for `code`; empty when there is no file, or it measured other code. */
export function loadRun(file: string | undefined, code: string): SavedRun {
    if (file === undefined || !existsSync(file)) return { code, combos: {} };
    const saved: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (!isSavedRun(saved) || saved.code !== code) {
        console.log(`${file} holds results of other code or is not a saved run: starting afresh`);
        return { code, combos: {} };
    }
    return saved;
}

/** Adds one combination and writes the file at once. */
export function saveCombo(file: string | undefined, run: SavedRun, c: Combo, saved: SavedCombo): SavedRun {
    const next: SavedRun = { code: run.code, combos: { ...run.combos, [comboKey(c)]: saved } };
    if (file !== undefined) writeFileSync(file, JSON.stringify(next));
    return next;
}
