import * as assert from "node:assert/strict";
import type { FaultRule, RunningEmulator } from "../../emulator";
import { directoryProvisioningProvider } from "../../components/provider/directoryProvisioning";
import { profileSyncProvider } from "../../components/provider/profileSync";
import { scimConfigurationProvider } from "../../components/provider/scimConfiguration";
import { scimTokenProvider } from "../../components/provider/scimToken";
import { startEmulator } from "../../emulator";
import { processState } from "../../management-api/state";
import { Driver, type Declared } from "../helpers/driver";
import { SAMPLE, useEmulator, writes } from "../helpers/api";

const MAPPING = [
    { auth0: "email", scim: "emails[primary eq true].value" },
    { auth0: "name", scim: "displayName" },
];

function declared(): Declared[] {
    const ps = (name: string, connectionId: string, mode: string): Declared => ({
        name,
        step: 0,
        provider: profileSyncProvider,
        inputs: { connectionId, mode, onDelete: "retain" },
    });
    return [
        ps("okta-ps", SAMPLE.okta, "on_first_login"),
        ps("saml-ps", SAMPLE.samlp, "never_on_login"),
        ps("waad-ps", SAMPLE.waad, "never_on_login"),
        ps("google-ps", SAMPLE.google, "on_first_login"),
        ps("db-ps", SAMPLE.database, "on_first_login"),
        {
            name: "okta-scim",
            step: 1,
            provider: scimConfigurationProvider,
            inputs: { connectionId: SAMPLE.okta, userIdAttribute: "externalId", mapping: MAPPING, onDelete: "delete", adoptExisting: true },
        },
        {
            name: "saml-scim",
            step: 1,
            provider: scimConfigurationProvider,
            inputs: {
                connectionId: SAMPLE.samlp,
                userIdAttribute: "externalId",
                mapping: MAPPING,
                onDelete: "delete",
                adoptExisting: true,
            },
        },
        {
            name: "google-dir",
            step: 1,
            provider: directoryProvisioningProvider,
            inputs: {
                connectionId: SAMPLE.google,
                synchronizeAutomatically: true,
                synchronizeGroups: "all",
                onDelete: "delete",
                adoptExisting: true,
                synchronizeOnChange: false,
            },
        },
        {
            name: "okta-token",
            step: 2,
            provider: scimTokenProvider,
            inputs: { connectionId: SAMPLE.okta, scopes: ["get:users", "post:users"] },
        },
        { name: "saml-token", step: 2, provider: scimTokenProvider, inputs: { connectionId: SAMPLE.samlp, scopes: ["get:users"] } },
    ];
}

const MODES: Record<string, string> = {
    [SAMPLE.okta]: "on_first_login",
    [SAMPLE.samlp]: "never_on_login",
    [SAMPLE.waad]: "never_on_login",
    [SAMPLE.google]: "on_first_login",
    [SAMPLE.database]: "on_first_login",
};

const SCENARIOS: Array<[string, FaultRule[], { rate: number; burst: number } | undefined]> = [
    ["20% 503s on every route", [{ path: "^/api/v2/", kind: "status", status: 503, probability: 0.2 }], undefined],
    [
        "20% 503s after the server did the work",
        [{ path: "^/api/v2/", kind: "status-after-processing", status: 503, probability: 0.2 }],
        undefined,
    ],
    ["slow responses past the client timeout", [{ path: "^/api/v2/", kind: "slow", delayMs: 700, probability: 0.15 }], undefined],
    ["dropped connections", [{ path: "^/api/v2/", kind: "drop", probability: 0.15 }], undefined],
    ["a tiny bucket (5/s, burst 1), where pacing must keep every 429 away", [], { rate: 5, burst: 1 }],
    ["a 429 storm answered at random", [{ path: "^/api/v2/", kind: "status", status: 429, probability: 0.3 }], undefined],
];

const CONNECTION_PATCH = { method: "PATCH", path: "^/api/v2/connections/[^/]+$" };
const TOKEN_POST = { method: "POST", path: "/scim-configuration/tokens$" };

