/**
 * Helpers for the end-to-end suites: the project's own program (the project directory, as
 * `pulumi up` runs it) on a test stack pointed at an emulator.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { RunningEmulator } from "../../emulator";
import { configJson, projectStack, REPO_ROOT, type StackConfig, type TestStack } from "./pulumi";

/** The project's config key of the declared connections. */
const CONNECTIONS_KEY = "auth0-connection-sync:connections";

/** The emulator's address and credentials as stack config, with the client secret stored as a Pulumi secret. */
export function credentialsConfig(emu: RunningEmulator): StackConfig {
    return {
        "auth0:domain": { value: emu.url },
        "auth0:clientId": { value: "local-client" },
        "auth0:clientSecret": { value: "local-secret", secret: true },
    };
}

/** The environment the engine's processes need to trust the emulator's certificate (none over http). */
export function emulatorEnv(emu: RunningEmulator): Record<string, string> {
    return emu.caFile === undefined ? {} : { NODE_EXTRA_CA_CERTS: emu.caFile };
}

/**
 * Stack config for an inline program: the emulator's credentials, and `connections` as a JSON
 * string (inline projects declare no config schema; project stacks get a real map instead).
 */
export function emulatorConfig(emu: RunningEmulator, connections: unknown): StackConfig {
    return { ...credentialsConfig(emu), [CONNECTIONS_KEY]: { value: JSON.stringify(connections) } };
}

/**
 * A stack of the project directory (index.ts through the Node.js language host) with the emulator's
 * credentials and `connections` in its config. `typeCheck` as in projectStack (default off).
 */
export async function rootProgramStack(
    bin: string,
    emu: RunningEmulator,
    name: string,
    connections: unknown,
    opts: { typeCheck?: boolean } = {},
): Promise<TestStack> {
    return projectStack({
        bin,
        stackName: name,
        config: credentialsConfig(emu),
        objects: { [CONNECTIONS_KEY]: connections },
        typeCheck: opts.typeCheck,
        extraEnv: emulatorEnv(emu),
    });
}

/** Replaces the declared connections of a project stack (a map in its stack file, as users write it). */
export async function setConnections(t: TestStack, connections: unknown): Promise<void> {
    await t.stack.setAllConfigJson(configJson({}, { [CONNECTIONS_KEY]: connections }));
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
