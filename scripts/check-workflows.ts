/**
 * `ts-node scripts/check-workflows.ts [workflow files]`: the review rules actionlint cannot know.
 *
 * 1. A job that holds a secret (a `secrets.*` other than GITHUB_TOKEN, `secrets: inherit`, or a
 *    credential variable such as PULUMI_CONFIG_PASSPHRASE) and can run on `pull_request` or
 *    `pull_request_target` must name an `environment`: a pull request runs the branch's own code
 *    (dynamic providers run during `preview`), so only a reviewer's approval of that environment may
 *    hand it a credential.
 * 2. A workflow that runs Pulumi with a `paths` / `paths-ignore` filter must let through every file
 *    the program loads: the files index.ts and provider.js import, transitively, plus the files
 *    the engine and npm read (Pulumi.yaml, its stack config folder, tsconfig.json, package*.json).
 *    The list is derived from the project, never written down here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");

/** One rule broken, in one workflow. */
export interface WorkflowProblem {
    readonly file: string;
    readonly message: string;
}

/** Variables that carry a credential whatever their value's source. */
const CREDENTIAL_VARIABLES = ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN", "AUTH0_CLIENT_SECRET", "AUTH0_API_TOKEN"];
const UNTRUSTED_EVENTS = ["pull_request", "pull_request_target"];

type Yaml = Record<string, unknown>;

function isMap(v: unknown): v is Yaml {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The workflow's triggers as a map from event to its settings (`on: push` and `on: [a, b]` too). */
function triggers(workflow: Yaml): Yaml {
    const on = workflow.on ?? workflow.true; // YAML 1.1 readers turn a bare `on` into true.
    if (typeof on === "string") return { [on]: {} };
    if (Array.isArray(on)) return Object.fromEntries(on.map((e) => [String(e), {}]));
    return isMap(on) ? on : {};
}

/** False only for a job whose `if` plainly limits it to one event that is not a pull request. */
function mayRunOnPullRequest(job: Yaml): boolean {
    if (job.if === undefined) return true;
    const only = /^\s*(\$\{\{)?\s*github\.event_name\s*==\s*'([a-z_]+)'\s*(\}\})?\s*$/.exec(String(job.if));
    return only === null || UNTRUSTED_EVENTS.includes(only[2]);
}

/** What in `value` gives a job a credential, for the message; empty when nothing does. */
function credentialsIn(value: unknown): string[] {
    const text = JSON.stringify(value ?? {});
    const refs = [...text.matchAll(/\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[)|toJSON\(\s*secrets\s*\)/g)]
        .map((m) => (m[1] === undefined ? "secrets" : `secrets.${m[1]}`))
        .filter((s) => s !== "secrets.GITHUB_TOKEN");
    const names = CREDENTIAL_VARIABLES.filter((v) => new RegExp(`"${v}"\\s*:`).test(text));
    return [...new Set([...refs, ...names])];
}

function hasEnvironment(job: Yaml): boolean {
    const env = job.environment;
    if (typeof env === "string") return env.trim() !== "";
    return isMap(env) && typeof env.name === "string" && env.name.trim() !== "";
}

/** Rule 1 for one workflow. */
export function unapprovedSecretJobs(file: string, workflow: Yaml): WorkflowProblem[] {
    const events = UNTRUSTED_EVENTS.filter((e) => e in triggers(workflow));
    if (events.length === 0) return [];
    const jobs = isMap(workflow.jobs) ? workflow.jobs : {};
    return Object.entries(jobs).flatMap(([name, job]) => {
        if (!isMap(job) || !mayRunOnPullRequest(job) || hasEnvironment(job)) return [];
        const held = [...credentialsIn(job), ...credentialsIn(workflow.env), ...(job.secrets === "inherit" ? ["secrets: inherit"] : [])];
        if (held.length === 0) return [];
        return [
            {
                file,
                message:
                    `job "${name}" runs on ${events.join(" and ")} holding ${[...new Set(held)].join(", ")} without an environment: ` +
                    "the branch's own code would run with it unapproved (give the job an environment that requires a reviewer and holds the secret)",
            },
        ];
    });
}

/** GitHub's filter glob as a regular expression: `**` crosses folders, `*` and `?` do not. */
function globRegExp(glob: string): RegExp {
    let re = "";
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === "*" && glob[i + 1] === "*") {
            re += ".*";
            i += 1;
        } else if (c === "*") re += "[^/]*";
        else if (c === "?") re += "[^/]";
        else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    return new RegExp(`^${re}$`);
}

/** Whether a `paths` / `paths-ignore` list matches `file` (later `!patterns` take it back out). */
export function filterMatches(patterns: readonly string[], file: string): boolean {
    let matched = false;
    for (const p of patterns) {
        const negated = p.startsWith("!");
        if (globRegExp(negated ? p.slice(1) : p).test(file)) matched = !negated;
    }
    return matched;
}

/** True when some job uses the Pulumi action or runs the pulumi CLI (or an npm script that does). */
function runsPulumi(workflow: Yaml): boolean {
    const text = JSON.stringify(workflow.jobs ?? {});
    return /pulumi\/actions@|"run":"[^"]*\bpulumi\s/.test(text);
}

