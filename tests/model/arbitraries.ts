/**
 * The fast-check arbitraries that generate a model-based run's steps (steps.ts): single steps, and
 * bursts of faulty commands close together around a token request without a clear answer.
 */
import * as fc from "fast-check";
import {
    CONN_KEYS,
    DIRECTORY_POOL,
    GROUP_POOL,
    LIFETIME_CAPS,
    MODES,
    ODD_VALID_UNTIL,
    ODD_VALUES,
    SCIM_CONNS,
    ROTATE_SECONDS,
    type Rotate,
    SCIM_POOL,
    SLOTS,
    TOKEN_SCOPES,
    USER_ID_ATTRIBUTES,
    type FaultProfile,
    type ScimConn,
    type Step,
} from "./steps";
import type { JsonValue } from "../../emulator";
import { pagedBurst } from "./paged-burst";
import { renameChunk, renameStep } from "./rename-chunk";

/**
 * One chunk in this many after the first `up` is a burst (below): MODEL_BURSTS, default 100 (0: no
 * bursts). A burst costs seconds (stray searches, token windows, the settle's wait for unread
 * tokens), so the default keeps the 1,000-sequence run near its former time (about 50 bursts); a
 * hunt for token bugs asks for more (MODEL_BURSTS=8 MODEL_RUNS=300: about 180).
 */
const BURST_ONE_IN = burstOdds(process.env.MODEL_BURSTS);

/**
 * One chunk in this many is a paged burst (paged-burst.ts): a stack that reads through listings,
 * then commands under a repeated cursor. Cheap (no waits): about 125 per 1,000 sequences.
 */
const PAGED_ONE_IN = 40;

/** One chunk in this many is a rename chunk (rename-chunk.ts): about 150 per 1,000 sequences. */
const RENAME_ONE_IN = 30;

function burstOdds(raw: string | undefined): number {
    if (raw === undefined || raw === "") return 100;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`MODEL_BURSTS must be a whole number (got ${JSON.stringify(raw)})`);
    return n;
}

const conn = fc.constantFrom(...CONN_KEYS);
const scimConn = fc.constantFrom(...SCIM_CONNS);
const scopes = fc.shuffledSubarray(TOKEN_SCOPES, { minLength: 1, maxLength: 4 });
const indices = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: 1, maxLength: 4 });

const profileStep = fc.record({
    t: fc.constant("profile" as const),
    conn,
    mode: fc.option(fc.constantFrom(...MODES), { freq: 6 }),
    onDelete: fc.constantFrom("retain" as const, "restore" as const),
});

const scimStep = fc.record({
    t: fc.constant("scim" as const),
    conn: scimConn,
    config: fc.option(
        fc.record({
            userIdAttribute: fc.constantFrom(...USER_ID_ATTRIBUTES),
            mapping: fc.option(indices(SCIM_POOL.length), { freq: 3 }),
            onDelete: fc.constantFrom(null, "delete" as const, "retain" as const),
        }),
        { freq: 6 },
    ),
});

/** `rotateBeforeExpiry`: the model drops it where the lifetime is not longer (the schema would refuse it). */
const rotate = fc.option(fc.constantFrom(...(Object.keys(ROTATE_SECONDS) as Rotate[])), { freq: 2 });

const tokenStep = fc.record({
    t: fc.constant("token" as const),
    conn: scimConn,
    slot: fc.constantFrom(...SLOTS),
    scopes: fc.option(scopes, { freq: 5 }),
    lifetime: fc.option(fc.constantFrom(86_400, 604_800), { freq: 3 }),
    rotate,
});

/** A lifetime cap (a tenant policy or a gateway), or a server that lists `valid_until` oddly from now on; or either lifted. */
const tenantStep: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ t: fc.constant("cap" as const), seconds: fc.option(fc.constantFrom(...LIFETIME_CAPS), { freq: 4 }) }),
    fc.record({ t: fc.constant("odd" as const), value: fc.option(fc.constantFrom(...ODD_VALID_UNTIL), { freq: 3 }) }),
);

const directoryStep = fc.record({
    t: fc.constant("directory" as const),
    config: fc.option(
        fc.record({
            mapping: fc.option(indices(DIRECTORY_POOL.length), { freq: 3 }),
            auto: fc.boolean(),
            groups: fc.constantFrom("all" as const, "off" as const, "selected" as const),
            onDelete: fc.constantFrom(null, "delete" as const, "retain" as const),
            syncOnChange: fc.boolean(),
            selected: fc.option(indices(GROUP_POOL.length), { freq: 2 }),
        }),
        { freq: 6 },
    ),
});

