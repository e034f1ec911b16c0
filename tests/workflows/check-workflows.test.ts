import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { checkWorkflows, filterMatches, loadedFiles, pathFilterGaps, unapprovedSecretJobs } from "../../scripts/check-workflows";
import { REPO_ROOT } from "../../scripts/toolchain";

/** A GitHub expression, `${{ e }}`. */
function gh(e: string): string {
    return `\${{ ${e} }}`;
}

/** A workflow from YAML text. */
function wf(text: string): Record<string, unknown> {
    return parse(text) as Record<string, unknown>;
}

/** A job that previews with the passphrase; `extra` lines go into the job (indented by the caller). */
function previewWorkflow(on: string, extra = ""): Record<string, unknown> {
    return wf(`on: ${on}
jobs:
  preview:
    runs-on: ubuntu-latest
${extra}    steps:
      - uses: pulumi/actions@v6
        env:
          PULUMI_CONFIG_PASSPHRASE: \${{ secrets.PULUMI_CONFIG_PASSPHRASE }}
`);
}

describe("Workflow check: no secret on a pull request's unapproved code", () => {
    it("fails the workflow as it was before (prod's passphrase in a preview anyone's branch runs)", () => {
        const problems = checkWorkflows([path.join(__dirname, "fixtures", "pulumi-before-issue-22.yml")]);
        assert.equal(problems.length, 2, JSON.stringify(problems, null, 2));
        assert.match(
            problems[0].message,
            /^job "preview" runs on pull_request holding secrets\.PULUMI_BACKEND_URL, secrets\.PULUMI_CONFIG_PASSPHRASE.* without an environment/,
        );
        assert.match(
            problems[1].message,
            /^the pull_request path filter leaves out management-api\/, program\/, provider\.js, tsconfig\.json /,
        );
    });

    it("passes the project's own workflows", () => {
        const dir = path.join(REPO_ROOT, ".github", "workflows");
        const files = readdirSync(dir).map((f) => path.join(dir, f));
        assert.ok(files.length >= 2);
        assert.deepEqual(checkWorkflows(files), []);
    });

    const bad: Array<[string, Record<string, unknown>]> = [
        ["a job holding a secret on pull_request", previewWorkflow("pull_request")],
        ["a list of events", previewWorkflow("[push, pull_request]")],
        ["pull_request_target", previewWorkflow("pull_request_target")],
        ["a job limited to pull requests", previewWorkflow("pull_request", "    if: github.event_name == 'pull_request'\n")],
        [
            "a condition that is not one plain event",
            previewWorkflow("pull_request", "    if: github.event_name == 'push' || github.actor == 'me'\n"),
        ],
        ["an empty environment", previewWorkflow("pull_request", '    environment: ""\n')],
        [
            "a secret in the workflow's env",
            wf(`on: pull_request\nenv:\n  TOKEN: ${gh("secrets.DEPLOY")}\njobs:\n  a:\n    runs-on: x\n    steps: [{ run: make }]\n`),
        ],
        ["secrets: inherit", wf("on: pull_request\njobs:\n  a:\n    uses: ./.github/workflows/deploy.yml\n    secrets: inherit\n")],
        [
            "a passphrase from a variable",
            wf(
                `on: pull_request\njobs:\n  a:\n    runs-on: x\n    env:\n      PULUMI_CONFIG_PASSPHRASE: ${gh("vars.P")}\n    steps: [{ run: make }]\n`,
            ),
        ],
        [
            "every secret at once",
            wf(`on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps: [{ run: 'echo ${gh("toJSON(secrets)")}' }]\n`),
        ],
    ];
    for (const [what, workflow] of bad) {
        it(`fails ${what}`, () => {
            const problems = unapprovedSecretJobs("w.yml", workflow);
            assert.equal(problems.length, 1, what);
            assert.match(problems[0].message, /without an environment/);
        });
    }

    const good: Array<[string, Record<string, unknown>]> = [
        ["a job in an environment", previewWorkflow("pull_request", `    environment: preview-${gh("matrix.stack")}\n`)],
        ["an environment given by name", previewWorkflow("pull_request", "    environment:\n      name: preview\n")],
        ["a job limited to pushes", previewWorkflow("[push, pull_request]", "    if: github.event_name == 'push'\n")],
        ["a workflow without pull requests", previewWorkflow("push")],
        [
            "the GitHub token only",
            wf(
                `on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps: [{ run: 'gh pr comment', env: { T: '${gh("secrets.GITHUB_TOKEN")}' } }]\n`,
            ),
        ],
    ];
    for (const [what, workflow] of good) {
        it(`passes ${what}`, () => assert.deepEqual(unapprovedSecretJobs("w.yml", workflow), []));
    }
});

