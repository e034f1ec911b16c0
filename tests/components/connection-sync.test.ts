import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as mod from "../../components";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
const warnings: string[] = [];

// Mocks answer only the dynamic resources we expect; anything else is a wiring bug.
pulumi.runtime.setMocks(
    {
        newResource(args) {
            const { type, name, inputs } = args;
            if (type === "auth0-connection-sync:index:ConnectionSync") {
                return { id: undefined, state: {} };
            }
            registered.push({ type, name, inputs });
            if (!type.startsWith("pulumi-nodejs:dynamic/auth0-connection-sync:")) {
                throw new Error(`unexpected resource ${type}`);
            }
            const kind = type.split(":").pop();
            const outs: Record<string, unknown> = { ...inputs };
            if (kind === "ProfileSync") Object.assign(outs, { liveMode: inputs.mode });
            if (kind === "ScimConfiguration")
                Object.assign(outs, { scimEndpointUrl: `https://t.example/scim/v2/connections/${inputs.connectionId}` });
            if (kind === "ScimToken") Object.assign(outs, { tokenId: `tok_${name}`, token: `secret-${name}` });
            if (kind === "DirectoryProvisioning") Object.assign(outs, { lastSynchronizationStatus: "completed" });
            return { id: `${name}-id`, state: outs };
        },
        call(args) {
            throw new Error(`unexpected call ${args.token}`);
        },
    },
    "project",
    "stack",
    false,
);

