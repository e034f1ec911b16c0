import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "../../emulator/cli";

const ROOT = join(__dirname, "..", "..");

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        const timer = setTimeout(() => reject(new Error(`no line within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
        child.stdout?.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            const end = out.indexOf("\n");
            if (end >= 0) {
                clearTimeout(timer);
                resolve(out.slice(0, end));
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
        // Own process group, so the signal reaches ts-node behind npx too.
        const child = spawn("npx", ["ts-node", "--transpile-only", "emulator/cli.ts", "--port", "0"], {
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