/** Rule 2 for one workflow, given the files the program loads (relative, `/`-separated). */
export function pathFilterGaps(file: string, workflow: Yaml, loaded: readonly string[]): WorkflowProblem[] {
    if (!runsPulumi(workflow)) return [];
    return Object.entries(triggers(workflow)).flatMap(([event, settings]) => {
        if (!isMap(settings)) return [];
        const paths = Array.isArray(settings.paths) ? settings.paths.map(String) : undefined;
        const ignored = Array.isArray(settings["paths-ignore"]) ? settings["paths-ignore"].map(String) : [];
        const missed = loaded.filter((f) => (paths !== undefined && !filterMatches(paths, f)) || filterMatches(ignored, f));
        if (missed.length === 0) return [];
        const entries = [...new Set(missed.map((f) => (f.includes("/") ? `${f.split("/")[0]}/` : f)))];
        return [
            {
                file,
                message:
                    `the ${event} path filter leaves out ${entries.join(", ")} (e.g. ${missed[0]}), which the program loads: ` +
                    "a change there would get no preview",
            },
        ];
    });
}

/** The repository files `entry` imports or requires, transitively (node_modules excluded). */
function importClosure(entries: readonly string[], root: string): Set<string> {
    const options: ts.CompilerOptions = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, allowJs: true };
    const seen = new Set<string>();
    const queue = [...entries];
    while (queue.length > 0) {
        const file = queue.pop() as string;
        if (seen.has(file)) continue;
        seen.add(file);
        const text = readFileSync(file, "utf8");
        const info = ts.preProcessFile(text, true, true);
        const specifiers = [...info.importedFiles.map((f) => f.fileName), ...filesJoinedToDirname(text, path.dirname(file))];
        for (const spec of specifiers) {
            const target = path.isAbsolute(spec)
                ? spec
                : ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule?.resolvedFileName;
            if (target?.startsWith(root + path.sep) && !target.includes(`${path.sep}node_modules${path.sep}`)) {
                queue.push(target);
            }
        }
    }
    return seen;
}

/** Files named as `path.join(__dirname, "a", "b.ts")` (how provider.js finds the sources and tsconfig.json). */
function filesJoinedToDirname(text: string, dir: string): string[] {
    return [...text.matchAll(/path\.join\(\s*__dirname\s*((?:,\s*"[^"]+"\s*)+)\)/g)]
        .map((m) => path.join(dir, ...[...m[1].matchAll(/"([^"]+)"/g)].map((s) => s[1])))
        .filter((f) => existsSync(f) && statSync(f).isFile());
}

/** tsconfig.json's `outDir`, absolute; undefined without one. */
function buildOutput(root: string): string | undefined {
    const file = path.join(root, "tsconfig.json");
    if (!existsSync(file)) return undefined;
    const outDir = (ts.readConfigFile(file, ts.sys.readFile).config as { compilerOptions?: { outDir?: unknown } } | undefined)
        ?.compilerOptions?.outDir;
    return typeof outDir === "string" ? path.resolve(root, outDir) : undefined;
}

function filesUnder(dir: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );
}

/**
 * Every file a `pulumi preview` / `up` of the project at `root` reads: Pulumi.yaml, its `main` and
 * what that imports, provider.js (the dynamic providers' entry) and what it loads, the stack
 * config folder, and package.json with its lockfile.
 */
export function loadedFiles(root: string = ROOT): string[] {
    const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as Yaml;
    const main = path.join(root, typeof project.main === "string" ? project.main : "index.ts");
    const entries = [main, path.join(root, "provider.js")].filter((f) => existsSync(f));
    const stacks = typeof project.stackConfigDir === "string" ? filesUnder(path.join(root, project.stackConfigDir)) : [];
    const npm = ["package.json", "package-lock.json"].map((f) => path.join(root, f)).filter((f) => existsSync(f));
    // Build output (tsconfig's outDir, e.g. the bin/ provider.js falls back to) is no source a change can touch.
    const out = buildOutput(root);
    const sources = [...importClosure(entries, root)].filter((f) => out === undefined || !f.startsWith(out + path.sep));
    const all = [path.join(root, "Pulumi.yaml"), ...sources, ...stacks, ...npm];
    return [...new Set(all.map((f) => path.relative(root, f).split(path.sep).join("/")))].sort();
}

/** Every problem in the given workflow files. */
export function checkWorkflows(files: readonly string[], root: string = ROOT): WorkflowProblem[] {
    const loaded = loadedFiles(root);
    return files.flatMap((file) => {
        const workflow = parse(readFileSync(file, "utf8")) as unknown;
        const name = path.relative(root, file);
        if (!isMap(workflow)) return [{ file: name, message: "is not a workflow (a YAML map)" }];
        return [...unapprovedSecretJobs(name, workflow), ...pathFilterGaps(name, workflow, loaded)];
    });
}

if (require.main === module) {
    const dir = path.join(ROOT, ".github", "workflows");
    const args = process.argv.slice(2);
    const files = args.length > 0 ? args.map((f) => path.resolve(f)) : filesUnder(dir).filter((f) => /\.ya?ml$/.test(f));
    const problems = checkWorkflows(files);
    for (const p of problems) process.stderr.write(`${p.file}: ${p.message}\n`);
    if (problems.length > 0) process.exit(1);
    process.stderr.write(
        `[check-workflows] ${files.length} workflow file(s): no job holds a secret on unapproved code; path filters cover the program\n`,
    );
}