const value: fc.Arbitrary<JsonValue> = fc.oneof(
    fc.constantFrom(...ODD_VALUES),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as JsonValue),
);

const dashboardStep = fc.record({
    t: fc.constant("dashboard" as const),
    conn,
    op: fc.constantFrom("set" as const, "add" as const, "delete" as const, "nested" as const),
    key: fc.nat(1000),
    value,
});

const ownedStep = fc.record({
    t: fc.constant("owned" as const),
    conn,
    field: fc.constantFrom("mode" as const, "scimUserId" as const, "scimMapping" as const, "dirGroups" as const, "dirAuto" as const),
    pick: fc.nat(100),
});

const oobStep = fc.record({
    t: fc.constant("oob" as const),
    conn,
    what: fc.constantFrom("scim" as const, "directory" as const, "token" as const),
    pick: fc.nat(100),
});

const foreignStep = fc.record({ t: fc.constant("foreign" as const), conn: scimConn, scopes });

/** A single command's faults; token POSTs answered late (`late`, `late-next`) come in bursts (below), where they cost their seconds. */
const faults: fc.Arbitrary<FaultProfile> = fc.record({
    kind: fc.constantFrom(
        "none" as const,
        "none" as const,
        // Where "late" and "late-next" were: the other kinds keep their share.
        "none" as const,
        "none" as const,
        "5xx" as const,
        "503-after" as const,
        "slow" as const,
        "drop" as const,
        "429-random" as const,
        "429-bucket" as const,
        "odd-valid-until" as const,
        "repeat-cursor" as const,
    ),
    p: fc.constantFrom(0.2, 0.35, 0.5),
    times: fc.integer({ min: 1, max: 3 }),
    seed: fc.nat(1_000_000),
});

const runStep = fc.record({
    t: fc.constant("run" as const),
    cmd: fc.constantFrom(
        "up" as const,
        "up" as const,
        "up" as const,
        "up" as const,
        "preview" as const,
        "refresh" as const,
        "destroy" as const,
    ),
    faults,
});

const twinStep = fc.record({ t: fc.constant("twin" as const), conn: scimConn, slot: fc.constantFrom(...SLOTS) });

/** A declaration change, or a tenant setting (no API call). */
export const configStep: fc.Arbitrary<Step> = fc.oneof(
    { arbitrary: profileStep, weight: 3 },
    { arbitrary: scimStep, weight: 3 },
    { arbitrary: tokenStep, weight: 3 },
    { arbitrary: directoryStep, weight: 2 },
    { arbitrary: twinStep, weight: 1 },
    { arbitrary: renameStep, weight: 1 },
    { arbitrary: tenantStep, weight: 1 },
);

/** Any step. */
export const anyStep: fc.Arbitrary<Step> = fc.oneof(
    { arbitrary: runStep, weight: 8 },
    { arbitrary: configStep, weight: 6 },
    { arbitrary: dashboardStep, weight: 4 },
    { arbitrary: ownedStep, weight: 2 },
    { arbitrary: oobStep, weight: 2 },
    { arbitrary: foreignStep, weight: 1 },
);

/**
 * Token POSTs without a clear answer: answered after the client gave up (the token lands later, in
 * this command or the next), or answered 500 without being carried out (no token ever lands).
 */
const pendingFaults: fc.Arbitrary<FaultProfile> = fc.oneof(
    {
        arbitrary: fc.record({
            kind: fc.constantFrom("late" as const, "late-next" as const, "late-next" as const, "late-next" as const),
            p: fc.constant(1),
            times: fc.integer({ min: 1, max: 2 }),
            seed: fc.nat(1_000_000),
        }),
        weight: 6,
    },
    {
        arbitrary: fc.record({
            kind: fc.constant("5xx" as const),
            p: fc.constant(1),
            times: fc.integer({ min: 1, max: 2 }),
            seed: fc.constant(0),
            method: fc.constant("POST"),
            path: fc.constant("/scim-configuration/tokens$"),
        }),
        weight: 4,
    },
);

const NO_FAULTS: FaultProfile = { kind: "none", p: 0, times: 0, seed: 0 };

type Slot = (typeof SLOTS)[number];
type Target = { readonly conn: ScimConn; readonly slot: Slot } | null;

/** An `up` (or a `preview`), maybe aimed at one token; fault-free ones start at once or later. */
function command(cmd: "up" | "preview", f: FaultProfile, target: Target, now: boolean): Step {
    return {
        t: "run",
        cmd,
        faults: f,
        ...(target !== null && cmd === "up" ? { target } : {}),
        ...(f.kind === "none" && now ? { now: true } : {}),
    };
}

