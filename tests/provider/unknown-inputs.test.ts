import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { directoryProvisioningProvider } from "../../components/provider/directoryProvisioning";
import { profileSyncProvider } from "../../components/provider/profileSync";
import { scimConfigurationProvider } from "../../components/provider/scimConfiguration";
import { UNKNOWN } from "../../components/provider/schemas";
import { scimTokenProvider } from "../../components/provider/scimToken";
import { apiCalls, SAMPLE, startForProvider } from "../helpers/api";

/**
 * During a preview, an input that depends on another resource's output arrives as Pulumi's unknown
 * placeholder. Every provider must answer "changes" without reading or writing anything, whichever
 * input is unknown, and without crashing on a placeholder where a list or object should be.
 */
const CASES = [
    {
        kind: "ProfileSync",
        provider: profileSyncProvider,
        olds: { connectionId: SAMPLE.okta, mode: "on_first_login", onDelete: "retain" },
        unknowns: ["connectionId", "mode", "onDelete"],
    },
    {
        kind: "ScimConfiguration",
        provider: scimConfigurationProvider,
        olds: {
            connectionId: SAMPLE.okta,
            userIdAttribute: "externalId",
            mapping: [{ auth0: "email", scim: "userName" }],
            onDelete: "delete",
            adoptExisting: true,
        },
        unknowns: ["connectionId", "userIdAttribute", "mapping", "mapping[0].scim", "adoptExisting"],
    },
    {
        kind: "ScimToken",
        provider: scimTokenProvider,
        olds: { connectionId: SAMPLE.samlp, scopes: ["get:users"] },
        unknowns: ["connectionId", "scopes", "scopes[0]", "tokenLifetime"],
    },
    {
        kind: "DirectoryProvisioning",
        provider: directoryProvisioningProvider,
        olds: {
            connectionId: SAMPLE.google,
            mapping: [{ auth0: "email", idp: "primaryEmail" }],
            synchronizeAutomatically: false,
            synchronizeGroups: "off",
            onDelete: "delete",
            adoptExisting: true,
            synchronizeOnChange: false,
        },
        unknowns: ["connectionId", "mapping", "mapping[0].idp", "synchronizeGroups", "synchronizeOnChange"],
    },
] as const;

/** A copy of `inputs` with the value at `path` (`mapping`, `mapping[0].idp`) replaced by the unknown placeholder. */
function withUnknown(inputs: Record<string, unknown>, path: string): Record<string, unknown> {
    const copy = structuredClone(inputs);
    const m = /^(\w+)(?:\[(\d+)\](?:\.(\w+))?)?$/.exec(path);
    assert.ok(m, path);
    const [, key, index, field] = m;
    if (index === undefined) copy[key] = UNKNOWN;
    else if (field === undefined) (copy[key] as unknown[])[Number(index)] = UNKNOWN;
    else ((copy[key] as Record<string, unknown>[])[Number(index)] as Record<string, unknown>)[field] = UNKNOWN;
    return copy;
}

describe("Preview-time unknown inputs", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());

    for (const c of CASES) {
        for (const path of c.unknowns) {
            it(`${c.kind}: an unknown ${path} previews as a change with no API call`, async () => {
                emu.clearJournal();
                const news = withUnknown(c.olds, path);
                const checked = await c.provider.check(c.olds as never, news as never);
                assert.deepEqual(checked.failures, []);
                const state = { ...c.olds, tokenId: "tok_x" };
                const diff = await c.provider.diff("id", state as never, (checked.inputs ?? news) as never);
                assert.equal(diff.changes, true);
                assert.deepEqual(apiCalls(emu.journal), []);
            });
        }
    }
});
