/**
 * The root program: reads `auth0-connection-sync:connections` from the selected stack (one stack
 * per environment, in stacks/) and declares what it says. Credentials come from the `auth0:*`
 * config keys that @pulumi/auth0 users already have, or the AUTH0_* environment variables.
 */
import * as pulumi from "@pulumi/pulumi";
import { getApi } from "./components/provider/client";
import { settingsFromConfig, storeSettings } from "./components/provider/settings";
import { declareConnections } from "./components/program";

export * from "./components";

/** Runs the program against the current stack; exported so the Automation API can run it inline. */
export async function main(): Promise<{ connections: Awaited<ReturnType<typeof declareConnections>> }> {
    const auth0 = new pulumi.Config("auth0");
    const own = new pulumi.Config("auth0-connection-sync");
    storeSettings(settingsFromConfig((key) => (key.startsWith("auth0:") ? auth0.get(key.slice(6)) : own.get(key.split(":")[1]))));
    return { connections: await declareConnections(own.getObject<unknown>("connections") ?? {}, getApi()) };
}

// `pulumi up` on this project runs the program; importing it as a library from another project
// (or before an Automation API run starts) does not.
if (pulumi.runtime.hasEngine() && pulumi.runtime.getProject() === "auth0-connection-sync") {
    module.exports.connections = main().then((r) => r.connections);
}
