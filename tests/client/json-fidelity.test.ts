import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { optionsWithMode } from "../../components/provider/diff";
import { resetProcessState } from "../../components/provider/process";
import { createApi } from "../../management-api/client";
import { numberSurvives, unsafePaths } from "../../management-api/json-fidelity";
import { resolveCredentials, storeSettings } from "../../management-api/settings";
import { SAMPLE, SAMPLE_TOKEN } from "../helpers/api";
import { answer, hostileProxy } from "../helpers/hostile-proxy";

describe("Options that would not survive the round trip", () => {
    it("tells numbers a double holds from those it does not", () => {
        for (const ok of ["1", "1.0", "1e2", "0.1", "-12.5e3", "0.30000000000000004", "9007199254740991"])
            assert.ok(numberSurvives(ok), ok);
        for (const lossy of ["12345678901234567891", "1e400", "9007199254740993", "-1e400"]) assert.ok(!numberSurvives(lossy), lossy);
    });

    it("finds lossy numbers and repeated keys under options, at any depth, and nothing elsewhere", () => {
        const text = '{"id":"con_x","big":1e400,"options":{"a":12345678901234567891,"b":{"c":[1,{"d":1e400}]},"e":1,"e":2,"f":"1e400"}}';
        assert.deepEqual(unsafePaths(text), [
            "options.a (12345678901234567891 would come back as 12345678901234567000)",
            "options.b.c[1].d (1e400 would come back as null)",
            "options.e (the key appears twice)",
        ]);
        assert.deepEqual(unsafePaths('{"options":{"a":1.5,"b":[true,null,"x"]}}'), []);
    });

    it("refuses to write such options, naming the key, and sends no PATCH", async () => {
        const emu: RunningEmulator = await startEmulator();
        const raw =
            `{"id":"${SAMPLE.okta}","name":"okta-workforce","strategy":"okta",` +
            '"options":{"client_secret_rotation":12345678901234567891,"set_user_root_attributes":"on_each_login"}}';
        const proxy = await hostileProxy(emu, (s) => (s.method === "GET" ? answer(200, raw) : undefined));
        try {
            resetProcessState();
            storeSettings({ domain: proxy.url, apiToken: SAMPLE_TOKEN });
            const api = createApi(resolveCredentials());
            await assert.rejects(
                api.readModifyWriteOptions(SAMPLE.okta, (c) => optionsWithMode(c.options ?? {}, "never_on_login")),
                /refusing to write the options of connection "okta-workforce" .*options\.client_secret_rotation \(12345678901234567891 would come back as 12345678901234567000\).*nothing was written/,
            );
            assert.deepEqual(
                proxy.seen.filter((s) => s.method === "PATCH"),
                [],
            );
            // Reading (a preview) still works: only the write is refused.
            const { before, after } = await api.readModifyWriteOptions(SAMPLE.okta, () => undefined);
            assert.equal(before.id, SAMPLE.okta);
            assert.equal(after, undefined);
        } finally {
            resetProcessState();
            await proxy.close();
            await emu.close();
        }
    });
});
