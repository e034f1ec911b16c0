/**
 * The picture of docs/benchmarks.md: per operation, time against N through the engine (enterprise
 * limit), ours beside the two floors it is judged against: the rate limit's (the fewest requests
 * the operation can make, at 16/s after a burst of 50) and the engine's (the same components and
 * children with a do-nothing provider, measured in the same run). Both axes are logarithmic.
 */
import { readFloor, shapeOf, writeFloor } from "./floors";
import { floorSeconds, LIMITS, OP_LABELS, type OpName, type OpResult } from "./measure";

/** The operations the chart shows, one panel each. */
export const CHART_OPS: readonly OpName[] = ["create", "preview", "up", "change"];

/** One line of a panel. */
export interface Series {
    readonly name: string;
    readonly color: string;
    readonly dashed: boolean;
    /** [N, seconds], in increasing N. */
    readonly points: ReadonlyArray<readonly [number, number]>;
}

/** The three lines of one operation's panel, from the enterprise engine rows (declaring everything). */
export function seriesOf(rows: readonly OpResult[], op: OpName): Series[] {
    const engine = rows
        .filter((r) => r.mode === "engine" && r.limitName === "enterprise" && r.declared === "all" && r.op === op)
        .sort((a, b) => a.size - b.size);
    const point = (r: OpResult, seconds: number): readonly [number, number] => [r.size, seconds];
    return [
        { name: "ours", color: "#c0392b", dashed: false, points: engine.map((r) => point(r, r.wallMs / 1000)) },
        {
            name: "engine floor",
            color: "#2c3e50",
            dashed: true,
            points: engine.flatMap((r) => (r.engineFloor === undefined ? [] : [point(r, r.engineFloor.wallMs / 1000)])),
        },
        {
            name: "rate-limit floor",
            color: "#27ae60",
            dashed: true,
            points: engine.map((r) => {
                const shape = shapeOf(r.size);
                const requests = readFloor(op, shape, r.k) + writeFloor(op, shape.createWrites, r.k);
                return point(r, floorSeconds(requests, LIMITS.enterprise));
            }),
        },
    ];
}

const PANEL_W = 380;
const PANEL_H = 250;
const PAD = { left: 52, right: 14, top: 30, bottom: 40 };

/** Powers of ten covering [lo, hi] (at least one decade). */
function decades(lo: number, hi: number): number[] {
    const from = Math.floor(Math.log10(lo));
    const to = Math.max(from + 1, Math.ceil(Math.log10(hi)));
    return Array.from({ length: to - from + 1 }, (_, i) => 10 ** (from + i));
}

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (n: number) => n.toFixed(1);
const label = (v: number) => (v >= 1 ? String(v) : String(Number(v.toPrecision(1))));

/** One panel at (x0, y0): axes, gridlines, the lines and their points. */
function panel(title: string, series: readonly Series[], x0: number, y0: number): string {
    const all = series.flatMap((s) => s.points);
    if (all.length === 0) return "";
    // Times of 0 (a floor under the burst) sit on the lowest gridline rather than at minus infinity.
    const ys = decades(Math.max(0.1, Math.min(...all.map((p) => p[1]).filter((v) => v > 0), 1)), Math.max(...all.map((p) => p[1])));
    const xs = decades(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
    const w = PANEL_W - PAD.left - PAD.right;
    const h = PANEL_H - PAD.top - PAD.bottom;
    const lx = (v: number) => Math.log10(v);
    const X = (n: number) => x0 + PAD.left + ((lx(n) - lx(xs[0])) / (lx(xs[xs.length - 1]) - lx(xs[0]))) * w;
    const Y = (t: number) => y0 + PAD.top + h - ((lx(Math.max(t, ys[0])) - lx(ys[0])) / (lx(ys[ys.length - 1]) - lx(ys[0]))) * h;
    const out: string[] = [
        `<text x="${fmt(x0 + PANEL_W / 2)}" y="${fmt(y0 + 18)}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    ];
    for (const t of ys) {
        out.push(`<line x1="${fmt(X(xs[0]))}" y1="${fmt(Y(t))}" x2="${fmt(X(xs[xs.length - 1]))}" y2="${fmt(Y(t))}" stroke="#ddd"/>`);
        out.push(`<text x="${fmt(X(xs[0]) - 6)}" y="${fmt(Y(t) + 4)}" text-anchor="end">${label(t)} s</text>`);
    }
    for (const n of xs) {
        out.push(`<line x1="${fmt(X(n))}" y1="${fmt(Y(ys[0]))}" x2="${fmt(X(n))}" y2="${fmt(Y(ys[ys.length - 1]))}" stroke="#eee"/>`);
        out.push(`<text x="${fmt(X(n))}" y="${fmt(Y(ys[0]) + 16)}" text-anchor="middle">${label(n)}</text>`);
    }
    out.push(`<text x="${fmt(x0 + PAD.left + w / 2)}" y="${fmt(y0 + PANEL_H - 6)}" text-anchor="middle">connections (N)</text>`);
    for (const s of series) {
        if (s.points.length === 0) continue;
        const pts = s.points.map(([n, t]) => `${fmt(X(n))},${fmt(Y(t))}`).join(" ");
        const dash = s.dashed ? ` stroke-dasharray="5,4"` : "";
        out.push(`<polyline data-series="${esc(s.name)}" points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
        for (const [n, t] of s.points) {
            out.push(
                `<circle cx="${fmt(X(n))}" cy="${fmt(Y(t))}" r="3" fill="${s.color}"><title>${esc(s.name)}: N=${n}, ${t.toFixed(1)} s</title></circle>`,
            );
        }
    }
    return out.join("\n");
}

/** The whole chart as an SVG document: a 2×2 grid of panels and one legend. */
export function chartSvg(rows: readonly OpResult[], caption: string): string {
    const width = PANEL_W * 2;
    const height = PANEL_H * 2 + 60;
    const panels = CHART_OPS.map((op, i) => {
        const k = rows.find((r) => r.op === op)?.k ?? 5;
        const title = op === "change" ? OP_LABELS.change.replace("k", `k=${k}`) : OP_LABELS[op];
        return panel(title, seriesOf(rows, op), (i % 2) * PANEL_W, Math.floor(i / 2) * PANEL_H);
    });
    const legend = seriesOf(rows, "create").map((s, i) => {
        const x = 20 + i * 190;
        const y = PANEL_H * 2 + 24;
        const dash = s.dashed ? ` stroke-dasharray="5,4"` : "";
        return `<line x1="${x}" y1="${y}" x2="${x + 28}" y2="${y}" stroke="${s.color}" stroke-width="2"${dash}/><text x="${x + 34}" y="${y + 4}">${esc(s.name)}</text>`;
    });
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
        `<title>${esc(caption)}</title>`,
        `<rect width="${width}" height="${height}" fill="white"/>`,
        ...panels,
        ...legend,
        `<text x="20" y="${PANEL_H * 2 + 48}" fill="#555">${esc(caption)}</text>`,
        "</svg>",
        "",
    ].join("\n");
}
