/**
 * The state a ProfileSync holds after an `up` that set `on_first_login` on an okta connection and
 * changed nothing since: what the live-read suites diff against.
 */
import type { ProfileSyncOutputs } from "../../components/provider/profileSync";

/** That state for connection `id`. */
export function settledProfileSync(id: string): ProfileSyncOutputs {
    return {
        connectionId: id,
        mode: "on_first_login",
        onDelete: "retain",
        connectionName: id,
        strategy: "okta",
        liveMode: "on_first_login",
        previousMode: "on_first_login",
    };
}
