import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { parse, stringify } from "yaml";
import { type Connection, type RunningEmulator, SAMPLE_SEED_PATH, type Seed, startEmulator } from "../../emulator";
import { createApi } from "../../management-api/client";
import { runRehearse } from "../../scripts/rehearse";
import { readOnly, takeSnapshot } from "../../scripts/rehearse/snapshot";
import { exportRealState, secretFreeState } from "../../scripts/rehearse/state";
import { copyProject, offlineEngineEnv } from "../../scripts/toolchain";
import { REPO_ROOT, requireEngine } from "../helpers/pulumi";
import { SAMPLE_TOKEN } from "../helpers/sample";

const STACK = "rehearsal";
const PASSPHRASE = "real-stack-passphrase";
/** The tenant's rate limit and round trip: the "real tenant" is an emulator with both. */
// The free tier's limit: the up's requests then take most of the run in pacing, which the twin
// reproduces, against the engine's start-up, which varies by seconds from run to run on a busy
// machine (at 4/s the start-up was half the run, and the 20 % check could fail under load).
const RATE = { rate: 2, burst: 2 };
const LATENCY_MS = 40;

/** The sample tenant grown to 500 connections (generated ones of known strategies). */
function bigTenant(): Seed {
    const seed = JSON.parse(readFileSync(SAMPLE_SEED_PATH, "utf8")) as Seed;
    const strategies = ["samlp", "okta", "waad", "google-apps", "auth0", "oidc"];
    const extra: Connection[] = [];
    for (let i = (seed.connections ?? []).length; i < 500; i++) {
        extra.push({
            id: `con_gen${String(i).padStart(13, "0")}`,
            name: `gen-${i}`,
            strategy: strategies[i % strategies.length],
            options: { x_generated: i },
        });
    }
    seed.connections = [...(seed.connections ?? []), ...extra];
    return seed;
}

