/** What the engine runs of the benchmark (ours and the engine floor) share about their stacks. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { inlineStack } from "../scripts/toolchain";

type StackOf = Awaited<ReturnType<typeof inlineStack>>["stack"];

/** The text of the stack's state file at rest in a benchmark stack's file backend. */
export function stateText(stateDir: string, stackName: string, project: string): string {
    return readFileSync(path.join(stateDir, "backend", ".pulumi", "stacks", project, `${stackName}.json`), "utf8");
}

/** Characters and resources of the stack's state file at rest (what the backend rewrites per step). */
export function stateAtRest(stateDir: string, stackName: string, project: string): { chars: number; resources: number } {
    const text = stateText(stateDir, stackName, project);
    const parsed: { checkpoint?: { latest?: { resources?: unknown[] } } } = JSON.parse(text);
    return { chars: text.length, resources: parsed.checkpoint?.latest?.resources?.length ?? 0 };
}

/**
 * Runs a set-up operation (not measured) with PULUMI_SKIP_CHECKPOINTS=true: the state is written
 * once at the end instead of after every step, which at N=2,000 saves most of an hour and changes
 * nothing the measured operations after it start from.
 */
export async function asSetUp<T>(stack: StackOf, run: () => Promise<T>): Promise<T> {
    const env = stack.workspace.envVars;
    const was = env.PULUMI_SKIP_CHECKPOINTS;
    env.PULUMI_SKIP_CHECKPOINTS = "true";
    try {
        return await run();
    } finally {
        if (was === undefined) delete env.PULUMI_SKIP_CHECKPOINTS;
        else env.PULUMI_SKIP_CHECKPOINTS = was;
    }
}

/** What an operation did, from its summary: `create 376, same 2`. */
export function changes(summary: Record<string, number> | undefined): string {
    return Object.entries(summary ?? {})
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
}
