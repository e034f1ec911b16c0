/**
 * The export is checked with the project's own schema (`parseConnectionsConfig`) before anything is
 * printed or written. The API can hold states our schema refuses (one Auth0 attribute mapped
 * twice, which we treat as ambiguous): such a setting is left out of its entry, with the reason,
 * rather than written into a config that the next `up` would reject.
 */
import { parseConnectionsConfig, type ConnectionsConfig } from "../../program/config";
import { directoryProvisioningRules, type Failure } from "../../components/provider/schemas";
import type { ExportedConnection, ExportedSettings } from "./render";
import { SETTING_KEYS } from "./collect";

/** `e` with each setting the schema refuses turned into "unknown" (kept as the file has it), and a note saying why. */
export function validateExported(e: ExportedConnection): ExportedConnection {
    const settings: { -readonly [K in keyof ExportedSettings]: ExportedSettings[K] } = { ...e.settings };
    const notes = [...e.notes];
    for (const key of SETTING_KEYS) {
        const s = settings[key];
        if (s?.state !== "value") continue;
        // Each setting alone: one refused setting must not cost the others.
        const { failures } = parseConnectionsConfig({ [e.name]: { [key]: s.value } });
        if (failures.length === 0) continue;
        const prefix = `connections.${e.name}.`;
        const detail = failures.map((f) => `${f.property.startsWith(prefix) ? f.property.slice(prefix.length) : f.property}: ${f.reason}`);
        const reason = `the live value would not validate: ${detail.join("; ")}`;
        settings[key] = { state: "unknown", reason };
        notes.push(`left out ${key}: ${reason}`);
    }
    return { ...e, settings, notes };
}

/** The whole block, checked: its typed value, or an error naming every failure and ending in `nothing` (what was not done). */
export function checkBlock(block: unknown, what: string, nothing: string): ConnectionsConfig {
    const parsed = parseConnectionsConfig(block ?? {});
    const { config } = parsed;
    // parseConnectionsConfig leaves out the cross-field rule of selected groups; the provider applies it.
    const failures = config === undefined ? parsed.failures : groupFailures(config);
    if (config !== undefined && failures.length === 0) return config;
    throw new Error(`${what} would not be a valid auth0-connection-sync:connections config (${nothing}):\n${lines(failures)}`);
}

function groupFailures(config: ConnectionsConfig): Failure[] {
    return Object.entries(config).flatMap(([key, entry]) =>
        entry.directoryProvisioning === undefined
            ? []
            : directoryProvisioningRules(entry.directoryProvisioning).map((f) => ({
                  property: `connections.${key}.directoryProvisioning.${f.property}`,
                  reason: f.reason,
              })),
    );
}

function lines(failures: readonly Failure[]): string {
    return failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n");
}
