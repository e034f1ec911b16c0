/** Checks that an operation left the tenant as declared, so a fast but wrong run cannot pass as a result. */
import type { TenantSummary } from "./emulator-host";
import { CHANGED_MODE, DECLARED_MODE, type Declared, declaredConnections } from "./seed";

/** "" when the tenant holds exactly what was declared with `changed` connections moved to CHANGED_MODE; else what differs. */
export function checkTenant(t: TenantSummary, size: number, changed: number, what: Declared = "all"): string {
    const declared = declaredConnections(size, what);
    const scim = declared.filter((d) => d.scim !== undefined).length;
    const tokens = declared.reduce((n, d) => n + (d.scim?.tokens.length ?? 0), 0);
    const dir = declared.filter((d) => d.directoryProvisioning !== undefined).length;
    const want: Array<[string, number, number]> = [
        [DECLARED_MODE, t.modes[DECLARED_MODE] ?? 0, size - changed],
        [CHANGED_MODE, t.modes[CHANGED_MODE] ?? 0, changed],
        ["SCIM configurations", t.scimConfigurations, scim],
        ["SCIM tokens", t.scimTokens, tokens],
        ["directory provisionings", t.directoryProvisionings, dir],
    ];
    return want
        .filter(([, got, expected]) => got !== expected)
        .map(([what, got, expected]) => `${what}: ${got}, expected ${expected}`)
        .join("; ");
}