/**
 * Commands close together around a token request without a clear answer, on one connection: a
 * token declared or changed, an `up` whose token POST gets no clear answer, mostly a new token with
 * the same scopes declared while that request is pending, then commands that start before its
 * window has passed: `up`s again (faulty, or fault-free at once), `up`s aimed at one token and then
 * the other (`--target`), or a mix. What issue 21's stop-28 findings need all at once.
 */
const burst: fc.Arbitrary<Step[]> = fc.tuple(fc.constantFrom(...SCIM_CONNS), fc.constantFrom(...SLOTS)).chain(([c, s]) => {
    const sibling: Slot = s === "a" ? "b" : "a";
    const either = fc.constantFrom(s, sibling);
    const declare = fc.oneof(
        { arbitrary: fc.constant<Step>({ t: "twin", conn: c, slot: sibling }), weight: 6 },
        { arbitrary: either.map((slot): Step => ({ t: "twin", conn: c, slot })), weight: 1 },
        { arbitrary: tokenStep.map((t) => ({ ...t, conn: c })), weight: 1 },
    );
    const some = (w: [number, number, number]) =>
        fc.oneof(
            { arbitrary: pendingFaults, weight: w[0] },
            { arbitrary: fc.constant(NO_FAULTS), weight: w[1] },
            { arbitrary: faults, weight: w[2] },
        );
    const aim = (slot: Slot): Target => ({ conn: c, slot });
    const again = fc.array(
        some([3, 1, 1]).map((f) => command("up", f, null, true)),
        { minLength: 1, maxLength: 2 },
    );
    // Aimed at the sibling, then at the first token; the sibling's up may come after a command that lets the first one's late token land.
    const aimed = fc
        .tuple(fc.option(some([0, 1, 1]), { freq: 3 }), some([2, 2, 1]), some([1, 2, 1]), fc.boolean())
        .map(([first, f1, f2, now]) => [
            ...(first === null ? [] : [command("preview", first, null, true)]),
            command("up", f1, aim(sibling), true),
            command("up", f2, aim(s), now),
        ]);
    const mixed = fc.array(
        fc
            .tuple(
                fc.constantFrom("up" as const, "up" as const, "up" as const, "preview" as const),
                some([3, 2, 2]),
                fc.option(either, { freq: 2 }),
            )
            .map(([cmd, f, slot]) => command(cmd, f, slot === null ? null : aim(slot), true)),
        { minLength: 1, maxLength: 2 },
    );
    const declared = fc.record({ scopes, lifetime: fc.option(fc.constantFrom(86_400, 604_800), { freq: 3 }), rotate });
    return fc
        .tuple(
            declared,
            pendingFaults,
            fc.array(declare, { maxLength: 2 }),
            fc.oneof({ arbitrary: again, weight: 2 }, { arbitrary: aimed, weight: 1 }, { arbitrary: mixed, weight: 1 }),
        )
        .map(([t, f, more, next]): Step[] => [
            { t: "token", conn: c, slot: s, ...t },
            { t: "run", cmd: "up", faults: f },
            ...more,
            ...next,
        ]);
});

/** After the first `up`: mostly single steps, now and then a burst. */
const chunk: fc.Arbitrary<Step[]> = chunkOf(BURST_ONE_IN === 0 ? 0 : 1000 / BURST_ONE_IN, 1000 / PAGED_ONE_IN, 1000 / RENAME_ONE_IN);

/** Single steps, token bursts, paged bursts and rename chunks, with weights per 1,000 chunks. */
function chunkOf(bursts: number, paged: number, renames: number): fc.Arbitrary<Step[]> {
    const single = Math.max(0, 1000 - bursts - paged - renames);
    const kinds = [
        { arbitrary: anyStep.map((s) => [s]), weight: Math.round(single) },
        { arbitrary: burst, weight: Math.round(bursts) },
        { arbitrary: pagedBurst, weight: Math.round(paged) },
        { arbitrary: renameChunk, weight: Math.round(renames) },
    ];
    return fc.oneof(...kinds.filter((k) => k.weight > 0));
}

const firstUp = fc.record({ t: fc.constant("run" as const), cmd: fc.constant("up" as const), faults });

/** A sequence: a stack's first declarations and `up`, then anything. */
export const sequence: fc.Arbitrary<Step[]> = fc
    .tuple(fc.array(configStep, { minLength: 2, maxLength: 6 }), firstUp, fc.array(chunk, { minLength: 2, maxLength: 8 }))
    .map(([declarations, up, rest]) => [...declarations, up, ...rest.flat()]);
