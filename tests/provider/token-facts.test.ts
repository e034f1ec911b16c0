import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { scimTokenProvider as p, type ScimTokenInputs } from "../../components/provider/scimToken";
import {
    blockedUntil,
    CLOCK_SKEW_MS,
    cappedLifetimeWarning,
    expiryOf,
    grantedLifetimeMs,
    isActive,
    lateTokenCandidates,
    lateTokensOf,
    rotationDue,
    type UnansweredRequest,
} from "../../components/provider/token-facts";
import { storeSettings } from "../../management-api/settings";
import { answer, hostileProxy, type HostileProxy, type Rule } from "../helpers/hostile-proxy";
import { SAMPLE, SAMPLE_TOKEN, writes } from "../helpers/api";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("SCIM token facts from the server", () => {
    describe("the decisions", () => {
        it("reads an expiry: absent is never, a date is a time, anything else is unknown (never expired)", () => {
            const table: ReadonlyArray<readonly [unknown, string, boolean]> = [
                [undefined, "never", true],
                [iso(NOW + HOUR), "at", true],
                [iso(NOW - HOUR), "at", false],
                [null, "unknown", true],
                ["", "unknown", true],
                ["soon", "unknown", true],
                ["2026", "unknown", true],
                [1_800_000_000_000, "unknown", true],
                ["2026-13-45T00:00:00Z", "unknown", true],
            ];
            for (const [validUntil, kind, active] of table) {
                const token = validUntil === undefined ? {} : { valid_until: validUntil };
                assert.equal(expiryOf(token).kind, kind, JSON.stringify(validUntil));
                assert.equal(isActive(token, NOW), active, JSON.stringify(validUntil));
            }
        });

        it("rotates within the window only a token granted more than the window", () => {
            const created = (lifetime: number, left: number) => ({ created_at: iso(NOW + left - lifetime), valid_until: iso(NOW + left) });
            const table: ReadonlyArray<readonly [string, object, boolean]> = [
                ["30 d granted, 3 d left, 7 d window", created(30 * DAY, 3 * DAY), true],
                ["30 d granted, 8 d left", created(30 * DAY, 8 * DAY), false],
                ["capped at 1 h, 1 h left", created(HOUR, HOUR), false],
                ["capped at exactly the window", created(7 * DAY, 3 * DAY), false],
                ["no readable creation", { created_at: "yesterday", valid_until: iso(NOW + DAY) }, false],
                ["null expiry", { created_at: iso(NOW), valid_until: null }, false],
                ["no expiry", { created_at: iso(NOW) }, false],
            ];
            for (const [what, token, due] of table) assert.equal(rotationDue(token, 7 * DAY, NOW), due, what);
            assert.equal(grantedLifetimeMs(created(HOUR, HOUR)), HOUR);
        });

        it("warns about a grant within the window, naming the cap", () => {
            const capped = { token_id: "tok_c", created_at: iso(NOW), valid_until: iso(NOW + HOUR) };
            const warning = cappedLifetimeWarning(capped, 30 * 86_400, "7d", 7 * DAY);
            assert.match(warning ?? "", /tok_c was issued for 3600 s instead of the 2592000 s asked .*caps token lifetimes at 3600 s/);
            assert.match(warning ?? "", /rotateBeforeExpiry \(7d\)/);
            const full = { ...capped, valid_until: iso(NOW + 30 * DAY) };
            assert.equal(cappedLifetimeWarning(full, 30 * 86_400, "7d", 7 * DAY), undefined);
            assert.equal(cappedLifetimeWarning(capped, 30 * 86_400, undefined, 0), undefined);
        });
    });

    describe("late tokens of unanswered requests", () => {
        const request: UnansweredRequest = { askedAt: iso(NOW), until: iso(NOW + 10_000), baseline: [] };
        const token = (id: string, at: number) => ({ token_id: id, scopes: ["get:users"], created_at: iso(at) });
        const pending = (r: UnansweredRequest) => ({ request: r, scopes: ["get:users"] });

        it("lifts the sending run's block only when a token issued then can no longer fall inside the window, whatever the skew", () => {
            // Blocked up to blockedUntil itself; the first token may be issued a millisecond later, on a
            // server whose clock is behind ours by the full skew.
            const firstAllowed = blockedUntil(request) + 1;
            const issued = token("tok_next", firstAllowed - CLOCK_SKEW_MS);
            assert.deepEqual(lateTokenCandidates(request, ["get:users"], [issued], new Set()), []);
            const stillBlocked = token("tok_early", firstAllowed - 1 - CLOCK_SKEW_MS);
            assert.equal(
                lateTokenCandidates(request, ["get:users"], [stillBlocked], new Set()).length,
                1,
                "the block is not longer than needed",
            );
        });

        it("accounts for unknown tokens only when each can be a distinct POST's, whose window covers it", () => {
            const later: UnansweredRequest = {
                askedAt: iso(NOW + 5 * CLOCK_SKEW_MS),
                until: iso(NOW + 5 * CLOCK_SKEW_MS + 10_000),
                baseline: [],
            };
            const early = [token("tok_1", NOW + 1000), token("tok_2", NOW + 2000)];
            const table: ReadonlyArray<readonly [string, UnansweredRequest[], boolean]> = [
                ["one request, two tokens", [request], false],
                ["two requests, both windows cover both", [request, { ...request, askedAt: iso(NOW + 10) }], true],
                ["two requests, only one window covers them", [request, later], false],
                ["one request that sent two POSTs", [{ ...request, retriedAfterMs: [500] }], true],
            ];
            for (const [what, requests, accounted] of table) {
                const found = lateTokensOf(requests.map(pending), early, new Set());
                assert.deepEqual(
                    { ids: found.tokens.map((t) => t.token_id), accounted: found.accounted },
                    { ids: ["tok_1", "tok_2"], accounted },
                    what,
                );
            }
            const held = lateTokensOf([pending(request)], early, new Set(["tok_1"]));
            assert.deepEqual({ ids: held.tokens.map((t) => t.token_id), accounted: held.accounted }, { ids: ["tok_2"], accounted: true });
        });
    });

    describe("the provider against a server that says odd things", () => {
        const CONN = SAMPLE.samlp;
        const TOKENS = `/api/v2/connections/${CONN}/scim-configuration/tokens`;
        const inputs: ScimTokenInputs = { connectionId: CONN, scopes: ["get:users"], tokenLifetime: 30 * 86_400, rotateBeforeExpiry: "7d" };
        let emu: RunningEmulator;
        let proxy: HostileProxy | undefined;
        before(async () => {
            emu = await startEmulator();
        });
        after(() => emu.close());
        beforeEach(() => {
            emu.state.scimTokens[CONN] = [];
            emu.clearJournal();
        });
        afterEach(async () => {
            await proxy?.close();
            proxy = undefined;
            resetProcessState();
        });

        async function behind(rule: Rule): Promise<void> {
            proxy = await hostileProxy(emu, rule);
            resetProcessState();
            storeSettings({ domain: proxy.url, apiToken: SAMPLE_TOKEN });
        }

        for (const validUntil of [null, "", "soon"]) {
            it(`keeps a listed token whose valid_until is ${JSON.stringify(validUntil)} instead of replacing it on every run`, async () => {
                await behind(() => undefined);
                const { outs } = await p.create(inputs);
                const live = emu.state.scimTokens[CONN][0];
                Reflect.set(live, "valid_until", validUntil);
                emu.clearJournal();
                for (let run = 0; run < 2; run++) {
                    resetProcessState();
                    storeSettings({ domain: proxy?.url, apiToken: SAMPLE_TOKEN });
                    assert.deepEqual(await p.diff(outs.tokenId, outs, inputs), { changes: false });
                }
                assert.deepEqual(writes(emu.journal), []);
            });
        }

        it("keeps a token the server issued shorter than the rotation window, and says so naming the cap", async () => {
            const issuedAt = Date.now();
            const capped = {
                token_id: "tok_capped",
                token: `tok_capped.${"0".repeat(64)}`,
                scopes: ["get:users"],
                created_at: iso(issuedAt),
                valid_until: iso(issuedAt + HOUR),
            };
            await behind((s) => {
                if (s.method !== "POST" || s.path !== TOKENS) return undefined;
                // The server caps the lifetime: what it holds is what it answered.
                emu.state.scimTokens[CONN].push({ ...capped, scopes: [...capped.scopes] });
                return answer(201, JSON.stringify(capped));
            });
            const { outs } = await p.create(inputs);
            assert.match(outs.lifetimeWarning ?? "", /caps token lifetimes at 3600 s/);
            assert.equal(outs.validUntil, capped.valid_until);
            const diff = await p.diff(outs.tokenId, outs, inputs);
            assert.deepEqual(diff, { changes: false }, "no rotation into a token that qualifies again at once");
            // Once it has expired it is re-issued: the identity provider holds a dead token.
            Reflect.set(emu.state.scimTokens[CONN][0], "valid_until", iso(Date.now() - 1000));
            resetProcessState();
            storeSettings({ domain: proxy?.url, apiToken: SAMPLE_TOKEN });
            assert.deepEqual((await p.diff(outs.tokenId, outs, inputs)).replaces, ["tokenId"]);
        });

        it("counts a token with an unreadable expiry as active against the two-token limit", async () => {
            await behind(() => undefined);
            const odd = (id: string) => ({ token_id: id, token: `${id}.x`, scopes: ["get:users"], created_at: iso(Date.now()) });
            emu.state.scimTokens[CONN] = [odd("tok_a"), odd("tok_b")];
            for (const t of emu.state.scimTokens[CONN]) Reflect.set(t, "valid_until", null);
            await assert.rejects(p.create(inputs), /already holds 2 active SCIM tokens \(tok_a, tok_b\)/);
            assert.deepEqual(writes(emu.journal), []);
        });

        it("records no expiry it cannot read from the create answer", async () => {
            await behind((s) =>
                s.method === "POST" && s.path === TOKENS
                    ? answer(
                          201,
                          JSON.stringify({
                              token_id: "tok_w",
                              token: "tok_w.x",
                              scopes: ["get:users"],
                              created_at: iso(Date.now()),
                              valid_until: "",
                          }),
                      )
                    : undefined,
            );
            const { outs } = await p.create(inputs);
            assert.equal(outs.validUntil, undefined);
            assert.equal(outs.lifetimeWarning, undefined);
        });
    });
});
