import * as assert from "node:assert/strict";
import type { JournalEntry, RunningEmulator, Seed } from "../../emulator";
import { type DirectoryProvisioningOutputs, directoryProvisioningProvider as dir } from "../../components/provider/directoryProvisioning";
import { liveReadStats, REUSE_MS, STREAM_GAP_MS, setLiveReadClock } from "../../components/provider/live-reads";
import { profileSyncProvider as ps } from "../../components/provider/profileSync";
import { settledProfileSync } from "../helpers/profile-sync-state";
import { type ScimConfigurationOutputs, scimConfigurationProvider as scim } from "../../components/provider/scimConfiguration";
import { type ScimTokenOutputs, scimTokenProvider as tokens } from "../../components/provider/scimToken";
import { apiCalls, SAMPLE, startForProvider, useEmulator } from "../helpers/api";

// A tenant built here, small options and all: what is counted is requests, not bytes.
const MAPPING = [{ auth0: "email", scim: "userName" }];
const DIR_MAPPING = [{ auth0: "email", idp: "primaryEmail" }];
const SCOPES = ["get:users", "post:users"];
const AT = "2026-01-01T00:00:00.000Z";

/** What the providers' reads need. */
const READ_SCOPES = [
    "read:connections",
    "read:connections_options",
    "update:connections",
    "update:connections_options",
    "read:scim_config",
    "read:scim_token",
    "read:directory_provisionings",
];

const idOf = (i: number) => `con_T${String(i).padStart(15, "0")}`;
const isGoogle = (i: number) => i % 5 === 4;
/** Every tenth SCIM connection holds two of our tokens, the others one. */
const tokensOf = (i: number) => (i % 10 === 0 ? 2 : 1);

/** `n` connections, every one with profile sync on_first_login; okta ones with SCIM and tokens, every fifth google-apps with directory provisioning. */
function tenant(n: number): Seed {
    const seed: Required<Pick<Seed, "connections" | "scim_configurations" | "scim_tokens" | "directory_provisionings">> = {
        connections: [],
        scim_configurations: {},
        scim_tokens: {},
        directory_provisionings: {},
    };
    for (let i = 0; i < n; i++) {
        const id = idOf(i);
        const strategy = isGoogle(i) ? "google-apps" : "okta";
        seed.connections.push({ id, name: `conn-${i}`, strategy, options: { set_user_root_attributes: "on_first_login" } });
        if (isGoogle(i)) {
            seed.directory_provisionings[id] = { mapping: DIR_MAPPING, synchronize_automatically: false, synchronize_groups: "off" };
            continue;
        }
        seed.scim_configurations[id] = { user_id_attribute: "externalId", mapping: MAPPING };
        seed.scim_tokens[id] = Array.from({ length: tokensOf(i) }, (_, t) => ({
            token_id: `tok_T${i}x${t}`,
            token: `tok_T${i}x${t}.${"0".repeat(64)}`,
            scopes: SCOPES,
            created_at: AT,
        }));
    }
    return {
        tenant: "batch",
        tokens: [{ token: "local-admin-token", scopes: READ_SCOPES }],
        ...seed,
    };
}

const psOuts = settledProfileSync;
const scimOuts = (id: string): ScimConfigurationOutputs => ({
    connectionId: id,
    userIdAttribute: "externalId",
    mapping: MAPPING,
    onDelete: "delete",
    adoptExisting: true,
    connectionName: id,
    strategy: "okta",
    tenantName: "batch",
    scimEndpointUrl: "",
    liveMapping: MAPPING,
    createdAt: AT,
    updatedOn: AT,
    adopted: false,
});
const tokenOuts = (id: string, tokenId: string): ScimTokenOutputs => ({
    connectionId: id,
    scopes: SCOPES,
    tokenId,
    token: "",
    createdAt: AT,
});
const dirOuts = (id: string): DirectoryProvisioningOutputs => ({
    connectionId: id,
    mapping: DIR_MAPPING,
    synchronizeAutomatically: false,
    synchronizeGroups: "off",
    onDelete: "delete",
    adoptExisting: true,
    synchronizeOnChange: false,
    connectionName: id,
    strategy: "google-apps",
    liveMapping: DIR_MAPPING,
    createdAt: AT,
    updatedAt: AT,
    adopted: false,
});

