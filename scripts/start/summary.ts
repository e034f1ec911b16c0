/**
 * The end of `npm start`: per declared connection, what the tenant holds now (read back from the
 * emulator after the run, never echoed from the config), the delete and rotation policies declared
 * for it, and the requests it took; then the run's request totals and the preview's verdict.
 * Pure: state, journal and config in, lines out.
 */
import type { EmulatorState, JournalEntry } from "../../emulator";
import type { ConnectionConfig } from "../../program/config";

/** One declared connection, as the stack's `connections` output names it. */
export interface DeclaredConnection {
    readonly id: string;
    readonly name: string;
    readonly strategy: string;
    /** Token name to token id, from the stack output (never the token value). */
    readonly tokenIds: Readonly<Record<string, string>>;
    /** What the stack config declares for it. */
    readonly config: ConnectionConfig;
}

/** How many requests, how many of them writes, how many answered 429. */
export interface RequestCount {
    readonly total: number;
    readonly writes: number;
    readonly throttled: number;
}

/** One SCIM token on the tenant, under the name the stack gives it. */
export interface TokenReport {
    readonly name: string;
    /** `valid_until` as the tenant lists it; undefined for a token without expiry. */
    readonly validUntil?: string;
    readonly rotateBeforeExpiry?: string;
}

/** What the tenant holds for one declared connection, and what it took. */
export interface ConnectionReport {
    readonly name: string;
    readonly id: string;
    readonly strategy: string;
    /** The live `options.set_user_root_attributes` (JSON of any value; "absent" when unset). */
    readonly profileSync?: { readonly mode: string; readonly onDelete: string };
    readonly scim?: { readonly userIdAttribute: string; readonly mappingSize: number; readonly tokens: TokenReport[] };
    readonly directory?: { readonly automatic: boolean; readonly groups: string; readonly selectedGroups: number };
    readonly requests: RequestCount;
}

/** Everything the summary shows. */
export interface RunSummary {
    readonly connections: ConnectionReport[];
    /** Requests of `pulumi up`, and those of them on no single connection (sign-in, listings). */
    readonly up: RequestCount;
    readonly upShared: RequestCount;
    /** The preview after `up`: its non-`same` operations, and its requests. */
    readonly previewChanges: Readonly<Record<string, number>>;
    readonly preview: RequestCount;
}

const CONNECTION_PATH = /^\/api\/v2\/connections\/([^/?]+)/;

/** The connection a request is about (`/api/v2/connections/{id}...`), or undefined for the rest. */
export function connectionOf(entry: Pick<JournalEntry, "path">): string | undefined {
    return CONNECTION_PATH.exec(entry.path)?.[1];
}

/** Counts requests; a write is a Management API request other than a GET (signing in is none). */
export function countRequests(entries: readonly JournalEntry[]): RequestCount {
    return {
        total: entries.length,
        writes: entries.filter((e) => e.method !== "GET" && e.path.startsWith("/api/v2/")).length,
        throttled: entries.filter((e) => e.status === 429).length,
    };
}

function profileSyncPolicy(config: ConnectionConfig["profileSync"]): string {
    return typeof config === "object" ? config.onDelete : "retain";
}

function tokenSettings(config: ConnectionConfig): Record<string, { rotateBeforeExpiry?: string }> {
    const tokens = config.scim?.tokens ?? {};
    return Array.isArray(tokens) ? Object.fromEntries(tokens.map((t, i) => [String(i), t])) : tokens;
}

