/**
 * What the command-line parsers of `npm run export` and `npm run rehearse` share.
 */

/** The value given after the flag `flag` (at `argv[at]`); a missing one fails, naming the flag. */
export function flagValue(argv: readonly string[], flag: string, at: number): string {
    const v = argv[at];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
}
