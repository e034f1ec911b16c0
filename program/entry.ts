/**
 * How the language host runs the program (index.ts). When the program fails with an error worded for
 * the user (bad config or credentials, an unknown connection name, an API refusal or no answer), the Node.js SDK
 * logs it but leaves its gRPC connection to the engine open, and `pulumi preview` waits about 30 s
 * more for the process to end (measured with a program that only throws a RunError: the same wait).
 * So the entry reports the message itself and exits at once with the SDK's own code for "exited
 * after logging a user-actionable message". Anything else is a bug: it is rethrown, and the SDK
 * prints its stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { isAuth0ApiError, isNoResponse } from "../management-api/errors";
import { SettingsError } from "../management-api/settings";
import { type ProgramOutputs, runProgram } from "./main";

/** The SDK's exit code for a program that logged its own error (`nodeJSProcessExitedAfterLoggingUserActionableMessage`). */
export const EXIT_AFTER_LOGGED_ERROR = 32;

/** What the entry needs from its surroundings; the defaults are the real program, the engine's log and the process. */
export interface EntryDeps {
    readonly run: () => Promise<ProgramOutputs>;
    readonly report: (message: string) => Promise<void>;
    readonly exit: (code: number) => never;
}

const DEFAULTS: EntryDeps = {
    run: runProgram,
    report: (message) => pulumi.log.error(message),
    exit: (code) => process.exit(code),
};

/** True for the errors the program words for its user: their message is the whole story. */
export function isUserFacing(err: unknown): err is Error {
    return pulumi.RunError.isInstance(err) || err instanceof SettingsError || isAuth0ApiError(err) || isNoResponse(err);
}

/** Runs the program; a user-facing failure is reported and ends the process at once. */
export async function runEntry(deps: EntryDeps = DEFAULTS): Promise<ProgramOutputs> {
    try {
        return await deps.run();
    } catch (err) {
        if (!isUserFacing(err)) throw err;
        await deps.report(err.message);
        return deps.exit(EXIT_AFTER_LOGGED_ERROR);
    }
}