/** Profile sync diffs of these connections, all asked at once as the engine may. */
function diffProfileSyncs(ids: readonly string[]): Promise<boolean[]> {
    return Promise.all(ids.map(async (id) => (await ps.diff(id, psOuts(id), psOuts(id))).changes === true));
}

/** Each request as `GET /api/v2/...` with the listing's query where it tells what kind of read it was. */
function requests(journal: readonly JournalEntry[]): string[] {
    return apiCalls(journal).map((e) => {
        const kind = e.query.per_page === "1" ? " (count)" : e.query.take !== undefined ? " (page)" : "";
        return `${e.method} ${e.path.replace(/con_\w+/, ":id")}${kind}`;
    });
}

function tally(list: readonly string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of list) out[r] = (out[r] ?? 0) + 1;
    return out;
}

describe("Live reads in batches", () => {
    describe("a tenant of 250 connections", function () {
        // A hang guard only: hundreds of requests take a while on a loaded machine, and no window
        // below depends on how long (the live-read clock moves only when a test moves it).
        this.timeout(120_000);
        let emu: RunningEmulator;
        let pristine: string;
        /** The live-read clock: it stands still unless a test moves it. */
        let now = 0;
        const N = 250;
        const ids = Array.from({ length: N }, (_, i) => idOf(i));
        before(async () => {
            // Plain HTTP: hundreds of requests at once open as many connections, and TLS handshakes
            // served by this same busy process can outlast the client's connect timeout; what is
            // counted here is requests, and the small stack below reads over TLS.
            emu = await startForProvider({ seed: tenant(N), tls: false });
            pristine = JSON.stringify(emu.state);
        });
        after(() => emu.close());
        beforeEach(() => {
            Object.assign(emu.state, JSON.parse(pristine));
            useEmulator(emu);
            emu.clearJournal();
            now = 1_000_000;
            setLiveReadClock(() => now);
        });
        afterEach(() => setLiveReadClock(undefined));

        it("answers a no-op diff of 250 profile syncs with one count and three list pages", async () => {
            assert.deepEqual(await diffProfileSyncs(ids), Array(N).fill(false));
            assert.deepEqual(requests(emu.journal), [
                "GET /api/v2/connections (count)",
                "GET /api/v2/connections (page)",
                "GET /api/v2/connections (page)",
                "GET /api/v2/connections (page)",
            ]);
        });

        it("answers a no-op diff of every setting of 250 connections with list pages plus one token listing per connection", async () => {
            const scimIds = ids.filter((_, i) => !isGoogle(i));
            const googleIds = ids.filter((_, i) => isGoogle(i));
            const changed = await Promise.all([
                diffProfileSyncs(ids),
                ...scimIds.map(async (id) => (await scim.diff(id, scimOuts(id), scimOuts(id))).changes),
                ...googleIds.map(async (id) => (await dir.diff(id, dirOuts(id), dirOuts(id))).changes),
                ...ids.flatMap((id, i) =>
                    isGoogle(i)
                        ? []
                        : Array.from({ length: tokensOf(i) }, async (_, t) => {
                              const outs = tokenOuts(id, `tok_T${i}x${t}`);
                              return (await tokens.diff(outs.tokenId, outs, outs)).changes;
                          }),
                ),
            ]);
            assert.ok(changed.flat().every((c) => c === false));
            assert.deepEqual(tally(requests(emu.journal)), {
                "GET /api/v2/connections (count)": 1,
                "GET /api/v2/connections (page)": 3,
                "GET /api/v2/connections-scim-configurations (page)": 2,
                "GET /api/v2/connections-directory-provisionings (page)": 1,
                // 200 connections with tokens, 20 of them with two: one listing each all the same.
                "GET /api/v2/connections/:id/scim-configuration/tokens": 200,
            });
        });

        it("answers a refresh of 250 profile syncs from the listing, and the diffs right after it from what the reads fetched", async () => {
            const read = await Promise.all(ids.map((id) => ps.read(id, psOuts(id))));
            assert.ok(read.every((r) => r.props?.liveMode === "on_first_login"));
            assert.deepEqual(await diffProfileSyncs(ids), Array(N).fill(false));
            assert.deepEqual(tally(requests(emu.journal)), { "GET /api/v2/connections (count)": 1, "GET /api/v2/connections (page)": 3 });
        });

        it("answers the next batch from the same listing within REUSE_MS, and lists again after it", async () => {
            await diffProfileSyncs(ids);
            await diffProfileSyncs(ids);
            now += REUSE_MS - 1;
            await diffProfileSyncs(ids);
            assert.deepEqual(tally(requests(emu.journal)), { "GET /api/v2/connections (count)": 1, "GET /api/v2/connections (page)": 3 });
            assert.equal(liveReadStats().reused.connection, 2 * N);
            now += 1;
            await diffProfileSyncs(ids);
            assert.deepEqual(tally(requests(emu.journal)), { "GET /api/v2/connections (count)": 1, "GET /api/v2/connections (page)": 6 });
        });

        it("serves one-at-a-time diffs (the engine's default) from one listing once they come as a stream", async () => {
            const changed: boolean[] = [];
            for (const id of ids) changed.push((await ps.diff(id, psOuts(id), psOuts(id))).changes === true);
            assert.deepEqual(changed, Array(N).fill(false));
            // Back to back, the fourth asks the tenant's size; once the stream has read twice the listing's
            // three pages one by one, the sixth lists, and the rest are answered from the listing.
            assert.deepEqual(tally(requests(emu.journal)), {
                "GET /api/v2/connections/:id": 5,
                "GET /api/v2/connections (count)": 1,
                "GET /api/v2/connections (page)": 3,
            });
            assert.equal(liveReadStats().reused.connection, N - 6);
        });

        it("sees a stream however slowly the rate limit lets its answers come", async () => {
            // Each request the rate limit lets through moves the clock by more than STREAM_GAP_MS:
            // every batch takes longer than the gap from its opening, none waits it after an answer.
            const answered = () => emu.journal.filter((e) => e.status !== 0 && e.status !== 429).length;
            setLiveReadClock(() => now + 2 * STREAM_GAP_MS * answered());
            emu.setRateLimit({ rate: 3, burst: 1 });
            try {
                // Enough to list and then answer from the listing; a broken stream would take a GET each.
                for (const id of ids.slice(0, 30)) assert.equal((await ps.diff(id, psOuts(id), psOuts(id))).changes, false);
            } finally {
                emu.setRateLimit(undefined);
            }
            const counts = tally(requests(emu.journal.filter((e) => e.status !== 429)));
            assert.deepEqual(
                counts,
                { "GET /api/v2/connections/:id": 5, "GET /api/v2/connections (count)": 1, "GET /api/v2/connections (page)": 3 },
                JSON.stringify(counts),
            );
        });

        it("sees a dashboard edit once the listing is REUSE_MS old", async () => {
            await diffProfileSyncs(ids);
            emu.state.connections[ids[7]].options!.set_user_root_attributes = "never_on_login";
            now += REUSE_MS;
            const changed = await diffProfileSyncs(ids);
            assert.deepEqual(
                ids.filter((_, i) => changed[i]),
                [ids[7]],
            );
        });

        it("never answers from a listing for a connection written since", async () => {
            await diffProfileSyncs(ids);
            const outs = { ...psOuts(ids[9]), mode: "never_on_login" as const };
            await ps.update(ids[9], psOuts(ids[9]), outs);
            emu.clearJournal();
            assert.deepEqual(
                await diffProfileSyncs([ids[8], ids[9]]),
                [false, true],
                "ids[9] is read again: never_on_login != on_first_login",
            );
            assert.deepEqual(requests(emu.journal), ["GET /api/v2/connections/:id"]);
        });

        it("reads what the listing lacks on its own: a deleted connection fails as before, naming it", async () => {
            delete emu.state.connections[ids[3]];
            const results = await Promise.allSettled(ids.map((id) => ps.diff(id, psOuts(id), psOuts(id))));
            const failed = results.flatMap((r, i) => (r.status === "rejected" ? [[ids[i], String(r.reason)]] : []));
            assert.equal(failed.length, 1);
            assert.equal(failed[0][0], ids[3]);
            assert.match(failed[0][1], /404.*connection does not exist/);
            assert.equal(tally(requests(emu.journal))["GET /api/v2/connections/:id"], 1);
        });

        it("confirms a configuration missing from the listing with its own GET, and then sees it gone", async () => {
            const scimIds = ids.filter((_, i) => !isGoogle(i)).slice(0, 20);
            delete emu.state.scimConfigurations[scimIds[0]];
            const changed = await Promise.all(scimIds.map(async (id) => (await scim.diff(id, scimOuts(id), scimOuts(id))).changes));
            assert.deepEqual(changed, [true, ...Array(19).fill(false)]);
            assert.deepEqual(tally(requests(emu.journal)), {
                "GET /api/v2/connections (count)": 1,
                "GET /api/v2/connections-scim-configurations (page)": 2,
                "GET /api/v2/connections/:id/scim-configuration": 1,
            });
        });

        it("falls back to single GETs when a listing fails", async () => {
            emu.setFaults([{ method: "GET", path: "^/api/v2/connections-directory-provisionings$", kind: "status", status: 400 }]);
            try {
                const googleIds = ids.filter((_, i) => isGoogle(i)).slice(0, 10);
                const changed = await Promise.all(googleIds.map(async (id) => (await dir.diff(id, dirOuts(id), dirOuts(id))).changes));
                assert.deepEqual(changed, Array(10).fill(false));
                assert.equal(tally(requests(emu.journal))["GET /api/v2/connections/:id/directory-provisioning"], 10);
                assert.equal(liveReadStats().single.directory, 1);
            } finally {
                emu.setFaults([]);
            }
        });

        it("keeps single GETs for a batch of three, without asking the tenant's size", async () => {
            assert.deepEqual(await diffProfileSyncs(ids.slice(0, 3)), [false, false, false]);
            assert.deepEqual(requests(emu.journal), Array(3).fill("GET /api/v2/connections/:id"));
        });

        it("reads an object asked twice in one batch once", async () => {
            const batch = [ids[0], ids[1], ids[2], ids[0], ids[1], ids[2]];
            assert.deepEqual(await diffProfileSyncs(batch), Array(6).fill(false));
            assert.deepEqual(requests(emu.journal), Array(3).fill("GET /api/v2/connections/:id"));
        });

        it("keeps single GETs when listing the tenant would cost as many requests as the batch", async () => {
            // 401 connections are five pages: five single GETs are no dearer, so the tenant is not listed.
            for (let i = N; i < 401; i++) {
                emu.state.connections[idOf(i)] = { id: idOf(i), name: `conn-${i}`, strategy: "okta", options: {} };
            }
            assert.deepEqual(await diffProfileSyncs(ids.slice(0, 5)), Array(5).fill(false));
            assert.deepEqual(requests(emu.journal), ["GET /api/v2/connections (count)", ...Array(5).fill("GET /api/v2/connections/:id")]);
        });
    });

    describe("a small stack on the sample tenant", () => {
        let emu: RunningEmulator;
        before(async () => {
            emu = await startForProvider();
        });
        after(() => emu.close());
        beforeEach(() => useEmulator(emu));

        it("reads one connection's three settings with the same three GETs as before", async () => {
            const madePs = await ps.create({ connectionId: SAMPLE.okta, mode: "on_first_login", onDelete: "retain" });
            const scimInputs = { connectionId: SAMPLE.okta, userIdAttribute: "externalId", mapping: MAPPING, adoptExisting: true };
            const madeScim = await scim.create(scimInputs);
            const tokenInputs = { connectionId: SAMPLE.okta, scopes: SCOPES };
            const madeToken = await tokens.create(tokenInputs);
            emu.clearJournal();
            useEmulator(emu);
            const changed = await Promise.all([
                ps.diff(madePs.id, madePs.outs, madePs.outs),
                scim.diff(madeScim.id, madeScim.outs, scimInputs),
                tokens.diff(madeToken.id, madeToken.outs, tokenInputs),
            ]);
            assert.deepEqual(
                changed.map((d) => d.changes),
                [false, false, false],
            );
            assert.deepEqual(requests(emu.journal).sort(), [
                "GET /api/v2/connections/:id",
                "GET /api/v2/connections/:id/scim-configuration",
                "GET /api/v2/connections/:id/scim-configuration/tokens",
            ]);
        });

        it("lists one connection's tokens once for two token resources asked at the same time", async () => {
            await scim.create({ connectionId: SAMPLE.waad, userIdAttribute: "externalId", adoptExisting: true });
            const a = await tokens.create({ connectionId: SAMPLE.waad, scopes: ["get:users"] });
            const b = await tokens.create({ connectionId: SAMPLE.waad, scopes: ["post:users"] });
            emu.clearJournal();
            useEmulator(emu);
            const [da, db] = await Promise.all([tokens.diff(a.id, a.outs, a.outs), tokens.diff(b.id, b.outs, b.outs)]);
            assert.equal(da.changes || db.changes, false);
            assert.deepEqual(requests(emu.journal), ["GET /api/v2/connections/:id/scim-configuration/tokens"]);
        });
    });
});
