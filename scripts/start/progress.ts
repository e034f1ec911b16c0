/**
 * What `npm start` shows of the engine's events by default (without `--verbose`): every warning and
 * error, and one line per finished operation on one of our settings.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

/**
 * How the Node.js SDK prints `pulumi.log.warn` in a process with no engine connection, such as a
 * dynamic provider's: `warning: [runtime] <message>` on its stderr. The engine passes each stderr
 * line on as an `info#err` diagnostic without a resource, so only the text says it is a warning.
 */
const PROVIDER_WARNING = /^warning: (?:\[runtime\] )?/;

/**
 * The diagnostic's severity and text as shown: a provider's stderr line that is a warning shows as
 * one; other stderr lines and infos are not shown (undefined).
 */
function shownDiagnostic(diag: NonNullable<EngineEvent["diagnosticEvent"]>): { severity: string; message: string } | undefined {
    if (diag.severity === "warning" || diag.severity === "error") return { severity: diag.severity, message: diag.message };
    if (diag.severity === "info#err" && PROVIDER_WARNING.test(diag.message)) {
        return { severity: "warning", message: diag.message.replace(PROVIDER_WARNING, "") };
    }
    return undefined;
}

/**
 * The line the default view shows for an engine event, or undefined: every warning and error the
 * engine reports (a dynamic provider's warnings included, see PROVIDER_WARNING), and one line per
 * finished operation on a setting (components and the stack itself are left out).
 */
export function progressLine(event: EngineEvent): string | undefined {
    const diag = event.diagnosticEvent === undefined ? undefined : shownDiagnostic(event.diagnosticEvent);
    if (diag !== undefined) {
        const urn = event.diagnosticEvent?.urn;
        const on = urn === undefined || urn === "" ? "" : ` (${urn.split("::").pop()})`;
        return `${diag.severity}${on}: ${diag.message.trimEnd()}\n`;
    }
    const meta = event.resOutputsEvent?.metadata;
    // Our settings are dynamic resources, typed `pulumi-nodejs:dynamic/auth0-connection-sync:<Kind>`.
    if (meta === undefined || meta.op === "same" || !meta.type.startsWith("pulumi-nodejs:dynamic/")) return undefined;
    return `  ${meta.op.padEnd(7)} ${meta.type.split(":").pop()} ${meta.urn.split("::").pop()}\n`;
}
