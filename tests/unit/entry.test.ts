import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Auth0ApiError, Auth0NoResponseError } from "../../management-api/errors";
import { SettingsError, settingsFromConfig } from "../../management-api/settings";
import { EXIT_AFTER_LOGGED_ERROR, type EntryDeps, runEntry } from "../../program/entry";
import type { ProgramOutputs } from "../../program/main";

/** An exit that records its code and stops the entry where the real one would end the process. */
class Exited extends Error {
    constructor(readonly code: number) {
        super(`exit ${code}`);
    }
}

function deps(run: () => Promise<ProgramOutputs>): { deps: EntryDeps; events: string[] } {
    const events: string[] = [];
    return {
        events,
        deps: {
            run,
            report: async (message) => {
                events.push(`report: ${message}`);
            },
            exit: (code) => {
                events.push(`exit ${code}`);
                throw new Exited(code);
            },
        },
    };
}

describe("The program's entry under the language host", () => {
    it("returns the program's outputs and neither reports nor exits when it succeeds", async () => {
        const { deps: d, events } = deps(async () => ({ connections: {} }));
        assert.deepEqual(await runEntry(d), { connections: {} });
        assert.deepEqual(events, []);
    });

    for (const [kind, err] of [
        ["a config error", new pulumi.RunError("invalid auth0-connection-sync:connections config:\n  - connections.x.profileSync: ...")],
        ["a credentials error", new SettingsError("Auth0 domain missing: set the stack config auth0:domain (or AUTH0_DOMAIN)")],
        [
            "an API refusal",
            new Auth0ApiError({
                status: 403,
                method: "GET",
                path: "/api/v2/connections",
                errorCode: "insufficient_scope",
                apiMessage: "Insufficient scope",
            }),
        ],
        ["no answer", new Auth0NoResponseError({ method: "GET", path: "/api/v2/connections", reason: "timed out after 15000 ms" })],
    ] as const) {
        it(`reports ${kind} with its own message, then exits at once with the SDK's code for a logged error`, async () => {
            const { deps: d, events } = deps(async () => {
                throw err;
            });
            await assert.rejects(runEntry(d), (e: unknown) => e instanceof Exited && e.code === EXIT_AFTER_LOGGED_ERROR);
            assert.deepEqual(events, [`report: ${err.message}`, `exit ${EXIT_AFTER_LOGGED_ERROR}`]);
        });
    }

    it("words every settings failure as a SettingsError, so that it ends the run at once too", () => {
        const config: Record<string, string> = { "auth0-connection-sync:requestTimeoutMs": "5" };
        assert.throws(
            () => settingsFromConfig((key) => config[key]),
            (e: unknown) => e instanceof SettingsError && /requestTimeoutMs/.test(e.message),
        );
    });

    it("rethrows an error nobody worded (a bug) so that the SDK prints its stack, and does not exit", async () => {
        const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
        const { deps: d, events } = deps(async () => {
            throw bug;
        });
        await assert.rejects(runEntry(d), (e: unknown) => e === bug);
        assert.deepEqual(events, []);
    });
});
