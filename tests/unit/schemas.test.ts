import * as assert from "node:assert/strict";
import { directoryProvisioningProvider, type DirectoryProvisioningInputs } from "../../components/provider/directoryProvisioning";
import {
    directoryProvisioningRules,
    directoryProvisioningSchema,
    profileSyncSchema,
    scimConfigurationSchema,
    UNKNOWN,
} from "../../components/provider/schemas";
import { checkInputs, checkWith } from "../../components/provider/validation";

const CON = "con_0123456789abcdef";

function failuresOf(kind: Parameters<typeof checkInputs>[0], news: Record<string, unknown>) {
    return checkInputs(kind, news).failures;
}

describe("Input checks", () => {
    it("fills in defaults", () => {
        assert.deepEqual(checkWith(profileSyncSchema(), { connectionId: CON, mode: "on_first_login" }).inputs, {
            connectionId: CON,
            mode: "on_first_login",
            onDelete: "retain",
        });
        // onDelete has no default here: destroy decides from whether the configuration was adopted.
        assert.deepEqual(checkWith(scimConfigurationSchema(), { connectionId: CON }).inputs, {
            connectionId: CON,
            userIdAttribute: "externalId",
            adoptExisting: true,
        });
        const dir = checkWith(directoryProvisioningSchema(), { connectionId: CON }).inputs;
        assert.ok(dir);
        assert.equal(dir.synchronizeGroups, "off");
        assert.equal(dir.synchronizeAutomatically, false);
        assert.equal(dir.synchronizeOnChange, false);
    });

    it("names the property and the allowed values for a wrong mode", () => {
        assert.deepEqual(failuresOf("ProfileSync", { connectionId: CON, mode: "sometimes" }), [
            { property: "mode", reason: 'must be one of on_each_login, on_first_login, never_on_login (got "sometimes")' },
        ]);
    });

    it("says a required property is required", () => {
        assert.deepEqual(failuresOf("ProfileSync", { connectionId: CON }), [
            { property: "mode", reason: "is required (one of on_each_login, on_first_login, never_on_login)" },
        ]);
    });

    it("tells a connection name from an id", () => {
        const [f] = failuresOf("ProfileSync", { connectionId: "okta-workforce", mode: "on_first_login" });
        assert.equal(f.property, "connectionId");
        assert.match(f.reason, /pass the id, not the name/);
    });

    it("names the exact mapping element that is malformed", () => {
        const failures = failuresOf("ScimConfiguration", { connectionId: CON, mapping: [{ auth0: "email", scim: "" }, { auth0: "name" }] });
        assert.deepEqual(
            failures.map((f) => f.property),
            ["mapping[0].scim", "mapping[1].scim"],
        );
        assert.match(failures[1].reason, /is required|non-empty/);
    });

    it("rejects an empty mapping, pointing at the default", () => {
        const [f] = failuresOf("DirectoryProvisioning", { connectionId: CON, mapping: [] });
        assert.equal(f.property, "mapping");
        assert.match(f.reason, /at least one .*default mapping/);
    });

    it("rejects duplicate pairs and a second target for the same Auth0 attribute", () => {
        const failures = failuresOf("ScimConfiguration", {
            connectionId: CON,
            mapping: [
                { auth0: "email", scim: "emails" },
                { auth0: "email", scim: "emails" },
                { auth0: "email", scim: "userName" },
            ],
        });
        assert.deepEqual(
            failures.map((f) => f.property),
            ["mapping[1]", "mapping[2]"],
        );
    });

    it("rejects unknown keys inside a mapping pair and unknown arguments", () => {
        const failures = failuresOf("DirectoryProvisioning", {
            connectionId: CON,
            mapping: [{ auth0: "a", idp: "b", scim: "c" }],
            mappings: [],
        });
        assert.deepEqual(failures.map((f) => f.property).sort(), ["mapping[0].scim", "mappings"]);
    });

    it("lists synchronizeGroups values and rejects non-booleans", () => {
        const failures = failuresOf("DirectoryProvisioning", {
            connectionId: CON,
            synchronizeGroups: "some",
            synchronizeAutomatically: "yes",
        });
        assert.deepEqual(failures, [
            { property: "synchronizeAutomatically", reason: "must be true or false" },
            { property: "synchronizeGroups", reason: 'must be one of all, off, selected (got "some")' },
        ]);
    });

    it("checks SCIM token scopes and lifetime", () => {
        const failures = failuresOf("ScimToken", { connectionId: CON, scopes: ["get:users", "read:everything"], tokenLifetime: 60 });
        assert.deepEqual(
            failures.map((f) => f.property),
            ["scopes[1]", "tokenLifetime"],
        );
        assert.deepEqual(
            failuresOf("ScimToken", { connectionId: CON, scopes: [] }).map((f) => f.property),
            ["scopes"],
        );
    });

    it("accepts preview-time unknowns without hiding other problems", () => {
        const { inputs, failures } = checkWith(profileSyncSchema(), { connectionId: UNKNOWN, mode: "bogus" });
        // No inputs: the engine keeps the given ones, unknowns included, and the diff answers "changes".
        assert.equal(inputs, undefined);
        assert.deepEqual(
            failures.map((f) => f.property),
            ["mode"],
        );
        assert.deepEqual(checkInputs("ScimConfiguration", { connectionId: CON, mapping: [{ auth0: UNKNOWN, scim: "x" }] }).failures, []);
    });

    it("ignores Pulumi's own __provider key", () => {
        assert.deepEqual(failuresOf("ProfileSync", { connectionId: CON, mode: "never_on_login", __provider: "x" }), []);
    });
});

