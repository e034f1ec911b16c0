/** Helpers for the end-to-end suites: the root program on a test stack pointed at an emulator. */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { RunningEmulator } from "../../emulator";
import { main } from "../../index";
import { createTestStack, REPO_ROOT, type TestStack } from "./engine";

/** Stack config for the emulator, with the client secret stored as a Pulumi secret. */
export function emulatorConfig(emu: RunningEmulator, connections: unknown): Record<string, { value: string; secret?: boolean }> {
    return {
        "auth0:domain": { value: emu.url },
        "auth0:clientId": { value: "local-client" },
        "auth0:clientSecret": { value: "local-secret", secret: true },
        "auth0-connection-sync:connections": { value: JSON.stringify(connections) },
    };
}

/** A stack running the project's own root program (index.ts `main`). */
export async function rootProgramStack(bin: string, emu: RunningEmulator, name: string, connections: unknown): Promise<TestStack> {
    return createTestStack({ bin, stackName: name, program: async () => main(), config: emulatorConfig(emu, connections) });
}

/** Replaces the declared connections of a stack. */
export async function setConnections(t: TestStack, connections: unknown): Promise<void> {
    await t.stack.setConfig("auth0-connection-sync:connections", { value: JSON.stringify(connections) });
}

/** Keeps a real CLI transcript under docs/previews/ when UPDATE_DOCS=1 (ports normalised). */
export function saveTranscript(name: string, text: string): void {
    if (process.env.UPDATE_DOCS !== "1") return;
    const dir = path.join(REPO_ROOT, "docs", "previews");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
        path.join(dir, `${name}.txt`),
        text
            .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")
            .replace(/\(\d+(\.\d+)?s\)/g, "")
            .trimEnd() + "\n",
    );
}

/** Collects everything the CLI prints. */
export function collector(): { onOutput: (s: string) => void; text: () => string } {
    let buf = "";
    return { onOutput: (s) => (buf += s), text: () => buf };
}