/**
 * The scenario's faults, first once for sure on the first connection PATCH and the first token
 * POST: the writes whose repetition could lose an option or mint a second token. Left to the dice
 * alone, a seed could spare both and the run would prove nothing.
 */
function withSureHits(faults: FaultRule[]): FaultRule[] {
    const sure = faults.flatMap(({ probability: _, ...rule }) => [
        { ...rule, ...CONNECTION_PATCH, times: 1 },
        { ...rule, ...TOKEN_POST, times: 1 },
    ]);
    return [...sure, ...faults];
}

describe("Fault runs", function () {
    this.timeout(120_000);

    for (const [what, faults, rateLimit] of SCENARIOS) {
        it(`converges under ${what}, loses no option and mints no extra token`, async () => {
            const emu: RunningEmulator = await startEmulator({ tls: true, faults: withSureHits(faults), faultSeed: 7, rateLimit });
            try {
                const original = structuredClone(
                    Object.fromEntries(Object.entries(emu.state.connections).map(([id, c]) => [id, c.options])),
                );
                const preexistingTokens = emu.state.scimTokens[SAMPLE.samlp].length;
                // Each up in a new provider process, as the engine runs it.
                const driver = new Driver(declared(), () => useEmulator(emu, { timeoutMs: 500 }));
                let runs = 0;
                for (; runs < 8; runs++) {
                    const r = await driver.up();
                    if (r.errors.length === 0) break;
                }
                assert.ok(runs < 8, "converged within 8 runs");
                const hits = emu.journal.filter((e) => e.fault !== undefined || e.status === 429).length;
                const faulted = (rule: { method: string; path: string }) =>
                    emu.journal.some((e) => e.fault !== undefined && e.method === rule.method && new RegExp(rule.path).test(e.path));
                if (faults.length > 0) {
                    assert.ok(faulted(CONNECTION_PATCH), "a connection PATCH met the fault");
                    assert.ok(faulted(TOKEN_POST), "a token POST met the fault");
                } else assert.equal(hits, 0, "paced: no 429 at all");
                console.log(`      ${what}: ${runs + 1} run(s), ${hits} faulted or 429 responses, ${emu.journal.length} requests`);
                emu.setFaults([]);
                emu.setRateLimit(undefined);
                emu.clearJournal();
                const last = await driver.up();
                assert.deepEqual(last.errors, []);
                assert.ok(
                    last.operations.every((o) => o.op === "same"),
                    JSON.stringify(last.operations),
                );
                assert.deepEqual(writes(emu.journal), [], "a converged run writes nothing");
                // No rate-limit reservation leaked (a leak would slowly stall every later request).
                for (const pacer of processState().pacers.values()) assert.equal(pacer.reserved, 0);
                assert.ok([...processState().reservations.values()].every((left) => left === 0));
                // Every option we do not own is exactly as before; ours are as declared.
                for (const [id, before] of Object.entries(original)) {
                    const { set_user_root_attributes: mode, ...rest } = emu.state.connections[id].options ?? {};
                    const { set_user_root_attributes: _m, ...was } = before ?? {};
                    assert.deepEqual(rest, was, emu.state.connections[id].name);
                    if (MODES[id]) assert.equal(mode, MODES[id]);
                }
                for (const id of [SAMPLE.okta, SAMPLE.samlp]) {
                    assert.deepEqual(emu.state.scimConfigurations[id].mapping.map((m) => m.auth0).sort(), ["email", "name"]);
                }
                assert.equal(emu.state.directoryProvisionings[SAMPLE.google].synchronize_groups, "all");
                // No write repeated into a different outcome: exactly the declared tokens exist.
                assert.equal(emu.state.scimTokens[SAMPLE.okta].length, 1);
                assert.equal(emu.state.scimTokens[SAMPLE.samlp].length, preexistingTokens + 1);
            } finally {
                await emu.close();
            }
        });
    }
});
