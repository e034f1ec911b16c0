/**
 * What a rehearsal prints: per declared connection, what the `up` changed on the twin (the twin's
 * state before and after, compared) and the requests it took, the writes the API refused with the
 * API's own message, then the run's time on the twin, the estimate for the real tenant and the
 * preview's verdict. Pure: states, journal and timings in, lines out.
 */
import type { EmulatorState, JournalEntry } from "../../emulator";
import { connectionOf, countRequests, previewChangesOf, type RequestCount } from "../start/summary";

/** One declared connection of the snapshot. */
export interface RehearsedConnection {
    readonly id: string;
    readonly name: string;
    readonly strategy: string;
}

/** Everything the report shows. */
export interface RehearsalResult {
    readonly tenant: string;
    readonly stack: string;
    readonly connections: readonly RehearsedConnection[];
    readonly listed: number;
    readonly placeholders: number;
    readonly rate: { readonly rate: number; readonly burst: number };
    readonly before: EmulatorState;
    readonly after: EmulatorState;
    readonly upJournal: readonly JournalEntry[];
    readonly upMs: number;
    readonly upFailed: boolean;
    /** Errors the engine reported (a check's refusal, a provider's failure), each with its lines. */
    readonly engineErrors: readonly string[];
    /** Round trip of one request on the real tenant (ms), without rate-limit waits. */
    readonly roundTripMs: number;
    /** The preview after `up`; undefined when it did not run (the up failed). */
    readonly previewChanges?: Readonly<Record<string, number>>;
    readonly preview?: RequestCount;
}

/** A write the API refused: not a GET, answered 4xx or 5xx (a 429 is waited out, not refused). */
export function refusals(journal: readonly JournalEntry[]): JournalEntry[] {
    return journal.filter((e) => e.method !== "GET" && e.status >= 400 && e.status !== 429 && e.path.startsWith("/api/v2/"));
}

