/**
 * A rename of a connection's one token, mostly with an added token, in one change (issue 21, class
 * 3): the engine issues new tokens before it revokes removed ones, so with the renamed token still
 * live such a change may not fit Auth0's two active tokens (someone else's token counts too). The
 * promise: it works in one run or is refused before any token of it is issued (P11), never left
 * half-way. After the command that meets it, the person makes a refused change in two runs, as the
 * refusal advises.
 */
import type { CommandResult, Engine } from "./engine";
import type { RunContext, Violation } from "./invariants";
import { type Model, names } from "./model";
import { CONNECTIONS, type ScimConn, type Slot, TOKEN_SLOTS, type Step } from "./steps";

/** A rename (maybe with an add) declared in one change, until the next command has shown how it went. */
export interface RenameAdd {
    readonly conn: ScimConn;
    /** The renamed token's name before and after, and the added token's (null: none). */
    readonly from: Slot;
    readonly to: Slot;
    readonly added: Slot | null;
}

/** Applies a rename step to the declaration; returns what it did, and the change to watch. */
export function renameToken(model: Model, step: Extract<Step, { t: "rename" }>): { said: string; pending: RenameAdd | null } {
    const s = model.declared.scim[step.conn];
    const declared = Object.keys(s?.tokens ?? {}) as Slot[];
    if (s === undefined || declared.length !== 1) return { said: "skipped: a rename needs exactly one declared token", pending: null };
    const [from] = declared;
    const [to, other] = TOKEN_SLOTS.filter((x) => x !== from);
    const token = s.tokens[from];
    if (token === undefined) return { said: "skipped: no token to rename", pending: null };
    delete s.tokens[from];
    s.tokens[to] = token;
    // Two declared and someone else's token: more than the connection can hold (the token step's rule).
    const added = step.add !== null && model.foreign[step.conn].size === 0 ? other : null;
    if (step.add !== null && added !== null) s.tokens[added] = { scopes: [...step.add.scopes], lifetime: step.add.lifetime, rotate: null };
    const said = `renamed ${from} to ${to}${added !== null ? ` and declared ${added}` : ""}, in one change`;
    return { said, pending: { conn: step.conn, from, to, added } };
}

/** The names the change declares anew. */
function news(p: RenameAdd): Slot[] {
    return p.added === null ? [p.to] : [p.to, p.added];
}

/** Whether the change is still declared as made (a later step may have changed it before any command ran). */
export function stillDeclared(model: Model, p: RenameAdd): boolean {
    const tokens = model.declared.scim[p.conn]?.tokens;
    return tokens !== undefined && news(p).every((s) => tokens[s] !== undefined) && tokens[p.from] === undefined;
}

/** The connection id a command may refuse the change on. */
export function refusableOn(p: RenameAdd): string {
    return CONNECTIONS[p.conn];
}

function applied(result: CommandResult, p: RenameAdd, s: Slot): boolean {
    return result.outcomes.get(names.token(p.conn, s))?.ok === true;
}

/**
 * P11, after a fault-free `up` of the whole stack (faults or `--target` may stop any run half-way):
 * either no token of the change was issued, or all of it was applied and the renamed token's
 * resource is gone.
 */
export function checkRenameAdd(p: RenameAdd, ctx: Pick<RunContext, "cmd" | "faulted">, result: CommandResult, engine: Engine): Violation[] {
    if (ctx.cmd !== "up" || ctx.faulted) return [];
    const issued = news(p).filter((s) => {
        const o = result.outcomes.get(names.token(p.conn, s));
        return o?.ok === true && (o.op === "create" || o.op === "replace");
    });
    const old = names.token(p.conn, p.from);
    if (issued.length === 0 || (news(p).every((s) => applied(result, p, s)) && !engine.state.has(old))) return [];
    const outcomes = [...news(p), p.from].map((s) => {
        const o = result.outcomes.get(names.token(p.conn, s));
        return `${names.token(p.conn, s)}:${o === undefined ? "none" : `${o.op}${o.ok ? "" : "!"}`}`;
    });
    const what = p.added !== null ? `renaming token ${p.from} to ${p.to} and adding ${p.added}` : `renaming token ${p.from} to ${p.to}`;
    return [
        {
            property: "P11",
            message: `${p.conn}: ${what} in one change went half-way (issued ${issued.join(", ")}; ${outcomes.join(" ")}${engine.state.has(old) ? `; ${old} still in state` : ""})`,
        },
    ];
}

/**
 * The person makes a refused change in two runs, as the refusal advises: first the removal (the
 * tokens of the change the command did not apply leave the declaration); adding comes later.
 */
export function splitRenameAdd(model: Model, p: RenameAdd, result: CommandResult): void {
    const tokens = model.declared.scim[p.conn]?.tokens;
    if (tokens === undefined) return;
    for (const s of news(p)) if (!applied(result, p, s)) delete tokens[s];
}
