/**
 * Renames of a connection's one token, mostly with another token added in the same change (issue
 * 21, class 3; rename-add.ts checks them). A single rename step rarely finds exactly one token
 * declared and a fault-free `up` right after it, so a rename chunk sets that up: it leaves one token
 * declared on the connection, maybe brings it up first (the renamed token is then live, and the
 * change cannot fit the two-token limit in one run), renames, and runs an `up`, mostly fault-free.
 */
import * as fc from "fast-check";
import { type FaultProfile, SCIM_CONNS, SLOTS, type Step, TOKEN_SCOPES, TOKEN_SLOTS } from "./steps";

const NO_FAULTS: FaultProfile = { kind: "none", p: 0, times: 0, seed: 0 };

const scopes = fc.shuffledSubarray(TOKEN_SCOPES, { minLength: 1, maxLength: 3 });
const lifetime = fc.option(fc.constantFrom(86_400, 604_800), { freq: 3 });

/** A rename of the one declared token, mostly with another token added in the same change. */
export const renameStep = fc.record({
    t: fc.constant("rename" as const),
    conn: fc.constantFrom(...SCIM_CONNS),
    add: fc.option(fc.record({ scopes, lifetime }), { freq: 4 }),
});

/** The `up` after the rename: mostly fault-free (P11 holds it then), else faults on writes. */
const after: fc.Arbitrary<FaultProfile> = fc.oneof(
    { arbitrary: fc.constant(NO_FAULTS), weight: 3 },
    {
        arbitrary: fc.record({
            kind: fc.constantFrom("5xx" as const, "503-after" as const, "drop" as const),
            p: fc.constantFrom(0.35, 0.5),
            times: fc.integer({ min: 1, max: 2 }),
            seed: fc.nat(1_000_000),
        }),
        weight: 1,
    },
);

/** One token left declared on a connection, maybe brought up, renamed (maybe with an add), then an `up`. */
export const renameChunk: fc.Arbitrary<Step[]> = fc
    .tuple(renameStep, fc.constantFrom(...SLOTS), scopes, lifetime, fc.boolean(), after)
    .map(([rename, slot, asked, life, live, faults]): Step[] => [
        ...TOKEN_SLOTS.filter((s) => s !== slot).map(
            (s): Step => ({ t: "token", conn: rename.conn, slot: s, scopes: null, lifetime: null }),
        ),
        { t: "token", conn: rename.conn, slot, scopes: asked, lifetime: life },
        ...(live ? [{ t: "run", cmd: "up", faults: NO_FAULTS } satisfies Step] : []),
        rename,
        { t: "run", cmd: "up", faults },
    ]);
