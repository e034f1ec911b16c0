/**
 * Where a JSON text holds values that would not survive our round trip (parse, change one key,
 * stringify, send back): numbers a double cannot hold (`12345678901234567891`, `1e400`) and keys
 * that appear twice in one object (parsing keeps only the last). We send every other option back
 * unchanged, so when the options hold such a value we refuse to write rather than change it.
 */

/** The decimal value of a JSON number literal, normalized: sign, significant digits, exponent. */
function decimal(literal: string): string {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
    if (m === null) return literal;
    const [, sign, int, frac = "", exp = "0"] = m;
    const digits = (int + frac).replace(/^0+/, "");
    if (digits === "") return "0";
    const lead = int.replace(/^0+/, "").length > 0 ? int.replace(/^0+/, "").length : -(frac.length - frac.replace(/^0+/, "").length);
    const significant = digits.replace(/0+$/, "");
    return `${sign}${significant}e${Number(exp) + lead}`;
}

/** True when parsing and stringifying `literal` gives back the same value. */
export function numberSurvives(literal: string): boolean {
    const value = Number(literal);
    return Number.isFinite(value) && decimal(JSON.stringify(value)) === decimal(literal.replace(/^-(?=0*(\.0*)?([eE].*)?$)/, ""));
}

/**
 * The paths (`options.a.b`, `options.list[2]`) under `root` whose values would not survive the
 * round trip, in the order they appear. `text` must be valid JSON (the caller parsed it already).
 */
export function unsafePaths(text: string, root = "options"): string[] {
    const found: string[] = [];
    let i = 0;
    const ws = () => {
        while (i < text.length && " \t\n\r".includes(text[i])) i++;
    };
    const str = (): string => {
        const start = i;
        i++;
        while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
        i++;
        return JSON.parse(text.slice(start, i)) as string;
    };
    // Sticky, and unbounded: a number literal of any length is read whole.
    const scalar = /-?\d+(\.\d+)?([eE][+-]?\d+)?|(true|false|null)/y;
    const value = (path: string | undefined): void => {
        ws();
        const c = text[i];
        if (c === "{") {
            i++;
            const keys = new Set<string>();
            ws();
            if (text[i] === "}") {
                i++;
                return;
            }
            for (;;) {
                ws();
                const key = str();
                const child = path === undefined ? (key === root ? root : undefined) : `${path}.${key}`;
                if (child !== undefined && keys.has(key)) found.push(`${child} (the key appears twice)`);
                keys.add(key);
                ws();
                i++; // :
                value(child);
                ws();
                if (text[i++] === "}") return;
            }
        } else if (c === "[") {
            i++;
            ws();
            if (text[i] === "]") {
                i++;
                return;
            }
            for (let n = 0; ; n++) {
                value(path === undefined ? undefined : `${path}[${n}]`);
                ws();
                if (text[i++] === "]") return;
            }
        } else if (c === '"') {
            str();
        } else {
            scalar.lastIndex = i;
            const m = scalar.exec(text);
            if (m === null) throw new SyntaxError(`not JSON at ${i}`);
            const literal = m[0];
            i += literal.length;
            if (path !== undefined && m !== null && m[3] === undefined && !numberSurvives(literal)) {
                found.push(`${path} (${literal} would come back as ${JSON.stringify(Number(literal))})`);
            }
        }
    };
    value(undefined);
    return found;
}