/** The estimate for the real tenant: the twin's time (already paced at the tenant's limit) plus the round trips. */
export function estimateMs(upMs: number, requests: number, roundTripMs: number): number {
    return upMs + requests * roundTripMs;
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function show(v: unknown): string {
    return v === undefined ? "absent" : JSON.stringify(v);
}

/** What changed for one connection between two twin states, in words; empty when nothing did. */
export function changesOf(id: string, before: EmulatorState, after: EmulatorState): string[] {
    const out: string[] = [];
    const ob = before.connections[id]?.options ?? {};
    const oa = after.connections[id]?.options ?? {};
    if (show(ob.set_user_root_attributes) !== show(oa.set_user_root_attributes)) {
        out.push(`profile sync ${show(ob.set_user_root_attributes)} → ${show(oa.set_user_root_attributes)}`);
    }
    const others = [...new Set([...Object.keys(ob), ...Object.keys(oa)])].filter(
        (k) => k !== "set_user_root_attributes" && show(ob[k]) !== show(oa[k]),
    );
    if (others.length > 0) out.push(`OTHER OPTIONS CHANGED: ${others.join(", ")}`);
    const sb = before.scimConfigurations[id];
    const sa = after.scimConfigurations[id];
    if (sb === undefined && sa !== undefined) out.push(`SCIM configuration created (${plural(sa.mapping.length, "mapped attribute")})`);
    else if (sb !== undefined && sa === undefined) out.push("SCIM configuration deleted");
    else if (
        sb !== undefined &&
        sa !== undefined &&
        show([sb.user_id_attribute, sb.mapping]) !== show([sa.user_id_attribute, sa.mapping])
    ) {
        out.push(`SCIM configuration updated (${plural(sa.mapping.length, "mapped attribute")}, user id from ${sa.user_id_attribute})`);
    }
    const tb = new Set((before.scimTokens[id] ?? []).map((t) => t.token_id));
    const ta = new Set((after.scimTokens[id] ?? []).map((t) => t.token_id));
    const issued = [...ta].filter((t) => !tb.has(t)).length;
    const revoked = [...tb].filter((t) => !ta.has(t)).length;
    if (issued > 0) out.push(`${plural(issued, "SCIM token")} issued`);
    if (revoked > 0) out.push(`${plural(revoked, "SCIM token")} revoked`);
    const db = before.directoryProvisionings[id];
    const da = after.directoryProvisionings[id];
    if (db === undefined && da !== undefined) out.push("directory provisioning created");
    else if (db !== undefined && da === undefined) out.push("directory provisioning deleted");
    else if (db !== undefined && da !== undefined) {
        const fields = (["synchronize_automatically", "synchronize_groups", "mapping"] as const).filter((k) => show(db[k]) !== show(da[k]));
        if (fields.length > 0) out.push(`directory provisioning ${fields.join(", ")} changed`);
    }
    const gb = new Set((before.synchronizedGroups[id] ?? []).map((g) => g.id));
    const ga = new Set((after.synchronizedGroups[id] ?? []).map((g) => g.id));
    const added = [...ga].filter((g) => !gb.has(g)).length;
    const removed = [...gb].filter((g) => !ga.has(g)).length;
    if (added + removed > 0) out.push(`selected groups +${added} −${removed}`);
    return out;
}

function requestsText(c: RequestCount): string {
    return `${plural(c.total, "request")} (${plural(c.writes, "write")}${c.throttled > 0 ? `, ${c.throttled} answered 429` : ""})`;
}

const ROW = (label: string, text: string): string => `  ${label.padEnd(15)} ${text}`;

function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)} s`;
}

/** The whole report. */
export function reportLines(r: RehearsalResult): string[] {
    const lines = [
        `Rehearsal of stack ${r.stack} on a twin of ${r.tenant} (${plural(r.listed, "connection")}, ${r.connections.length} declared; ` +
            `${plural(r.placeholders, "secret value")} replaced by placeholders), rate limit ${r.rate.rate}/s burst ${r.rate.burst}`,
        "",
    ];
    const refused = refusals(r.upJournal);
    for (const c of r.connections) {
        lines.push(`${c.name} (${c.strategy}, ${c.id})`);
        const changes = changesOf(c.id, r.before, r.after);
        lines.push(ROW("changed", changes.length === 0 ? "nothing" : changes.join("; ")));
        for (const e of refused.filter((x) => connectionOf(x) === c.id)) {
            lines.push(ROW("REFUSED", `${e.method} ${e.path}: ${e.status} ${e.message ?? ""}`.trimEnd()));
        }
        lines.push(ROW("requests", requestsText(countRequests(r.upJournal.filter((e) => connectionOf(e) === c.id)))));
        lines.push("");
    }
    for (const e of refused.filter((x) => !r.connections.some((c) => c.id === connectionOf(x)))) {
        lines.push(`REFUSED ${e.method} ${e.path}: ${e.status} ${e.message ?? ""}`.trimEnd());
    }
    if (r.engineErrors.length > 0) {
        lines.push("The engine reported:");
        lines.push(...r.engineErrors.flatMap((e) => e.split("\n").map((l) => `  ${l.trim().startsWith("-") ? "  " : ""}${l.trim()}`)), "");
    }
    const up = countRequests(r.upJournal);
    lines.push(`pulumi up on the twin ${r.upFailed ? "FAILED" : "succeeded"} after ${seconds(r.upMs)}: ${requestsText(up)}.`);
    lines.push(
        `Estimate for ${r.tenant}: ${seconds(estimateMs(r.upMs, up.total, r.roundTripMs))} ` +
            `(the twin's time at the tenant's rate limit, plus ${up.total} × ${r.roundTripMs} ms measured round trip).`,
    );
    if (r.previewChanges === undefined) lines.push("Preview after up: not run (the up failed).");
    else {
        const changes = previewChangesOf(r.previewChanges);
        lines.push(
            changes.length === 0
                ? `Preview after up: no changes (${requestsText(r.preview ?? { total: 0, writes: 0, throttled: 0 })}).`
                : `Preview after up: CHANGES ${changes.map(([op, n]) => `${op} ${n}`).join(", ")}: the up does not converge.`,
        );
    }
    lines.push(`Nothing was written to ${r.tenant}.`);
    return lines;
}

/** True when the rehearsal found the change would fail or not converge. */
export function failed(r: Pick<RehearsalResult, "upFailed" | "previewChanges">): boolean {
    return r.upFailed || r.previewChanges === undefined || previewChangesOf(r.previewChanges).length > 0;
}
