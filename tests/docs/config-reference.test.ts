import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { parseConnectionsConfig } from "../../program/config";
import type { ResourceKind } from "../../components/provider/schemas";
import { fieldFacts, type FieldFacts } from "../../components/provider/validation";
import { REPO_ROOT } from "../helpers/pulumi";

/** The README's configuration table: key -> [what, default]. */
function readmeTable(): Map<string, { what: string; dflt: string }> {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const start = readme.indexOf("| key | what it maps to | default |");
    assert.ok(start >= 0, "README has the configuration table");
    const rows = readme.slice(start).split("\n").slice(2);
    const table = new Map<string, { what: string; dflt: string }>();
    for (const row of rows) {
        if (!row.startsWith("|")) break;
        const cells = row
            .split(/(?<!\\)\|/)
            .slice(1, -1)
            .map((c) => c.trim());
        table.set(cells[0].replace(/`/g, ""), { what: cells[1], dflt: cells[2] });
    }
    return table;
}

/** Every configurable field, by the path it has under a connection, with what its schema says. */
function schemaFields(): Array<{ key: string; kind: ResourceKind; facts: FieldFacts }> {
    const out: Array<{ key: string; kind: ResourceKind; facts: FieldFacts }> = [];
    const add = (kind: ResourceKind, prefix: string, rename: Record<string, string> = {}) => {
        // The connection comes from the config key and the token count from the map: neither is a config field.
        const derived = new Set(["connectionId", "tokensOnConnection"]);
        for (const facts of fieldFacts(kind).filter((f) => !derived.has(f.field))) {
            out.push({ key: rename[facts.field] ?? `${prefix}.${facts.field}`, kind, facts });
        }
    };
    add("ProfileSync", "profileSync", { mode: "profileSync" });
    add("ScimConfiguration", "scim");
    add("ScimToken", "scim.tokens.<name>");
    add("DirectoryProvisioning", "directoryProvisioning");
    return out;
}

describe("Configuration reference", () => {
    it("lists in the README exactly the fields the schemas accept", () => {
        assert.deepEqual(
            [...readmeTable().keys()].sort(),
            schemaFields()
                .map((f) => f.key)
                .sort(),
        );
    });

    it("states in the README every schema default and every allowed value", () => {
        const table = readmeTable();
        const fields = schemaFields();
        // The schemas must expose defaults and enums, or this test would check nothing.
        assert.ok(fields.filter((f) => f.facts.default !== undefined).length >= 6);
        assert.ok(fields.filter((f) => f.facts.allowed !== undefined).length >= 5);
        for (const { key, facts } of fields) {
            const row = table.get(key)!;
            if (facts.default !== undefined) {
                assert.ok(
                    row.dflt.includes(`\`${String(facts.default)}\``),
                    `${key}: README default "${row.dflt}" should say \`${String(facts.default)}\``,
                );
            } else if (facts.required && key !== "profileSync") {
                assert.match(row.dflt, /required/, `${key}: README should say it is required`);
            }
            for (const v of facts.allowed ?? []) {
                assert.ok(row.what.includes(`\`${v}\``), `${key}: README should list \`${v}\``);
            }
        }
    });

    it("accepts the connections block of every stack in stacks/", () => {
        const dir = path.join(REPO_ROOT, "stacks");
        const files = readdirSync(dir).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
        assert.ok(files.length >= 3);
        for (const f of files) {
            const doc = parse(readFileSync(path.join(dir, f), "utf8")) as { config: Record<string, unknown> };
            const { failures } = parseConnectionsConfig(doc.config["auth0-connection-sync:connections"]);
            assert.deepEqual(failures, [], f);
        }
    });

    it("keeps real stacks' client secrets encrypted", () => {
        for (const s of ["dev", "prod"]) {
            const doc = parse(readFileSync(path.join(REPO_ROOT, "stacks", `Pulumi.${s}.yaml`), "utf8")) as {
                config: Record<string, unknown>;
            };
            assert.deepEqual(Object.keys(doc.config["auth0:clientSecret"] as object), ["secure"], s);
        }
    });

    it("declares the project's config keys with types in Pulumi.yaml", () => {
        const project = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { type: string }> };
        assert.equal(project.config.connections.type, "object");
        assert.equal(project.config.requestTimeoutMs.type, "integer");
    });
});
