import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import {
    canonicalMapping,
    directoryPatch,
    effectiveMode,
    literalMode,
    mappingProblems,
    modeSatisfied,
    optionsWithMode,
    restorePlan,
    sameMapping,
    scimDifferences,
    scimPatchBody,
} from "../../components/provider/diff";
import type { DirectoryProvisioningConfig, ScimConfig } from "../../management-api/types";

const scimLive = (over: Partial<ScimConfig> = {}): ScimConfig => ({
    connection_id: "con_1",
    connection_name: "okta",
    strategy: "okta",
    tenant_name: "t",
    user_id_attribute: "externalId",
    mapping: [
        { auth0: "email", scim: "emails[primary eq true].value" },
        { auth0: "name", scim: "displayName" },
    ],
    created_at: "2026-01-01T00:00:00.000Z",
    updated_on: "2026-01-01T00:00:00.000Z",
    ...over,
});

describe("Profile sync decisions", () => {
    it("reads an absent key as on_each_login, as Auth0 does", () => {
        assert.equal(effectiveMode({}), "on_each_login");
        assert.equal(literalMode({}), "absent");
        assert.equal(effectiveMode({ set_user_root_attributes: "never_on_login" }), "never_on_login");
    });

    it("needs no write when an absent key already means the desired mode", () => {
        assert.equal(modeSatisfied({ other: 1 }, "on_each_login"), true);
        assert.equal(modeSatisfied({ other: 1 }, "on_first_login"), false);
    });

    it("changes only our key, keeps every other key, value and position, and does not mutate the input", () => {
        const live = { a: 1, set_user_root_attributes: "on_each_login", b: { deep: [1, { c: null }] } };
        const frozen = structuredClone(live);
        const out = optionsWithMode(live, "never_on_login");
        assert.deepEqual(Object.keys(out), ["a", "set_user_root_attributes", "b"]);
        assert.equal(out.set_user_root_attributes, "never_on_login");
        assert.equal(out.b, live.b);
        assert.deepEqual(live, frozen);
    });

    it("appends the key when it was absent and removes it for absent", () => {
        assert.deepEqual(optionsWithMode({ a: 1 }, "on_first_login"), { a: 1, set_user_root_attributes: "on_first_login" });
        assert.deepEqual(optionsWithMode({ a: 1, set_user_root_attributes: "on_first_login" }, "absent"), { a: 1 });
    });

    it("restores only when the literal value differs from what was there before", () => {
        assert.equal(restorePlan({ a: 1 }, "absent"), undefined);
        assert.deepEqual(restorePlan({ a: 1, set_user_root_attributes: "never_on_login" }, "absent"), { a: 1 });
        // Explicit on_each_login is not "absent": restoring absent must remove it.
        assert.deepEqual(restorePlan({ set_user_root_attributes: "on_each_login" }, "absent"), {});
        assert.deepEqual(restorePlan({}, "on_first_login"), { set_user_root_attributes: "on_first_login" });
    });

    it("keeps a key named __proto__ as an ordinary option", () => {
        const live = JSON.parse('{"__proto__":{"x":1},"a":2}') as Record<string, unknown>;
        const out = optionsWithMode(live, "on_first_login");
        assert.equal(JSON.stringify(out), '{"__proto__":{"x":1},"a":2,"set_user_root_attributes":"on_first_login"}');
    });

    it("never touches any other key, for any options object (property)", () => {
        const json = fc.jsonValue({ maxDepth: 4 });
        fc.assert(
            fc.property(
                fc.dictionary(fc.string(), json),
                fc.constantFrom("on_each_login", "on_first_login", "never_on_login", "absent" as const),
                (opts, mode) => {
                    const out = optionsWithMode(opts, mode);
                    for (const k of Object.keys(opts)) {
                        if (k !== "set_user_root_attributes") assert.deepEqual(out[k], opts[k]);
                    }
                    assert.equal(
                        Object.keys(out).filter((k) => k !== "set_user_root_attributes").length,
                        Object.keys(opts).filter((k) => k !== "set_user_root_attributes").length,
                    );
                    assert.equal(literalMode(out), mode);
                },
            ),
            { numRuns: 500 },
        );
    });
});

