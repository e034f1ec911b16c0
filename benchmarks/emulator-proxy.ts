/** The benchmark's handle on the emulator child (see emulator-host.ts). */
import { fork, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import type { RateLimit } from "../emulator";
import type { HostCalls, HostReply, HostRequest, TenantSummary, WireEntry } from "./emulator-host";

/** A running emulator in another process. */
export class EmulatorProxy {
    private next = 1;
    private readonly pending = new Map<
        number,
        { resolve: (v: HostCalls[keyof HostCalls]["result"]) => void; reject: (e: Error) => void }
    >();

    private baseUrl = "";

    private constructor(private readonly child: ChildProcess) {}

    /** Base URL, e.g. http://127.0.0.1:40123. */
    get url(): string {
        return this.baseUrl;
    }

    /** The stack config of a benchmark stack on this emulator: its URL and the seed's client. */
    stackConfig(): Record<string, { value: string; secret?: boolean }> {
        return {
            "auth0:domain": { value: this.url },
            "auth0:clientId": { value: "local-client" },
            "auth0:clientSecret": { value: "local-secret", secret: true },
        };
    }

    /** Forks the host, seeds `size` connections and applies `rateLimit`. */
    static async start(size: number, rateLimit: RateLimit): Promise<EmulatorProxy> {
        const child = fork(path.join(__dirname, "emulator-host.ts"), [], {
            execArgv: ["-r", "ts-node/register/transpile-only"],
            stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        const proxy = new EmulatorProxy(child);
        child.on("message", (msg: HostReply) => proxy.settle(msg));
        child.on("exit", () => {
            for (const p of proxy.pending.values()) p.reject(new Error("emulator host exited"));
            proxy.pending.clear();
        });
        proxy.baseUrl = (await proxy.call("start", { size, rateLimit })).url;
        return proxy;
    }

    private settle(msg: HostReply): void {
        const p = this.pending.get(msg.id);
        if (p === undefined) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new Error(msg.error));
    }

    private call<K extends keyof HostCalls>(kind: K, args: HostCalls[K]["args"]): Promise<HostCalls[K]["result"]> {
        const id = this.next++;
        return new Promise((resolve, reject) => {
            // The host answers each kind with that kind's result; the map is keyed by request id.
            this.pending.set(id, { resolve: (v) => resolve(v as HostCalls[K]["result"]), reject });
            this.child.send({ id, kind, args } satisfies HostRequest);
        });
    }

    /** Sets the limit again with a full bucket. */
    async refill(rateLimit: RateLimit): Promise<void> {
        await this.call("refill", { rateLimit });
    }

    /** Empties the journal. */
    async clear(): Promise<void> {
        await this.call("clear", null);
    }

    /** Every request since the last clear, in arrival order. */
    journal(): Promise<WireEntry[]> {
        return this.call("journal", null);
    }

    /** Counts of what the tenant holds. */
    summary(): Promise<TenantSummary> {
        return this.call("summary", null);
    }

    /** Stops the server and the child. */
    async close(): Promise<void> {
        await this.call("close", null).catch(() => null);
    }
}
