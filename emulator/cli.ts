/**
 * Command line entry: `npm run emulator -- [flags]`.
 *
 *   --port <n>              port to listen on (default 0 = any free port)
 *   --host <addr>           loopback address (default 127.0.0.1)
 *   --seed <file.json>      tenant seed (default emulator/seeds/sample.json)
 *   --snapshot <file.json>  serve a tenant snapshot (npm run rehearse -- --snapshot) instead of a seed,
 *                           with the sample's client local-client/local-secret and token local-admin-token
 *   --latency-ms <n>        delay every answer by n ms (a real tenant's round trip; default 0)
 *   --rate <req/s>          token-bucket refill rate (with --burst; default unlimited)
 *   --burst <n>             token-bucket size (default: same as --rate)
 *   --fault <spec>          repeatable; METHOD:PATH:KIND[:VALUE[:PROBABILITY[:TIMES]]] or a JSON FaultRule
 *   --fault-seed <n>        seed for fault probabilities (default 0)
 *   --token-lifetime <s>    lifetime of /oauth/token access tokens (default 86400)
 *   --token-lifetime-cap <s>  cap on SCIM token lifetimes: a token POST gets min(asked, cap) (default none)
 *   --sync-duration-ms <n>  how long a directory synchronization runs (default 2000)
 *   --no-directory-provisioning   turn the tenant's directory provisioning feature off
 *   --tls                   serve HTTPS with a certificate made at start-up; prints the CA file path
 */
import { parseFaultSpec } from "./faults";
import { ALL_SCOPES } from "./data";
import { startEmulator } from "./index";
import type { EmulatorOptions, FaultRule } from "./types";

const VALUE_FLAGS = new Set([
    "--port",
    "--host",
    "--seed",
    "--rate",
    "--burst",
    "--fault",
    "--fault-seed",
    "--token-lifetime",
    "--token-lifetime-cap",
    "--sync-duration-ms",
    "--snapshot",
    "--latency-ms",
]);

/** Turns argv into EmulatorOptions; throws with a readable message on bad input. */
export function parseArgs(argv: readonly string[]): EmulatorOptions {
    const values = new Map<string, string[]>();
    const options: EmulatorOptions = {};
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? splitOnce(argv[i]) : [argv[i], undefined];
        if (flag === "--no-directory-provisioning") {
            options.directoryProvisioningEnabled = false;
            continue;
        }
        if (flag === "--tls") {
            options.tls = true;
            continue;
        }
        if (!VALUE_FLAGS.has(flag)) throw new Error(`unknown argument "${argv[i]}"`);
        const value = inline ?? argv[++i];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        values.set(flag, [...(values.get(flag) ?? []), value]);
    }
    const last = (flag: string): string | undefined => values.get(flag)?.at(-1);
    const num = (flag: string): number | undefined => {
        const raw = last(flag);
        if (raw === undefined) return undefined;
        const n = Number(raw);
        if (raw.trim() === "" || !Number.isFinite(n)) throw new Error(`${flag} expects a number, got "${raw}"`);
        return n;
    };
    options.port = num("--port") ?? 0;
    options.host = last("--host");
    options.seed = last("--seed");
    const rate = num("--rate");
    const burst = num("--burst");
    if (burst !== undefined && rate === undefined) throw new Error("--burst needs --rate");
    if (rate !== undefined) options.rateLimit = { rate, burst: burst ?? Math.max(1, Math.floor(rate)) };
    const faults: FaultRule[] = (values.get("--fault") ?? []).map(parseFaultSpec);
    if (faults.length > 0) options.faults = faults;
    options.faultSeed = num("--fault-seed");
    options.tokenLifetimeSeconds = num("--token-lifetime");
    options.tokenLifetimeCapSeconds = num("--token-lifetime-cap");
    options.synchronizationDurationMs = num("--sync-duration-ms");
    options.latencyMs = num("--latency-ms");
    const snapshot = last("--snapshot");
    if (snapshot !== undefined) {
        if (options.seed !== undefined) throw new Error("--snapshot and --seed exclude each other");
        // The same local credentials as the sample seed: a snapshot carries none of the tenant's.
        options.snapshot = snapshot;
        options.snapshotAccess = {
            clients: [{ client_id: "local-client", client_secret: "local-secret", scopes: [...ALL_SCOPES] }],
            tokens: [{ token: "local-admin-token", scopes: [...ALL_SCOPES] }],
        };
    }
    return options;
}

function splitOnce(arg: string): [string, string] {
    const at = arg.indexOf("=");
    return [arg.slice(0, at), arg.slice(at + 1)];
}

async function main(): Promise<void> {
    const emulator = await startEmulator(parseArgs(process.argv.slice(2)));
    // Scripts and tests read the base URL from the first line; with --tls a second names the CA file.
    process.stdout.write(`auth0 emulator listening on ${emulator.url} (tenant: ${emulator.state.tenant})\n`);
    if (emulator.caFile !== undefined) process.stdout.write(`ca file: ${emulator.caFile}\n`);
    const shutdown = (): void => {
        emulator.close().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`auth0 emulator: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
