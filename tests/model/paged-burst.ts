/**
 * A burst of commands that read through paged listings while the server repeats a cursor. Only a
 * stack that reads enough of a kind at once lists it (four or more connections for the connection
 * listing; a directory provisioning with selected groups for the synchronized-groups listing), so
 * single steps rarely meet a `repeat-cursor` fault where it matters: this declares such a stack,
 * brings it up cleanly, then runs commands whose checkpoint listings repeat their cursor (for ever,
 * or on the first pages). Each must end with a clear error or a correct result, never a hang.
 */
import * as fc from "fast-check";
import { CONN_KEYS, type FaultProfile, GROUP_POOL, MODES, type Step } from "./steps";

const NO_FAULTS: FaultProfile = { kind: "none", p: 0, times: 0, seed: 0 };

/** Profile sync on four or five connections: their diffs read the connections in one batch, by a listing. */
const manyProfiles: fc.Arbitrary<Step[]> = fc
    .tuple(fc.shuffledSubarray(CONN_KEYS, { minLength: 4, maxLength: 5 }), fc.constantFrom(...MODES))
    .map(([conns, mode]) => conns.map((conn): Step => ({ t: "profile", conn, mode, onDelete: "retain" })));

/** A directory provisioning with managed selected groups: its diff lists the synchronized groups. */
const selectedGroups: fc.Arbitrary<Step[]> = fc
    .shuffledSubarray([...GROUP_POOL.keys()], { minLength: 1, maxLength: GROUP_POOL.length })
    .map((selected) => [
        { t: "directory", config: { mapping: null, auto: false, groups: "selected", onDelete: null, syncOnChange: false, selected } },
    ]);

/** A repeated cursor: for ever on even seeds, else on the first `times` pages (runner.ts). */
const repeatCursor: fc.Arbitrary<FaultProfile> = fc.record({
    kind: fc.constant("repeat-cursor" as const),
    p: fc.constant(1),
    times: fc.integer({ min: 1, max: 3 }),
    seed: fc.nat(1_000_000),
});

/** A stack that lists, a clean `up`, then one or two commands under a repeated cursor. */
export const pagedBurst: fc.Arbitrary<Step[]> = fc
    .tuple(
        fc.oneof(
            manyProfiles,
            selectedGroups,
            fc.tuple(manyProfiles, selectedGroups).map(([a, b]) => [...a, ...b]),
        ),
        fc.array(fc.tuple(fc.constantFrom("up" as const, "up" as const, "preview" as const, "refresh" as const), repeatCursor), {
            minLength: 1,
            maxLength: 2,
        }),
    )
    .map(([declare, faulty]): Step[] => [
        ...declare,
        { t: "run", cmd: "up", faults: NO_FAULTS },
        ...faulty.map(([cmd, faults]): Step => ({ t: "run", cmd, faults })),
    ]);
