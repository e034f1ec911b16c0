import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { createApi, type Auth0Api } from "../../management-api/client";
import { getRequestStats } from "../../management-api/state";
import { resolveCredentials, storeSettings } from "../../management-api/settings";
import { answer, hostileProxy, type HostileProxy, type Rule } from "../helpers/hostile-proxy";
import { SAMPLE, SAMPLE_CLIENT, SAMPLE_TOKEN } from "../helpers/api";

const CONN_PATH = `/api/v2/connections/${SAMPLE.okta}`;

describe("Hostile answers", () => {
    let emu: RunningEmulator;
    let proxy: HostileProxy | undefined;
    before(async () => {
        emu = await startEmulator({ rateLimit: { rate: 2, burst: 2 } });
    });
    after(() => emu.close());
    afterEach(async () => {
        await proxy?.close();
        proxy = undefined;
        resetProcessState();
    });

    async function clientBehind(
        rule: Rule,
        creds: Record<string, string> = { apiToken: SAMPLE_TOKEN },
        timeoutMs = 2000,
    ): Promise<Auth0Api> {
        proxy = await hostileProxy(emu, rule);
        resetProcessState();
        storeSettings({ domain: proxy.url, timeoutMs, ...creds });
        return createApi(resolveCredentials());
    }

    const failure = (p: Promise<unknown>) =>
        p.then(
            () => assert.fail("expected a failure"),
            (e: unknown) => String(e),
        );

    for (const [what, make] of [
        ["an empty 200", answer(200, "")],
        ["a 204", answer(204, "")],
        ["null", answer(200, "null")],
        ["truncated JSON", answer(200, '{"id":"con_x","name":"ok')],
        ["a connection without a name", answer(200, '{"id":"con_x","strategy":"okta","options":{}}')],
    ] as const) {
        it(`names the call and what was wrong for ${what} on GET`, async () => {
            const api = await clientBehind((s) => (s.method === "GET" && s.path === CONN_PATH ? make : undefined));
            const message = await failure(api.getConnection(SAMPLE.okta));
            assert.match(message, new RegExp(`GET ${CONN_PATH} failed: (unexpected|unreadable) answer`));
            assert.doesNotMatch(message, /Cannot read properties|lacks the read:connections_options/);
        });
    }

    it("names the token endpoint when its reply has no access_token", async () => {
        const api = await clientBehind((s) => (s.path === "/oauth/token" ? answer(200, '{"token_type":"Bearer"}') : undefined), {
            clientId: SAMPLE_CLIENT.clientId,
            clientSecret: SAMPLE_CLIENT.clientSecret,
        });
        const message = await failure(api.getConnection(SAMPLE.okta));
        assert.match(message, /POST \/oauth\/token/);
        assert.doesNotMatch(message, /local-secret/);
    });

    it("retries a GET whose body stalls, like any other read", async function () {
        this.timeout(10_000);
        const api = await clientBehind(
            (s, n) =>
                s.method === "GET" && s.path === CONN_PATH && n === 1
                    ? (res) => {
                          res.writeHead(200, { "content-type": "application/json" });
                          res.write('{"id":');
                      }
                    : undefined,
            { apiToken: SAMPLE_TOKEN },
            400,
        );
        const conn = await api.getConnection(SAMPLE.okta);
        assert.equal(conn.id, SAMPLE.okta);
        assert.equal(proxy!.seen.filter((s) => s.path === CONN_PATH).length, 2);
    });

    it("backs off with jitter after a 429 without headers, instead of a retry storm", async function () {
        this.timeout(20_000);
        const api = await clientBehind((s, n) => (s.path === CONN_PATH && n <= 3 ? answer(429, '{"statusCode":429}') : undefined));
        await api.getConnection(SAMPLE.okta);
        const asked = proxy!.seen.filter((s) => s.path === CONN_PATH);
        assert.equal(asked.length, 4);
        const gaps = asked.slice(1).map((s, i) => s.at - asked[i].at);
        // 1 s, 2 s, 4 s doubling, each with jitter in [50%, 100%].
        for (const [i, g] of gaps.entries()) assert.ok(g >= 500 * 2 ** i - 50, `gap ${i} was ${g} ms`);
    });

    for (const [what, headers] of [
        ["retry-after a day ahead", { "retry-after": "86400" }],
        [
            "x-ratelimit-reset a day ahead",
            { "x-ratelimit-limit": "2", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 86400) },
        ],
    ] as const) {
        it(`fails at once, saying what the server asked for, after a 429 with ${what}`, async () => {
            const api = await clientBehind((s) => (s.path === CONN_PATH ? answer(429, '{"statusCode":429}', headers) : undefined));
            // Waiting even the 60 s cap would meet the test's timeout: only a hang reaches it.
            const message = await failure(api.getConnection(SAMPLE.okta));
            assert.match(
                message,
                /rate limited, and the server asked us to wait 86\d{3} s .*more than the 60 s we wait at most \(auth0-connection-sync:maxRateLimitWaitMs\)/,
            );
            assert.equal(proxy!.seen.filter((s) => s.path === CONN_PATH).length, 1, "asked once, not again after any wait");
        });
    }

    it("is not misled by a server clock 3 s behind: no 429 on a free-tier bucket", async function () {
        this.timeout(30_000);
        const skewed = (h: Headers) => {
            const reset = Number(h.get("x-ratelimit-reset"));
            if (Number.isFinite(reset) && reset > 0) h.set("x-ratelimit-reset", String(reset - 3));
            h.set("date", new Date(Date.now() - 3000).toUTCString());
        };
        const api = await clientBehind(() => ({ headers: skewed }));
        for (let i = 0; i < 12; i++) await api.getConnection(SAMPLE.okta);
        const stats = getRequestStats();
        assert.equal(stats.rateLimited, 0, `${stats.rateLimited} 429s in ${stats.requests} requests`);
        assert.equal(stats.requests, 12);
    });
});