/** The report of one connection, from the tenant's state and the requests of `up`. */
export function connectionReport(declared: DeclaredConnection, state: EmulatorState, upJournal: readonly JournalEntry[]): ConnectionReport {
    const { id, config } = declared;
    const mode = state.connections[id]?.options?.set_user_root_attributes;
    const scim = state.scimConfigurations[id];
    const live = state.scimTokens[id] ?? [];
    const settings = tokenSettings(config);
    const dir = state.directoryProvisionings[id];
    return {
        name: declared.name,
        id,
        strategy: declared.strategy,
        ...(config.profileSync !== undefined
            ? { profileSync: { mode: mode === undefined ? "absent" : String(mode), onDelete: profileSyncPolicy(config.profileSync) } }
            : {}),
        ...(config.scim !== undefined && scim !== undefined
            ? {
                  scim: {
                      userIdAttribute: scim.user_id_attribute,
                      mappingSize: scim.mapping.length,
                      // In the order the config declares them.
                      tokens: Object.entries(settings).map(([name, token]) => ({
                          name,
                          validUntil: live.find((t) => t.token_id === declared.tokenIds[name])?.valid_until,
                          rotateBeforeExpiry: token.rotateBeforeExpiry,
                      })),
                  },
              }
            : {}),
        ...(config.directoryProvisioning !== undefined && dir !== undefined
            ? {
                  directory: {
                      automatic: dir.synchronize_automatically,
                      groups: dir.synchronize_groups,
                      selectedGroups: (state.synchronizedGroups[id] ?? []).length,
                  },
              }
            : {}),
        requests: countRequests(upJournal.filter((e) => connectionOf(e) === id)),
    };
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function requestsText(c: RequestCount): string {
    return `${plural(c.total, "request")} (${plural(c.writes, "write")}${c.throttled > 0 ? `, ${c.throttled} answered 429` : ""})`;
}

function tokenText(t: TokenReport): string {
    const expiry = t.validUntil === undefined ? "no expiry" : `expires ${t.validUntil.slice(0, 10)}`;
    return `${t.name}: ${expiry}${t.rotateBeforeExpiry === undefined ? "" : `, re-issued ${t.rotateBeforeExpiry} before`}`;
}

function directoryText(d: NonNullable<ConnectionReport["directory"]>): string {
    const sync = d.automatic ? "automatic" : "on request";
    const groups = d.groups === "selected" ? `${plural(d.selectedGroups, "selected group")}` : `groups ${d.groups}`;
    return `${sync}, ${groups}`;
}

const ROW = (label: string, text: string): string => `  ${label.padEnd(15)} ${text}`;

/** The lines of one connection's block. */
export function connectionLines(r: ConnectionReport): string[] {
    const lines = [`${r.name} (${r.strategy}, ${r.id})`];
    if (r.profileSync) {
        const policy = r.profileSync.onDelete === "restore" ? "restored on destroy" : "left as is on destroy";
        lines.push(ROW("profile sync", `${r.profileSync.mode}, ${policy}`));
    }
    if (r.scim) {
        lines.push(ROW("SCIM", `${plural(r.scim.mappingSize, "mapped attribute")}, user id from ${r.scim.userIdAttribute}`));
        r.scim.tokens.forEach((t, i) => {
            lines.push(ROW(i === 0 ? "SCIM tokens" : "", tokenText(t)));
        });
    }
    if (r.directory) lines.push(ROW("directory sync", directoryText(r.directory)));
    lines.push(ROW("requests", requestsText(r.requests)));
    return lines;
}

/** The preview's operations other than `same`: none means a second `up` would do nothing. */
export function previewChangesOf(changeSummary: Readonly<Record<string, number>>): Array<[string, number]> {
    return Object.entries(changeSummary).filter(([op, n]) => op !== "same" && n > 0);
}

/** The whole summary, ending with the preview's one-line verdict. */
export function summaryLines(s: RunSummary): string[] {
    const changes = previewChangesOf(s.previewChanges);
    const verdict =
        changes.length === 0
            ? `Preview after up: no changes (${plural(s.preview.total, "request")}, ${plural(s.preview.writes, "write")}).`
            : `Preview after up: CHANGES ${changes.map(([op, n]) => `${op} ${n}`).join(", ")}: a second run would not be a no-op.`;
    return [
        "What the sample tenant holds now, read back from the emulator:",
        "",
        ...s.connections.flatMap((c) => [...connectionLines(c), ""]),
        `pulumi up took ${requestsText(s.up)}, ${s.upShared.total} of them for sign-in and listings.`,
        verdict,
    ];
}
