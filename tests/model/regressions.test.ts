/**
 * The bugs the model test found (regressions.ts), each replayed from its minimal reproduction:
 * every property must hold, so a bug that comes back fails here by name before any random search.
 */
import * as assert from "node:assert/strict";
import { PROPERTIES } from "./invariants";
import { replay, startWorld, type World } from "./property";
import { FOUND_BUGS } from "./regressions";

describe("Model test regressions", function () {
    this.timeout(120_000);
    let world: World;

    before(async () => {
        world = await startWorld({ timeoutMs: 300, cleanTimeoutMs: 15_000, commandLimitMs: 60_000 });
    });

    after(async () => {
        await world.emu.close();
    });

    for (const bug of FOUND_BUGS) {
        it(`${bug.id} stays fixed (${bug.property}: ${PROPERTIES[bug.property]})`, async () => {
            const report = await replay(world, [...bug.steps]);
            assert.deepEqual(report.violations, [], `${bug.title}\n    ${bug.why}\n    ${report.log.join("\n    ")}`);
        });
    }
});