describe("Mapping comparison", () => {
    it("ignores pair order and key order", () => {
        const a = [
            { auth0: "email", scim: "emails" },
            { auth0: "name", scim: "displayName" },
        ];
        const b = [
            { scim: "displayName", auth0: "name" },
            { scim: "emails", auth0: "email" },
        ];
        assert.equal(sameMapping(a, b, "scim"), true);
        assert.deepEqual(canonicalMapping(b, "scim"), [
            ["email", "emails"],
            ["name", "displayName"],
        ]);
    });

    it("sees a changed target, a missing pair and an extra pair", () => {
        const a = [{ auth0: "email", scim: "emails" }];
        assert.equal(sameMapping(a, [{ auth0: "email", scim: "userName" }], "scim"), false);
        assert.equal(sameMapping(a, [], "scim"), false);
        assert.equal(sameMapping(a, [...a, { auth0: "x", scim: "y" }], "scim"), false);
    });

    it("reports duplicate pairs and a second target for one Auth0 attribute, by index", () => {
        const problems = mappingProblems(
            [
                { auth0: "email", idp: "primaryEmail" },
                { auth0: "email", idp: "primaryEmail" },
                { auth0: "email", idp: "recoveryEmail" },
                { auth0: "name", idp: "name.fullName" },
            ],
            "idp",
        );
        assert.deepEqual(
            problems.map((p) => p.index),
            [1, 2],
        );
        assert.match(problems[0].reason, /duplicates mapping\[0\]/);
        assert.match(problems[1].reason, /maps Auth0 attribute "email" a second time/);
    });
});

describe("SCIM decisions", () => {
    it("finds no difference when only the order differs", () => {
        const live = scimLive();
        assert.deepEqual(scimDifferences(live, { userIdAttribute: "externalId", mapping: [...live.mapping].reverse() }), []);
    });

    it("names the fields that differ", () => {
        assert.deepEqual(scimDifferences(scimLive(), { userIdAttribute: "userName", mapping: [] }), ["userIdAttribute", "mapping"]);
    });

    it("always builds a PATCH body with both fields and only auth0/scim keys", () => {
        const body = scimPatchBody({ userIdAttribute: "externalId", mapping: [{ scim: "s", auth0: "a" }] });
        assert.deepEqual(body, { user_id_attribute: "externalId", mapping: [{ auth0: "a", scim: "s" }] });
        assert.deepEqual(Object.keys(body.mapping[0]), ["auth0", "scim"]);
    });
});

describe("Directory provisioning decisions", () => {
    const live: DirectoryProvisioningConfig = {
        connection_id: "con_g",
        connection_name: "google",
        strategy: "google-apps",
        mapping: [{ auth0: "email", idp: "primaryEmail" }],
        synchronize_automatically: false,
        synchronize_groups: "off",
        created_at: "x",
        updated_at: "x",
    };

    it("sends nothing when everything matches", () => {
        assert.deepEqual(directoryPatch(live, { mapping: live.mapping, synchronizeAutomatically: false, synchronizeGroups: "off" }), {});
    });

    it("sends only the fields that differ", () => {
        assert.deepEqual(directoryPatch(live, { mapping: live.mapping, synchronizeAutomatically: true, synchronizeGroups: "off" }), {
            synchronize_automatically: true,
        });
        assert.deepEqual(
            directoryPatch(live, {
                mapping: [{ auth0: "name", idp: "name.fullName" }],
                synchronizeAutomatically: false,
                synchronizeGroups: "all",
            }),
            { mapping: [{ auth0: "name", idp: "name.fullName" }], synchronize_groups: "all" },
        );
    });

    it("treats a missing synchronize_groups as off", () => {
        const { synchronize_groups: _, ...rest } = live;
        assert.deepEqual(directoryPatch(rest, { mapping: live.mapping, synchronizeAutomatically: false, synchronizeGroups: "off" }), {});
    });
});
