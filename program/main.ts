/**
 * The root program: reads `auth0-connection-sync:connections` from the selected stack (one stack
 * per environment, in stacks/) and declares what it says. Credentials come from the `auth0:*`
 * config keys that @pulumi/auth0 users already have, or the AUTH0_* environment variables.
 */
import * as pulumi from "@pulumi/pulumi";
import { getApi } from "../management-api/client";
import { settingsFromConfig, storeSettings } from "../management-api/settings";
import { declareConnections, type ConnectionSummary } from "./declare";

/** The stack's outputs: exactly `connections`. */
export interface ProgramOutputs {
    readonly connections: Record<string, ConnectionSummary>;
}

/** Runs the program against the current stack. */
export async function runProgram(): Promise<ProgramOutputs> {
    const auth0 = new pulumi.Config("auth0");
    const own = new pulumi.Config("auth0-connection-sync");
    storeSettings(settingsFromConfig((key) => (key.startsWith("auth0:") ? auth0.get(key.slice(6)) : own.get(key.split(":")[1]))));
    return { connections: await declareConnections(own.getObject<unknown>("connections") ?? {}, getApi()) };
}
