/**
 * Set-up shared by the export suites: the AUTH0_* variables pointing at a suite's emulator, a log
 * that keeps what the export says on stderr, and throwaway stack files.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import type { RunningEmulator } from "../../emulator";
import { runExport } from "../../scripts/export";

/** The connections block as plain data. */
export type Block = Record<string, Record<string, unknown>>;

/** The `auth0-connection-sync:connections` block of a stack file or printed export. */
export function blockOf(yamlText: string): Block {
    return (parse(yamlText) as { config: Record<string, Block> }).config["auth0-connection-sync:connections"];
}

/** What one run of the export said on stderr, line by line. */
export interface ExportRun {
    readonly out: string;
    readonly logs: string[];
    /** When each log line came (ms since the run started). */
    readonly at: number[];
}

/** Runs the export against `emu` with `argv`, collecting its log lines. */
export async function exportFrom(emu: RunningEmulator, argv: readonly string[]): Promise<ExportRun> {
    const logs: string[] = [];
    const at: number[] = [];
    const started = Date.now();
    const log = (s: string) => {
        logs.push(s);
        at.push(Date.now() - started);
    };
    const out = await runExport(argv, log, { caCertificate: emu.ca });
    return { out, logs, at };
}

/** Runs the export expecting it to fail; returns the error message and what it logged. */
export async function exportFails(emu: RunningEmulator, argv: readonly string[]): Promise<{ message: string; logs: string[] }> {
    const logs: string[] = [];
    try {
        await runExport(argv, (s) => logs.push(s), { caCertificate: emu.ca });
    } catch (err) {
        return { message: err instanceof Error ? err.message : String(err), logs };
    }
    throw new Error(`the export succeeded, but it should have failed; it said:\n${logs.join("\n")}`);
}

/** A fresh stack directory holding `Pulumi.<stack>.yaml` with `text`; returns its paths. */
export function stackFile(stack: string, text: string): { dir: string; file: string; read: () => string } {
    const dir = mkdtempSync(path.join(tmpdir(), "export-"));
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    writeFileSync(file, text);
    return { dir, file, read: () => readFileSync(file, "utf8") };
}

/** Points the export at `emu` through the AUTH0_* variables (callers restore `process.env` after the suite). */
export function useEmulatorEnv(emu: RunningEmulator, token = "local-admin-token"): void {
    process.env.AUTH0_DOMAIN = emu.url;
    process.env.AUTH0_API_TOKEN = token;
    delete process.env.AUTH0_CLIENT_ID;
    delete process.env.AUTH0_CLIENT_SECRET;
}
