import * as assert from "node:assert/strict";
import { ResourceInitError } from "../../components/provider/skeleton";
import type { RunningEmulator } from "../../emulator";
import { scimTokenProvider as p } from "../../components/provider/scimToken";
import { SAMPLE, startForProvider, useEmulator } from "../helpers/api";
import { issuedBehindOurBack } from "../helpers/scim-tokens";

const CONN = SAMPLE.samlp;
const USERS = ["get:users"];
const TOKENS_PATH = "/scim-configuration/tokens$";
const TOKEN_URL = `/api/v2/connections/${CONN}/scim-configuration/tokens`;

/** Auth0's own 429 on token POSTs (it carries the x-ratelimit headers; Auth0 answers it before doing any work), `times` of them. */
const auth0429 = (times: number) => ({ method: "POST", path: TOKENS_PATH, kind: "status" as const, status: 429, times });

/** Someone else (the identity provider's administrator, in the dashboard) issues a token with these scopes. */
const issuedElsewhere = (emu: RunningEmulator, scopes: readonly string[]) => issuedBehindOurBack(emu, CONN, scopes);

const tokenCalls = (emu: RunningEmulator) => emu.journal.filter((e) => e.path.startsWith(TOKEN_URL)).map((e) => `${e.method} ${e.status}`);

describe("ScimToken: Auth0's own 429 on a token POST", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider({ rateLimit: { rate: 50, burst: 50 } });
    });
    after(() => emu.close());
    beforeEach(() => {
        useEmulator(emu);
        emu.state.scimTokens[CONN] = [];
        emu.setFaults([]);
        emu.clearJournal();
    });

    it("records nothing: the next preview shows no change, and the next up keeps a token someone else issued meanwhile", async () => {
        emu.setFaults([auth0429(1)]);
        const inputs = { connectionId: CONN, scopes: USERS, tokensOnConnection: 1 };
        await p.check({}, inputs);
        emu.clearJournal();
        const made = await p.create(inputs);
        assert.equal(made.outs.earlierAttempts, undefined);
        assert.deepEqual(
            tokenCalls(emu),
            ["GET 200", "POST 429", "POST 201"],
            "asked again once the bucket let it, with nothing to look for",
        );
        emu.setFaults([]);
        const foreign = await issuedElsewhere(emu, USERS);
        // The next run: preview, then up.
        useEmulator(emu);
        await p.check(made.outs, inputs);
        const diff = await p.diff(made.id, made.outs, inputs);
        assert.equal(diff.changes, false, JSON.stringify(diff));
        const { outs } = await p.update(made.id, made.outs, inputs);
        assert.deepEqual(
            emu.state.scimTokens[CONN].map((t) => t.token_id).sort(),
            [foreign, made.id].sort(),
            "someone else's token survives",
        );
        assert.equal(outs.earlierAttempts, undefined);
    });

    it("fails a create whose every POST Auth0 answered 429 with that answer, recording no request and revoking nothing", async () => {
        const foreign = await issuedElsewhere(emu, USERS);
        emu.clearJournal();
        emu.setFaults([auth0429(3)]);
        const err = await p.create({ connectionId: CONN, scopes: USERS }).then(
            () => assert.fail("expected the create to fail"),
            (e: unknown) => e,
        );
        assert.ok(!(err instanceof ResourceInitError), `no state left behind: ${String(err)}`);
        assert.match(String(err), /failed with 429/);
        assert.deepEqual(tokenCalls(emu), ["GET 200", "POST 429", "POST 429", "POST 429"]);
        assert.deepEqual(
            emu.state.scimTokens[CONN].map((t) => t.token_id),
            [foreign],
        );
    });

    it("records only the POST a gateway answered 429 when Auth0 refuses the ones after it", async () => {
        emu.setFaults([{ ...auth0429(1), gateway: true }, auth0429(2)]);
        const started = Date.now();
        const err = await p.create({ connectionId: CONN, scopes: USERS }).then(
            () => assert.fail("expected the create to fail"),
            (e: unknown) => e,
        );
        assert.ok(err instanceof ResourceInitError, String(err));
        const request: unknown = err.properties.unanswered;
        assert.ok(typeof request === "object" && request !== null, String(err));
        assert.equal(Reflect.get(request, "retriedAfterMs"), undefined, `one POST may have issued a token: ${JSON.stringify(request)}`);
        const askedAt = Date.parse(String(Reflect.get(request, "askedAt")));
        const posts = emu.journal.filter((e) => e.method === "POST" && e.path === TOKEN_URL);
        assert.ok(askedAt >= started && askedAt <= posts[0].at, `asked at the gateway's POST: ${JSON.stringify(request)}`);
    });
});
