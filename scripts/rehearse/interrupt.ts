/**
 * What a signal does to a rehearsal: Ctrl-C (SIGINT), a CI cancel (SIGTERM) or a closed terminal
 * (SIGHUP) ends it at once, never half-way through the next phase. The engine's processes (the
 * Pulumi CLI and the hosts it started) are stopped first, so none writes into the run folder
 * after it is gone; then the run folders still open are removed synchronously and the process
 * exits with 128 + the signal's number. A handler must be synchronous: an exit ends the process
 * without running any `finally` or pending promise.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

/** The run folders of the rehearsals in progress (runRehearse adds and removes its own). */
const runDirs = new Set<string>();

/** Records a run folder to remove if a signal ends the process. */
export function keepRunDir(dir: string): void {
    runDirs.add(dir);
}

/** Forgets a run folder its rehearsal has removed itself. */
export function forgetRunDir(dir: string): void {
    runDirs.delete(dir);
}

/** The exit code of each signal handled: 128 + its number, as a shell reports it. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** Every process below `root` (children, their children...), from `ps`, deepest last. */
export function descendants(root: number): number[] {
    let table: string;
    try {
        table = execFileSync("ps", ["-A", "-o", "pid=", "-o", "ppid="], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
        return [];
    }
    const children = new Map<number, number[]>();
    for (const line of table.split("\n")) {
        const [pid, ppid] = line.trim().split(/\s+/).map(Number);
        if (!Number.isInteger(pid) || !Number.isInteger(ppid)) continue;
        children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    }
    const out: number[] = [];
    const queue = [root];
    while (queue.length > 0) {
        for (const child of children.get(queue.shift() ?? -1) ?? []) {
            out.push(child);
            queue.push(child);
        }
    }
    return out;
}

/**
 * Stops this process's descendants, removes the open run folders and exits with `code`. The whole
 * tree is listed before any process is killed: a killed parent's children would be re-parented and
 * lost. SIGKILL, because the throwaway stack is being discarded and nothing may write to it after.
 */
export function abortRun(code: number): never {
    for (const pid of descendants(process.pid)) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // Already gone.
        }
    }
    for (const dir of runDirs) rmSync(dir, { recursive: true, force: true });
    runDirs.clear();
    process.exit(code);
}

/** Installs the handlers of SIGINT, SIGTERM and SIGHUP (the CLI does; a library caller keeps its own). */
export function exitOnSignals(): void {
    for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) process.once(signal, () => abortRun(code));
}
