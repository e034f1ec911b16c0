import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import {
    canonicalMapping,
    directoryPatch,
    effectiveMode,
    groupProblems,
    literalMode,
    literalValue,
    mappingProblems,
    modeOfLiteral,
    modeSatisfied,
    optionsForMode,
    optionsWithMode,
    optionsWithValue,
    recordedPrevious,
    restorePlan,
    sameMapping,
    scimDifferences,
    scimPatchBody,
} from "../../components/provider/diff";
import { batches, groupDelta, groupsAsDeclared, sameGroupIds } from "../../components/provider/groups";
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

describe("Profile sync literals", () => {
    const LITERALS: unknown[] = [null, "On_First_Login", "on_each_login_v2", 42, { a: [1, { b: null }] }, true];

    it("counts only the literal mode or an absent key as satisfied, never a value it does not recognise", () => {
        assert.equal(modeSatisfied({ set_user_root_attributes: "on_each_login" }, "on_each_login"), true);
        for (const v of LITERALS) {
            for (const m of ["on_each_login", "on_first_login", "never_on_login"] as const) {
                assert.equal(modeSatisfied({ set_user_root_attributes: v }, m), false, `${JSON.stringify(v)} ${m}`);
            }
            assert.equal(effectiveMode({ set_user_root_attributes: v }), "on_each_login");
        }
    });

    it("writes on_each_login as an absent key on the dashboard-toggle strategies, and as the literal elsewhere", () => {
        const live = { a: 1, set_user_root_attributes: "never_on_login", b: 2 };
        for (const strategy of ["samlp", "ad", "adfs", "waad", "google-apps", "pingfederate"]) {
            assert.equal(JSON.stringify(optionsForMode(live, strategy, "on_each_login")), '{"a":1,"b":2}', strategy);
            assert.deepEqual(optionsForMode(live, strategy, "on_first_login"), { ...live, set_user_root_attributes: "on_first_login" });
        }
        for (const strategy of ["okta", "oidc", "auth0", "google-oauth2"]) {
            assert.equal(
                JSON.stringify(optionsForMode(live, strategy, "on_each_login")),
                '{"a":1,"set_user_root_attributes":"on_each_login","b":2}',
            );
        }
    });

    it("records any literal exactly, with its position, and restores it there", () => {
        for (const v of LITERALS) {
            const start = { a: 1, set_user_root_attributes: v, b: { c: 2 } };
            const recorded = literalValue(start);
            assert.deepEqual(recorded, { present: true, json: JSON.stringify(v), position: 1 });
            assert.equal(modeOfLiteral(recorded), "absent");
            const { set_user_root_attributes: _, ...removed } = start;
            assert.equal(JSON.stringify(restorePlan(removed, recorded)), JSON.stringify(start));
            assert.equal(
                JSON.stringify(restorePlan({ ...start, set_user_root_attributes: "on_first_login" }, recorded)),
                JSON.stringify(start),
            );
            assert.equal(restorePlan(start, recorded), undefined);
        }
        assert.deepEqual(literalValue({ a: 1 }), { present: false });
        assert.equal(JSON.stringify(restorePlan({ a: 1, set_user_root_attributes: null }, { present: false })), '{"a":1}');
    });

    it("keeps __proto__ keys as own properties, at the top and inside the restored value", () => {
        const start = JSON.parse('{"__proto__":{"x":1},"set_user_root_attributes":{"__proto__":{"y":2}},"z":3}') as Record<string, unknown>;
        const recorded = literalValue(start);
        const out = optionsWithValue(JSON.parse('{"__proto__":{"x":1},"z":3}') as Record<string, unknown>, recorded);
        assert.equal(JSON.stringify(out), JSON.stringify(start));
    });

    it("prefers the recorded literal, and reads the previousMode of earlier versions without one", () => {
        assert.deepEqual(recordedPrevious({ previousMode: "never_on_login" }), { present: true, json: '"never_on_login"' });
        assert.deepEqual(recordedPrevious({ previousMode: "absent" }), { present: false });
        assert.deepEqual(recordedPrevious({}), { present: false });
        assert.deepEqual(recordedPrevious({ previousMode: "absent", previousValue: { present: true, json: "null", position: 3 } }), {
            present: true,
            json: "null",
            position: 3,
        });
        assert.deepEqual(recordedPrevious({ previousMode: "on_first_login", previousValue: { present: false } }), { present: false });
        // Malformed (hand-edited) state falls back to the older field.
        assert.deepEqual(recordedPrevious({ previousMode: "on_first_login", previousValue: { present: true, json: "{" } }), {
            present: true,
            json: '"on_first_login"',
        });
    });
});

describe("Selected group decisions", () => {
    it("compares groups by id only, in any order, and tells a managed empty list from an unmanaged one", () => {
        assert.equal(sameGroupIds([{ id: "a" }, { id: "b", name: "B" }], [{ id: "b" }, { id: "a", email: "a@x.org" }]), true);
        assert.equal(sameGroupIds([{ id: "a" }], [{ id: "b" }]), false);
        assert.equal(sameGroupIds(undefined, undefined), true);
        assert.equal(sameGroupIds(undefined, []), false);
    });

    it("adds what is declared and not live, removes what is live and not declared", () => {
        assert.deepEqual(groupDelta([{ id: "a" }, { id: "b" }, { id: "c" }], [{ id: "d", name: "D" }, { id: "b" }, { id: "a" }]), {
            add: [{ id: "d", name: "D" }],
            remove: ["c"],
        });
        assert.deepEqual(groupDelta([{ id: "b" }, { id: "a" }], [{ id: "a" }, { id: "b" }]), { add: [], remove: [] });
    });

    it("names each repeated id by its index", () => {
        assert.deepEqual(
            groupProblems([{ id: "a" }, { id: "b" }, { id: "a" }, { id: "a" }]).map((p) => p.index),
            [2, 3],
        );
        assert.match(groupProblems([{ id: "a" }, { id: "a" }])[0].reason, /repeats the group id "a" of groups\[0\]/);
    });

    it("cuts lists into batches of at most the given size", () => {
        assert.deepEqual(batches([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
        assert.deepEqual(batches([], 100), []);
        assert.deepEqual(
            batches(
                Array.from({ length: 2000 }, (_, i) => i),
                100,
            ).map((b) => b.length),
            Array(20).fill(100),
        );
    });

    it("reads the live selection back in declared order, declared entries kept, others appended", () => {
        const live = [{ id: "a", name: "Server A", direct_members_count: 3 }, { id: "c" }, { id: "z", name: "Z", email: "z@x.org" }];
        assert.deepEqual(groupsAsDeclared(live, [{ id: "c", name: "Mine" }, { id: "b" }, { id: "a" }]), [
            { id: "c", name: "Mine" },
            { id: "a" },
            { id: "z", name: "Z", email: "z@x.org" },
        ]);
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
