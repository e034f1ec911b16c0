import * as assert from "node:assert/strict";
import { chartSvg, seriesOf } from "../../benchmarks/chart";
import { readFloor, shapeOf, writeFloor } from "../../benchmarks/floors";
import { countJournal, floorSeconds, LIMITS, type OpName, type OpResult } from "../../benchmarks/measure";

/** An engine row of N connections whose `op` took `wallS` seconds, with the engine floor at `floorS`. */
function row(size: number, op: OpName, wallS: number, floorS?: number, limitName: "free" | "enterprise" = "enterprise"): OpResult {
    return {
        size,
        resources: shapeOf(size).resources,
        limitName,
        mode: "engine",
        op,
        declared: "all",
        k: 5,
        counts: countJournal([]),
        readFloor: 0,
        writeFloor: 0,
        failures: 0,
        failureSamples: [],
        wallMs: wallS * 1000,
        steps: "",
        check: "",
        ...(floorS === undefined ? {} : { engineFloor: { wallMs: floorS * 1000, stateChars: 0, resources: 0, steps: "" } }),
    };
}

/** The points of the polyline of `series` in the panel drawn `index`-th, as [x, y] pixels. */
function polyline(svg: string, series: string, index: number): Array<[number, number]> {
    const lines = [...svg.matchAll(new RegExp(`<polyline data-series="${series}" points="([^"]+)"`, "g"))];
    const points = lines[index]?.[1];
    assert.ok(points, `no polyline ${series} #${index}`);
    return points.split(" ").map((p) => p.split(",").map(Number) as [number, number]);
}

describe("Benchmark chart", () => {
    const rows = [
        row(500, "create", 400, 300),
        row(100, "create", 40, 30),
        row(2000, "create", 3000, 2500),
        row(100, "preview", 9, 8),
        row(500, "preview", 45, 40),
        row(100, "create", 999, 1, "free"),
    ];

    it("takes ours and the engine floor from the enterprise engine rows, in increasing N", () => {
        const [ours, engine] = seriesOf(rows, "create");
        assert.deepEqual(ours.points, [
            [100, 40],
            [500, 400],
            [2000, 3000],
        ]);
        assert.deepEqual(engine.points, [
            [100, 30],
            [500, 300],
            [2000, 2500],
        ]);
    });

    it("draws the rate-limit floor from the fewest requests each operation can make", () => {
        const rate = seriesOf(rows, "preview")[2];
        const expected = [100, 500].map((n) => {
            const shape = shapeOf(n);
            return floorSeconds(readFloor("preview", shape, 5) + writeFloor("preview", shape.createWrites, 5), LIMITS.enterprise);
        });
        assert.deepEqual(
            rate.points.map((p) => p[1]),
            expected,
        );
        assert.ok(expected[1] > expected[0], "a bigger tenant needs more requests");
    });

    it("places a longer time higher and a bigger N further right, in every panel that has data", () => {
        const svg = chartSvg(rows, "test run");
        for (const [index, series] of [
            [0, "ours"],
            [0, "engine floor"],
            [1, "ours"],
        ] as const) {
            const pts = polyline(svg, series, index);
            for (let i = 1; i < pts.length; i++) {
                assert.ok(pts[i][0] > pts[i - 1][0], `${series} #${index}: x grows with N`);
                assert.ok(pts[i][1] < pts[i - 1][1], `${series} #${index}: a longer time is drawn higher`);
            }
        }
        // Ours above the engine floor at each N of the create panel.
        const ours = polyline(svg, "ours", 0);
        const floor = polyline(svg, "engine floor", 0);
        for (const [i, p] of ours.entries()) assert.ok(p[1] < floor[i][1], `N #${i}: ours is drawn above the floor`);
    });

    it("is one SVG document whose text is escaped", () => {
        const svg = chartSvg(rows, "npm run bench -- --sizes 100 <&>");
        assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        assert.equal(svg.trimEnd().endsWith("</svg>"), true);
        assert.equal((svg.match(/<svg /g) ?? []).length, 1);
        assert.match(svg, /--sizes 100 &lt;&amp;&gt;/);
        assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
    });
});