describe("Workflow check: the path filter covers what the program loads", () => {
    const loaded = loadedFiles();

    it("derives the loaded files from the project: the program's folders and files, nothing of the tools", () => {
        const top = [...new Set(loaded.map((f) => (f.includes("/") ? `${f.split("/")[0]}/` : f)))].sort();
        assert.deepEqual(top, [
            "Pulumi.yaml",
            "components/",
            "index.ts",
            "management-api/",
            "package-lock.json",
            "package.json",
            "program/",
            "provider.js",
            "stacks/",
            "tsconfig.json",
        ]);
        assert.ok(loaded.includes("components/provider/entry.ts"), "provider.js's entry, found through path.join(__dirname, ...)");
    });

    it("follows imports in any project, not a list written down", () => {
        const root = mkdtempSync(path.join(tmpdir(), "check-workflows-"));
        try {
            mkdirSync(path.join(root, "lib"));
            mkdirSync(path.join(root, "src"));
            mkdirSync(path.join(root, "tools"));
            writeFileSync(path.join(root, "Pulumi.yaml"), "name: p\nmain: main.ts\n");
            writeFileSync(path.join(root, "main.ts"), 'import { a } from "./lib/a";\nexport = a;\n');
            writeFileSync(path.join(root, "lib", "a.ts"), 'export const a = require("./b");\n');
            writeFileSync(path.join(root, "lib", "b.ts"), "export {};\n");
            writeFileSync(
                path.join(root, "provider.js"),
                'require(path.join(__dirname, "src", "entry.ts"));\nrequire(path.join(__dirname, "out", "entry.js"));\n',
            );
            // Build output (tsconfig's outDir) is not source: no pull request changes it.
            writeFileSync(path.join(root, "tsconfig.json"), '{ "compilerOptions": { "outDir": "out" } }\n');
            mkdirSync(path.join(root, "out"));
            writeFileSync(path.join(root, "out", "entry.js"), "\n");
            writeFileSync(path.join(root, "src", "entry.ts"), "export {};\n");
            writeFileSync(path.join(root, "tools", "unused.ts"), "export {};\n");
            assert.deepEqual(loadedFiles(root), ["Pulumi.yaml", "lib/a.ts", "lib/b.ts", "main.ts", "provider.js", "src/entry.ts"]);
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });

    const pulumiOn = (trigger: string) => wf(`on:\n${trigger}\njobs:\n  up:\n    runs-on: x\n    steps: [{ uses: pulumi/actions@v6 }]\n`);
    const all =
        '["Pulumi.yaml", "index.ts", "provider.js", "tsconfig.json", "package*.json", "components/**", "management-api/**", "program/**", "stacks/**"]';

    it("passes a filter with every loaded file", () => {
        assert.deepEqual(pathFilterGaps("w.yml", pulumiOn(`  pull_request:\n    paths: ${all}`), loaded), []);
    });

    it("fails a filter without a folder the program loads, naming it", () => {
        const problems = pathFilterGaps(
            "w.yml",
            pulumiOn(
                '  pull_request:\n    paths: ["stacks/**", "index.ts", "components/**", "package.json", "package-lock.json", "Pulumi.yaml", "provider.js", "tsconfig.json", "management-api/**"]',
            ),
            loaded,
        );
        assert.equal(problems.length, 1);
        assert.match(problems[0].message, /^the pull_request path filter leaves out program\/ \(e\.g\. program\//);
    });

    it("fails paths-ignore and negated patterns that drop loaded files", () => {
        assert.match(
            pathFilterGaps("w.yml", pulumiOn('  pull_request:\n    paths-ignore: ["**.md", "program/**"]'), loaded)[0].message,
            /leaves out program\//,
        );
        assert.match(
            pathFilterGaps("w.yml", pulumiOn(`  push:\n    paths: [${all.slice(1, -1)}, "!management-api/**"]`), loaded)[0].message,
            /push path filter leaves out management-api\//,
        );
    });

    it("ignores workflows that do not run Pulumi", () => {
        const test = wf('on:\n  pull_request:\n    paths: ["docs/**"]\njobs:\n  t:\n    runs-on: x\n    steps: [{ run: npm test }]\n');
        assert.deepEqual(pathFilterGaps("w.yml", test, loaded), []);
    });

    it("matches globs as GitHub does: ** crosses folders, * does not", () => {
        assert.ok(filterMatches(["program/**"], "program/a/b.ts"));
        assert.ok(!filterMatches(["program/*"], "program/a/b.ts"));
        assert.ok(filterMatches(["package*.json"], "package-lock.json"));
        assert.ok(!filterMatches(["**", "!stacks/**"], "stacks/Pulumi.dev.yaml"));
    });
});