const origWarn = pulumi.log.warn;
const warningWaiters: Array<() => void> = [];
(pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (msg: string) => {
    warnings.push(msg);
    for (const wake of warningWaiters.splice(0)) wake();
};

/** Resolves once a warning has been logged (the component warns from inside an apply). */
function aWarning(): Promise<void> {
    return warnings.length > 0 ? Promise.resolve() : new Promise((resolve) => warningWaiters.push(resolve));
}

/** How a child was declared: its parent and what it must wait for, as the transformation saw its options. */
interface Wiring {
    parent: pulumi.Resource | undefined;
    dependsOn: unknown[];
}

/** Records the options of every resource the component declares (transformations reach its children too). */
function recordWiring(into: Map<string, Wiring>): pulumi.ResourceTransformation {
    return ({ name, opts }) => {
        const deps = opts.dependsOn;
        into.set(name, { parent: opts.parent, dependsOn: Array.isArray(deps) ? deps : deps === undefined ? [] : [deps] });
        return undefined;
    };
}

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("ConnectionSync", () => {
    beforeEach(() => {
        registered.length = 0;
        warnings.length = 0;
    });
    after(() => {
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = origWarn;
    });

    it("creates only a ProfileSync child when only profile sync is declared", async () => {
        const c = new mod.ConnectionSync("okta", { connection: "con_0123456789abcdef", profileSync: "on_first_login" });
        assert.equal(await value(c.profileSyncMode), "on_first_login");
        assert.deepEqual(
            registered.map((r) => r.name),
            ["okta-profile-sync"],
        );
        assert.equal(c.scimConfiguration, undefined);
        assert.equal(await value(c.scimEndpointUrl), undefined);
    });

    it("creates SCIM, one token per entry and directory provisioning, named after the component", async () => {
        const c = new mod.ConnectionSync("acme", {
            connection: { id: pulumi.output("con_0123456789abcdef") },
            profileSync: { mode: "never_on_login", onDelete: "restore" },
            scim: {
                mapping: [{ auth0: "email", scim: "userName" }],
                tokens: { okta: { scopes: ["get:users"] }, entra: { scopes: ["post:users"], tokenLifetime: 3600 } },
            },
            directoryProvisioning: { synchronizeGroups: "all" },
        });
        assert.deepEqual(await value(c.scimTokenIds), ["tok_acme-scim-token-okta", "tok_acme-scim-token-entra"]);
        assert.deepEqual(await value(c.scimTokens), {
            okta: { id: "tok_acme-scim-token-okta", token: "secret-acme-scim-token-okta" },
            entra: { id: "tok_acme-scim-token-entra", token: "secret-acme-scim-token-entra" },
        });
        assert.equal(await value(c.scimEndpointUrl), "https://t.example/scim/v2/connections/con_0123456789abcdef");
        assert.equal(await value(c.lastSynchronizationStatus), "completed");
        assert.deepEqual(registered.map((r) => r.name).sort(), [
            "acme-directory-provisioning",
            "acme-profile-sync",
            "acme-scim",
            "acme-scim-token-entra",
            "acme-scim-token-okta",
        ]);
        const ps = registered.find((r) => r.name === "acme-profile-sync")!;
        assert.equal(ps.inputs.onDelete, "restore");
        assert.equal(ps.inputs.connectionId, "con_0123456789abcdef");
        assert.equal(registered.find((r) => r.name === "acme-scim-token-entra")!.inputs.tokenLifetime, 3600);
        assert.equal(warnings.length, 0);
    });

    it("names a token after its key and aliases it to its earlier positional name", async () => {
        const c = new mod.ConnectionSync("n", {
            connection: "con_0123456789abcdef",
            scim: { tokens: { okta: { scopes: ["get:users"] }, entra: { scopes: ["post:users"] } } },
        });
        await value(c.scimTokenIds);
        // The SDK keeps a resource's resolved alias URNs on `__aliases` (no public accessor exists).
        const aliasesOf = (r: pulumi.Resource) => (r as unknown as { __aliases?: pulumi.Input<string>[] }).__aliases ?? [];
        const aliases = await Promise.all(
            ["okta", "entra"].map((n) => Promise.all(aliasesOf(c.tokens[n]).map((a) => value(pulumi.output(a))))),
        );
        assert.equal(aliases.length, 2);
        assert.match(String(aliases[0][0]), /::n-scim-token-0$/);
        assert.match(String(aliases[1][0]), /::n-scim-token-1$/);
    });

    it("still takes a list of tokens, named by position, with a warning suggesting names", async () => {
        const c = new mod.ConnectionSync("l", {
            connection: "con_0123456789abcdef",
            scim: { tokens: [{ scopes: ["get:users"] }, { scopes: ["post:users"] }] },
        });
        assert.deepEqual(await value(c.scimTokenIds), ["tok_l-scim-token-0", "tok_l-scim-token-1"]);
        await aWarning();
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /scim\.tokens is a list, so tokens are named by position/);
        assert.match(warnings[0], /Give them names instead/);
    });

    it("parents every child to the component", async () => {
        const c = new mod.ConnectionSync("p", { connection: "con_0123456789abcdef", profileSync: "on_first_login", scim: {} });
        const urns = await Promise.all([c.profileSync!, c.scimConfiguration!].map((r) => value(r.urn)));
        for (const urn of urns) assert.match(urn, /auth0-connection-sync:index:ConnectionSync\$pulumi-nodejs:dynamic/);
    });

    it("makes SCIM and directory provisioning wait for profile sync, and the tokens for SCIM", async () => {
        const wiring = new Map<string, Wiring>();
        const c = new mod.ConnectionSync(
            "d",
            {
                connection: "con_0123456789abcdef",
                profileSync: "never_on_login",
                scim: { tokens: { idp: { scopes: ["get:users"] } } },
                directoryProvisioning: {},
            },
            { transformations: [recordWiring(wiring)] },
        );
        await value(c.scimTokenIds);
        assert.deepEqual([...wiring.keys()].sort(), ["d", "d-directory-provisioning", "d-profile-sync", "d-scim", "d-scim-token-idp"]);
        const waitsFor = (name: string) => wiring.get(name)?.dependsOn;
        assert.deepEqual(waitsFor("d-profile-sync"), []);
        assert.deepEqual(waitsFor("d-scim"), [c.profileSync], "SCIM waits for profile sync");
        assert.deepEqual(waitsFor("d-directory-provisioning"), [c.profileSync], "directory provisioning waits for profile sync");
        assert.deepEqual(waitsFor("d-scim-token-idp"), [c.scimConfiguration], "a token waits for SCIM");
        for (const [name, w] of wiring) if (name !== "d") assert.equal(w.parent, c, `${name} is parented to the component`);
    });

    it("makes SCIM and directory provisioning wait for nothing when no profile sync is declared", async () => {
        const wiring = new Map<string, Wiring>();
        const c = new mod.ConnectionSync(
            "e",
            { connection: "con_0123456789abcdef", scim: {}, directoryProvisioning: {} },
            { transformations: [recordWiring(wiring)] },
        );
        await value(c.lastSynchronizationStatus);
        assert.deepEqual(wiring.get("e-scim")?.dependsOn, []);
        assert.deepEqual(wiring.get("e-directory-provisioning")?.dependsOn, []);
    });

    it("warns when SCIM or directory provisioning meets on_each_login", async () => {
        const c = new mod.ConnectionSync("w", {
            connection: "con_0123456789abcdef",
            profileSync: "on_each_login",
            directoryProvisioning: {},
        });
        await value(c.connectionId);
        await aWarning();
        await value(c.lastSynchronizationStatus);
        // Written out here, not taken from the product's constant, so a changed warning fails this test.
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /profile sync is on_each_login while SCIM or directory provisioning is declared/);
        assert.match(warnings[0], /Auth0 advises on_first_login or never_on_login/);
    });

    // The engine applies additionalSecretOutputs on ScimToken itself; the end-to-end suite checks the state file.
    it("marks the token values it exports secret", async () => {
        const c = new mod.ConnectionSync("s", { connection: "con_0123456789abcdef", scim: { tokens: { idp: { scopes: ["get:users"] } } } });
        assert.equal(await pulumi.isSecret(c.scimTokens), true);
    });
});
