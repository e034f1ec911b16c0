import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { parseArgs } from "../../emulator/cli";

const ROOT = join(__dirname, "..", "..");

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
    return firstLines(child, 1, timeoutMs).then((lines) => lines[0]);
}

function firstLines(child: ChildProcess, count: number, timeoutMs: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        const timer = setTimeout(() => reject(new Error(`no ${count} line(s) within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
        child.stdout?.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            const lines = out.split("\n");
            if (lines.length > count) {
                clearTimeout(timer);
                resolve(lines.slice(0, count));
            }
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`exited with ${String(code)} before printing; stderr: ${err}`));
        });
    });
}

describe("Emulator command line", () => {
    it("prints one line with the base URL, serves requests and stops on SIGTERM", async function () {
        this.timeout(30000);
        // Node itself, not npx: its exit is the emulator's, after its SIGTERM clean-up. Own process group all the same.
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", "--port", "0"], {
            cwd: ROOT,
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
        try {
            const line = await firstLine(child, 25000);
            const match = /^auth0 emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(tenant: sample\)$/.exec(line);
            assert.ok(match, line);
            const res = await fetch(`${match[1]}/api/v2/connections`, { headers: { authorization: "Bearer local-admin-token" } });
            assert.equal(res.status, 200);
            assert.equal(((await res.json()) as unknown[]).length, 6);
        } finally {
            if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
            await exited;
        }
    });

    it("with --tls prints the https URL and then the CA file, serves over https and removes the file on SIGTERM", async function () {
        this.timeout(30000);
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", "--port", "0", "--tls"], {
            cwd: ROOT,
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
        let caFile = "";
        try {
            const [line, second] = await firstLines(child, 2, 25000);
            const match = /^auth0 emulator listening on (https:\/\/127\.0\.0\.1:\d+) \(tenant: sample\)$/.exec(line);
            assert.ok(match, line);
            const file = /^ca file: (.+)$/.exec(second);
            assert.ok(file, second);
            caFile = file[1];
            const ca = readFileSync(caFile, "utf8");
            const status = await new Promise<number>((resolve, reject) => {
                const req = request(
                    `${match[1]}/api/v2/connections`,
                    { ca, headers: { authorization: "Bearer local-admin-token" } },
                    (res) => {
                        res.resume();
                        resolve(res.statusCode ?? 0);
                    },
                );
                req.on("error", reject);
                req.end();
            });
            assert.equal(status, 200);
        } finally {
            if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
            await exited;
        }
        assert.ok(caFile !== "" && !existsSync(caFile), `${caFile} should be gone`);
    });

    it("parses --tls", () => {
        assert.equal(parseArgs(["--tls"]).tls, true);
        assert.equal(parseArgs([]).tls, undefined);
    });

    it("parses port, seed, rate, burst, faults and fault seed", () => {
        const options = parseArgs([
            "--port",
            "4321",
            "--seed",
            "x.json",
            "--rate=2",
            "--burst",
            "10",
            "--fault",
            "POST:^/api/v2/connections$:status:503:0.2",
            "--fault",
            "*:.*:drop::0.1:2",
            "--fault-seed",
            "42",
            "--no-directory-provisioning",
        ]);
        assert.equal(options.port, 4321);
        assert.equal(options.seed, "x.json");
        assert.deepEqual(options.rateLimit, { rate: 2, burst: 10 });
        assert.deepEqual(options.faults, [
            { method: "POST", path: "^/api/v2/connections$", kind: "status", status: 503, probability: 0.2 },
            { path: ".*", kind: "drop", probability: 0.1, times: 2 },
        ]);
        assert.equal(options.faultSeed, 42);
        assert.equal(options.directoryProvisioningEnabled, false);
    });

    it("defaults to port 0, no limit and no faults", () => {
        const options = parseArgs([]);
        assert.equal(options.port, 0);
        assert.equal(options.rateLimit, undefined);
        assert.equal(options.faults, undefined);
    });

    it("rejects unknown flags and bad numbers", () => {
        assert.throws(() => parseArgs(["--prot", "1"]), /unknown argument/);
        assert.throws(() => parseArgs(["--port", "abc"]), /number/);
        assert.throws(() => parseArgs(["--burst", "3"]), /--rate/);
    });
});
