/**
 * The model's dashboard edits of what we own (drift the next `up` must correct), applied to the
 * emulator's live tenant.
 */
import type { EmulatorState } from "../../emulator";
import { liveOptions, MODE_KEY } from "./tenant";
import { CONNECTIONS, MODES, SCIM_POOL, type Step, USER_ID_ATTRIBUTES } from "./steps";

/** A dashboard edit of something we own (it is drift for us to correct, not a change to preserve). */
export function editOwned(step: Extract<Step, { t: "owned" }>, state: EmulatorState): string {
    const id = CONNECTIONS[step.conn];
    const scim = state.scimConfigurations[id];
    const dir = state.directoryProvisionings[id];
    if (step.field === "mode") {
        const live = liveOptions(state, step.conn) as Record<string, unknown>;
        const value = [...MODES, "absent"][step.pick % 4];
        if (value === "absent") delete live[MODE_KEY];
        else live[MODE_KEY] = value;
        return `set ${MODE_KEY} to ${value}`;
    }
    if (step.field === "scimUserId" && scim) {
        scim.user_id_attribute = USER_ID_ATTRIBUTES[step.pick % USER_ID_ATTRIBUTES.length];
        return `set user_id_attribute to ${scim.user_id_attribute}`;
    }
    if (step.field === "scimMapping" && scim) {
        const extra = SCIM_POOL[step.pick % SCIM_POOL.length];
        const kept = scim.mapping.filter((m) => m.auth0 !== extra.auth0);
        scim.mapping = step.pick % 2 === 0 && kept.length > 0 ? kept : [...kept, { scim: extra.scim, auth0: extra.auth0 }];
        return "edited the SCIM mapping";
    }
    if (step.field === "dirGroups" && dir) {
        dir.synchronize_groups = ["all", "off", "selected"][step.pick % 3];
        return `set synchronize_groups to ${dir.synchronize_groups}`;
    }
    if (step.field === "dirAuto" && dir) {
        dir.synchronize_automatically = !dir.synchronize_automatically;
        return "toggled synchronize_automatically";
    }
    return "skipped: nothing to edit";
}