describe("Selected group checks", () => {
    const inputs = (over: Partial<DirectoryProvisioningInputs>): DirectoryProvisioningInputs => ({
        connectionId: CON,
        synchronizeAutomatically: false,
        synchronizeGroups: "selected",
        onDelete: "delete",
        adoptExisting: true,
        synchronizeOnChange: false,
        ...over,
    });

    it("accepts groups with synchronizeGroups selected, name and email optional", async () => {
        const groups = [{ id: "01abc" }, { id: "02def", name: "Engineering", email: "eng@example.org" }];
        const { inputs: checked, failures } = await directoryProvisioningProvider.check(inputs({}), inputs({ groups }));
        assert.deepEqual(failures, []);
        assert.deepEqual(checked?.groups, groups);
    });

    it("refuses groups without synchronizeGroups selected, naming groups and what it needs", async () => {
        for (const synchronizeGroups of ["all", "off"] as const) {
            const { failures } = await directoryProvisioningProvider.check(
                inputs({}),
                inputs({ synchronizeGroups, groups: [{ id: "01abc" }] }),
            );
            assert.deepEqual(failures, [
                {
                    property: "groups",
                    reason: `needs synchronizeGroups: selected (it is "${synchronizeGroups}"); set synchronizeGroups: selected, or remove groups`,
                },
            ]);
        }
        assert.match(directoryProvisioningRules({ groups: [] })[0].reason, /it is "off"/);
        assert.deepEqual(directoryProvisioningRules({ synchronizeGroups: "selected", groups: [] }), []);
        assert.deepEqual(directoryProvisioningRules({ synchronizeGroups: "all" }), []);
    });

    it("names a repeated group id by its index, an empty id, and keys the API does not take", () => {
        const failures = failuresOf("DirectoryProvisioning", {
            connectionId: CON,
            synchronizeGroups: "selected",
            groups: [{ id: "a" }, { id: "" }, { id: "a", name: "again" }, { id: "b", direct_members_count: 3 }, { name: "no id" }],
        });
        assert.deepEqual(
            failures.map((f) => f.property),
            ["groups[1].id", "groups[3].direct_members_count", "groups[4].id"],
        );
        const dup = checkWith(directoryProvisioningSchema(), {
            connectionId: CON,
            synchronizeGroups: "selected",
            groups: [{ id: "a" }, { id: "a" }],
        });
        assert.deepEqual(dup.failures, [{ property: "groups[1]", reason: 'repeats the group id "a" of groups[0]; list each group once' }]);
    });

    it("keeps the schema usable without connectionId, as the stack config builds it", () => {
        const entry = directoryProvisioningSchema().omit({ connectionId: true });
        const parsed = entry.safeParse({ synchronizeGroups: "selected", groups: [{ id: "a" }, { id: "a" }] });
        assert.equal(parsed.success, false);
        assert.deepEqual(
            parsed.error?.issues.map((i) => i.path),
            [["groups", 1]],
        );
    });
});