/** Every secret value the sample tenant holds, and the credential the rehearsal reads it with. */
function tenantSecrets(seed: Seed): string[] {
    const out = [SAMPLE_TOKEN, "local-secret", "scim-sample-token-do-not-use"];
    for (const c of seed.connections ?? []) {
        const o = c.options ?? {};
        for (const key of ["client_secret", "admin_access_token", "admin_refresh_token"]) if (typeof o[key] === "string") out.push(o[key]);
        const dk = o.decryptionKey;
        if (typeof dk === "object" && dk !== null && !Array.isArray(dk) && typeof dk.key === "string")
            out.push(...dk.key.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----")));
    }
    return out;
}

/** The local stack's connections with `change` applied. */
function connectionsWith(change: (c: Record<string, Record<string, unknown>>) => void): Record<string, unknown> {
    const doc = parse(readFileSync(path.join(REPO_ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
    const connections = structuredClone(doc.config["auth0-connection-sync:connections"]) as Record<string, Record<string, unknown>>;
    change(connections);
    return connections;
}

function stackFileText(connections: Record<string, unknown>): string {
    return stringify({ config: { "auth0-connection-sync:connections": connections } });
}

const GOOD = connectionsWith((c) => {
    c["contoso-entra"].profileSync = "never_on_login";
});
/** Another good change, for the estimate: applied to the tenant, it leaves GOOD's change still to do. */
const ESTIMATED = connectionsWith((c) => {
    c["acme-saml"].profileSync = "on_first_login";
});
const REFUSED = connectionsWith((c) => {
    c["contoso-entra"].profileSync = "never_on_login";
    const tokens = (c["okta-workforce"].scim as { tokens: Record<string, unknown> }).tokens;
    tokens.backup = { scopes: ["get:users"] };
    const dir = c["google-workspace"].directoryProvisioning as { groups: Array<Record<string, string>> };
    dir.groups[1].email = "support@example..org";
});

/** Selected groups on a generated google-apps connection whose group API is off (`api_enable_groups` unset). */
const GROUPS_OFF = connectionsWith((c) => {
    c["gen-9"] = { directoryProvisioning: { synchronizeGroups: "selected", groups: [{ id: "02grqrue4a2vzdq" }] } };
});

// One real tenant (an emulator at the tenant's rate and round trip) with a stack applied to it by a
// real `up`; every rehearsal below reads that stack's state and must leave the tenant untouched.
describe("npm run rehearse", function () {
    this.timeout(600_000);
    let real: RunningEmulator;
    let dir: string;
    let stack: Stack;
    let seed: Seed;
    let bin: string;
    const saved: Record<string, string | undefined> = {};

    function setEnv(values: Record<string, string | undefined>): void {
        for (const [k, v] of Object.entries(values)) {
            if (!(k in saved)) saved[k] = process.env[k];
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    }

    before(async function () {
        bin = requireEngine(this);
        seed = bigTenant();
        // Unlimited while the stack is set up and snapshots are taken; the estimate test sets RATE.
        real = await startEmulator({ seed, latencyMs: LATENCY_MS });
        mkdirSync(path.join(REPO_ROOT, ".e2e"), { recursive: true });
        dir = mkdtempSync(path.join(REPO_ROOT, ".e2e", "rehearse-"));
        const workDir = path.join(dir, "project");
        copyProject(workDir);
        mkdirSync(path.join(dir, "backend"));
        mkdirSync(path.join(dir, "stacks"));
        const env = offlineEngineEnv({ bin, backendDir: path.join(dir, "backend"), home: path.join(dir, "home"), passphrase: PASSPHRASE });
        writeFileSync(path.join(workDir, "stacks", `Pulumi.${STACK}.yaml`), stackFileText(connectionsWith(() => undefined)));
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: STACK, workDir },
            {
                pulumiCommand: await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true }),
                envVars: { ...env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
            },
        );
        await stack.setAllConfig({ "auth0:domain": { value: real.url }, "auth0:apiToken": { value: SAMPLE_TOKEN, secret: true } });
        await stack.up({ color: "never" });
        // The rehearsal finds the real stack's backend as a user's shell would: in the environment.
        setEnv({ PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PULUMI_HOME: env.PULUMI_HOME });
    });

    afterEach(() => real?.setRateLimit(undefined));

    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await real?.close();
        if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it("rehearses a good change clean, and neither writes to the tenant nor prints a secret", async () => {
        const stacksDir = path.join(dir, "stacks");
        writeFileSync(path.join(stacksDir, `Pulumi.${STACK}.yaml`), stackFileText(GOOD));
        const snapshotFile = path.join(dir, "snapshot.json");
        setEnv({ AUTH0_DOMAIN: real.url, AUTH0_API_TOKEN: SAMPLE_TOKEN });
        const printed: string[] = [];
        const before = real.journal.length;
        const r = await runRehearse(["--stack", STACK, "--stacks-dir", stacksDir, "--snapshot", snapshotFile], (s) => printed.push(s));
        setEnv({ AUTH0_DOMAIN: undefined, AUTH0_API_TOKEN: undefined });
        const text = printed.join("\n");
        if (process.env.REHEARSE_TRANSCRIPT !== undefined) writeFileSync(process.env.REHEARSE_TRANSCRIPT, `${text}\n`);
        assert.equal(r.exitCode, 0, text);
        assert.deepEqual([...new Set(real.journal.slice(before).map((e) => e.method))], ["GET"], "the rehearsal wrote to the real tenant");
        assert.match(text, /contoso-entra \(waad, con_NVLFL5zT7EU0vCX8\)\n {2}changed {9}profile sync "on_first_login" → "never_on_login"/);
        assert.match(text, /Preview after up: no changes/);
        assert.match(text, /500 connections, 4 declared/);
        const snapshot = readFileSync(snapshotFile, "utf8");
        // The SCIM token values the real stack's state holds (issued by its first up) are secrets too.
        const issued = Object.values(real.state.scimTokens).flatMap((ts) => ts.map((t) => t.token));
        assert.match(snapshot, /"state":/);
        for (const secret of [...tenantSecrets(seed), ...issued]) {
            assert.ok(!snapshot.includes(secret), `a secret of the tenant is in the snapshot: ${secret.slice(0, 4)}...`);
            assert.ok(!text.includes(secret), `rehearse printed a secret of the tenant: ${secret.slice(0, 4)}...`);
        }
    });

    it("rehearses --from a snapshot with no credential and no backend, and estimates the real run within 20 % (the same up on the tenant, side by side)", async () => {
        const snapshotFile = await committedSnapshot(Object.keys(ESTIMATED));
        // Both at the tenant's limit, and started together, so that the machine's load falls on both
        // alike: the engine's own time varies by seconds from run to run on a busy machine.
        real.setRateLimit(RATE);
        writeFileSync(path.join(dir, "project", "stacks", `Pulumi.${STACK}.yaml`), stackFileText(ESTIMATED));
        await stack.setAllConfig({ "auth0:domain": { value: real.url }, "auth0:apiToken": { value: SAMPLE_TOKEN, secret: true } });
        const rate = ["--rate", String(RATE.rate), "--burst", String(RATE.burst)];
        const t0 = performance.now();
        const [{ exitCode, text }, measured] = await Promise.all([
            rehearseFrom(snapshotFile, ESTIMATED, { extraArgs: rate, alongsideTenantWrites: true }),
            stack.up({ color: "never" }).then((up) => {
                assert.equal(up.summary.result, "succeeded");
                return (performance.now() - t0) / 1000;
            }),
        ]);
        if (process.env.REHEARSE_TRANSCRIPT !== undefined) writeFileSync(`${process.env.REHEARSE_TRANSCRIPT}.from`, `${text}\n`);
        assert.equal(exitCode, 0, text);
        assert.match(text, /no credential used/);
        assert.match(text, /state of stack rehearsal taken from the snapshot/);
        // Nothing re-issued or re-created: the state's secrets were replaced, the ids it diffs by were not.
        assert.doesNotMatch(text, /issued|created/);
        assert.match(text, /acme-saml \(samlp, con_HjmNJNp9IuiWJONr\)\n {2}changed {9}profile sync "never_on_login" → "on_first_login"/);
        assert.match(text, /Preview after up: no changes/);
        const estimate = Number(/Estimate for .+?: ([\d.]+) s \(/.exec(text)?.[1]);
        assert.ok(Math.abs(estimate - measured) <= 0.2 * measured, `estimate ${estimate} s, measured ${measured.toFixed(1)} s`);
    });

    /** A snapshot as a pull request finds it committed: taken beforehand by someone with read access. */
    async function committedSnapshot(keys: readonly string[]): Promise<string> {
        const file = mkdtempSync(path.join(dir, "committed-"));
        const api = createApi({ kind: "token", token: SAMPLE_TOKEN, host: real.domain, scheme: "http", timeoutMs: 15_000 });
        const exported = path.join(file, "exported-state.json");
        exportRealState(bin, STACK, exported, process.env);
        const { state } = secretFreeState(JSON.parse(readFileSync(exported, "utf8")));
        rmSync(exported);
        const snapshotFile = path.join(file, "snapshot.json");
        writeFileSync(snapshotFile, JSON.stringify({ ...(await takeSnapshot(readOnly(api), STACK, keys)), state }));
        return snapshotFile;
    }

    /**
     * Runs a rehearsal --from `snapshotFile` with neither a tenant credential nor the stack's backend.
     * It must send nothing to the real tenant, unless something else writes to it meanwhile
     * (`alongsideTenantWrites`: the journal then holds that run's requests).
     */
    async function rehearseFrom(
        snapshotFile: string,
        connections: Record<string, unknown>,
        opts: { extraArgs?: readonly string[]; alongsideTenantWrites?: boolean } = {},
    ): Promise<{ exitCode: number; text: string }> {
        const stacksDir = mkdtempSync(path.join(dir, "stacks-"));
        writeFileSync(path.join(stacksDir, `Pulumi.${STACK}.yaml`), stackFileText(connections));
        const backend = {
            PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL,
            PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE,
        };
        setEnv({ AUTH0_DOMAIN: undefined, AUTH0_API_TOKEN: undefined, AUTH0_CLIENT_ID: undefined, AUTH0_CLIENT_SECRET: undefined });
        setEnv({ PULUMI_BACKEND_URL: undefined, PULUMI_CONFIG_PASSPHRASE: undefined });
        const printed: string[] = [];
        const before = real.journal.length;
        try {
            const args = ["--stack", STACK, "--stacks-dir", stacksDir, "--from", snapshotFile, ...(opts.extraArgs ?? [])];
            const r = await runRehearse(args, (s) => printed.push(s));
            if (opts.alongsideTenantWrites !== true)
                assert.equal(real.journal.length, before, "the rehearsal from a snapshot reached the real tenant");
            return { exitCode: r.exitCode, text: printed.join("\n") };
        } finally {
            setEnv(backend);
        }
    }

    it("catches a third SCIM token and a group email typo from a snapshot, with the messages that refuse them", async () => {
        const { exitCode, text } = await rehearseFrom(await committedSnapshot(Object.keys(REFUSED)), REFUSED);
        if (process.env.REHEARSE_TRANSCRIPT !== undefined) writeFileSync(`${process.env.REHEARSE_TRANSCRIPT}.refused`, `${text}\n`);
        assert.equal(exitCode, 1, text);
        assert.match(text, /okta-workforce\.scim\.tokens: declares more than 2 tokens, and Auth0 keeps at most 2 active tokens/);
        assert.match(text, /support@example\.\.org/);
        assert.match(text, /pulumi up on the twin FAILED/);
    });

    it("catches what the preview cannot refuse: selected groups on a connection whose group API is off", async () => {
        const { exitCode, text } = await rehearseFrom(await committedSnapshot(Object.keys(GROUPS_OFF)), GROUPS_OFF);
        assert.equal(exitCode, 1, text);
        assert.match(
            text,
            /directoryProvisioning\.groups on connection "gen-9" \(con_gen0000000000009\) requires options\.api_enable_groups: true/,
        );
        assert.match(
            text,
            /gen-9 \(google-apps, con_gen0000000000009\)\n {2}changed {9}nothing\n {2}requests {8}\d+ requests? \(0 writes\)/,
        );
        assert.match(text, /pulumi up on the twin FAILED/);
    });
});
