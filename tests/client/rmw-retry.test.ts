import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { createApi, getApi } from "../../management-api/client";
import { resolveCredentials } from "../../management-api/settings";
import { optionsWithMode } from "../../components/provider/diff";
import { SAMPLE, startForProvider } from "../helpers/api";

const CONN = SAMPLE.waad;
const PATCH_PATH = `^/api/v2/connections/${CONN}$`;

/**
 * Makes a dashboard edit of another option in the back-off: when the GET that follows the failed
 * PATCH arrives, before the emulator serves it. Hooked on the journal, which the emulator appends
 * to as each request arrives, so the edit always lands between the two, on any machine.
 */
function editBeforeReread(emu: RunningEmulator): { stop: () => void; edited: () => boolean } {
    const journal = emu.journal;
    const path = `/api/v2/connections/${CONN}`;
    let done = false;
    journal.push = (...entries) => {
        const reread = entries.some((e) => e.method === "GET" && e.path === path);
        if (!done && reread && journal.some((e) => e.method === "PATCH" && e.path === path)) {
            emu.state.connections[CONN].options!.dashboard_edit = "made during the back-off";
            done = true;
        }
        return Array.prototype.push.apply(journal, entries);
    };
    return { stop: () => Reflect.deleteProperty(journal, "push"), edited: () => done };
}

describe("Read-modify-write after a failed PATCH", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());
    beforeEach(() => {
        delete emu.state.connections[CONN].options!.dashboard_edit;
        emu.state.connections[CONN].options!.set_user_root_attributes = "on_first_login";
        emu.clearJournal();
    });
    afterEach(() => emu.setFaults([]));

    for (const [what, fault] of [
        ["a 503", { kind: "status", status: 503 }],
        ["a 429", { kind: "status", status: 429 }],
        ["a timeout", { kind: "slow", delayMs: 20_000 }],
    ] as const) {
        it(`reads again and rebuilds the body after ${what}, so an edit made meanwhile survives`, async function () {
            this.timeout(20_000);
            if (what === "a timeout") emu.setFaults([{ method: "PATCH", path: PATCH_PATH, kind: "slow", delayMs: 20_000, times: 1 }]);
            else emu.setFaults([{ method: "PATCH", path: PATCH_PATH, ...fault, times: 1 }]);
            const editor = editBeforeReread(emu);
            try {
                const api = what === "a timeout" ? timeoutApi() : getApi();
                await api.readModifyWriteOptions(CONN, (c) => optionsWithMode(c.options ?? {}, "never_on_login"));
            } finally {
                editor.stop();
            }
            const options = emu.state.connections[CONN].options!;
            assert.equal(options.set_user_root_attributes, "never_on_login");
            assert.ok(editor.edited(), "the edit was made between the failed PATCH and the re-read");
            assert.equal(options.dashboard_edit, "made during the back-off", "the edit made during the back-off survives");
            const mine = emu.journal.filter((e) => e.path === `/api/v2/connections/${CONN}`).map((e) => e.method);
            assert.deepEqual(mine, ["GET", "PATCH", "GET", "PATCH"], "each PATCH right after its own GET");
        });
    }

    it("writes nothing more when the failed PATCH was carried out after all", async () => {
        emu.setFaults([{ method: "PATCH", path: PATCH_PATH, kind: "status-after-processing", status: 503, times: 1 }]);
        const { after } = await getApi().readModifyWriteOptions(CONN, (c) =>
            c.options?.set_user_root_attributes === "never_on_login" ? undefined : optionsWithMode(c.options ?? {}, "never_on_login"),
        );
        assert.equal(after, undefined, "the second read shows the write done; no second PATCH");
        assert.equal(emu.state.connections[CONN].options!.set_user_root_attributes, "never_on_login");
        const mine = emu.journal.filter((e) => e.path === `/api/v2/connections/${CONN}`).map((e) => `${e.method} ${e.status}`);
        assert.deepEqual(mine, ["GET 200", "PATCH 503", "GET 200"]);
    });
});

/** A client whose timeout the 20 s PATCH meets, with room for the GETs on a loaded machine. */
function timeoutApi() {
    return createApi({ ...resolveCredentials(), timeoutMs: 3000 });
}
