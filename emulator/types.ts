/** Any value that survives a JSON round trip. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, as Auth0 stores connection options. */
export type JsonObject = { [key: string]: JsonValue };

/** A connection as the Management API returns it (unknown keys are kept as they are). */
export interface Connection {
    id: string;
    name: string;
    strategy: string;
    display_name?: string;
    options?: JsonObject;
    enabled_clients?: string[];
    is_domain_connection?: boolean;
    show_as_button?: boolean;
    realms?: string[];
    metadata?: Record<string, string>;
    authentication?: JsonObject;
    connected_accounts?: JsonObject;
    provisioning_ticket_url?: string;
    [key: string]: unknown;
}

/** One SCIM attribute pair. */
export interface ScimMappingItem {
    scim: string;
    auth0: string;
}

/** A connection's SCIM configuration (note the API's `updated_on`). */
export interface ScimConfiguration {
    tenant_name: string;
    connection_id: string;
    connection_name: string;
    strategy: string;
    user_id_attribute: string;
    mapping: ScimMappingItem[];
    created_at: string;
    updated_on: string;
}

/** A SCIM bearer token as stored; `token` is only ever returned by the POST that creates it. */
export interface ScimToken {
    token_id: string;
    token: string;
    scopes: string[];
    created_at: string;
    valid_until?: string;
    /** Absent until the token is first used; the emulator serves no SCIM endpoint, so only seeds set it. */
    last_used_at?: string;
}

/** One Google Workspace attribute pair. */
export interface DirectoryMappingItem {
    idp: string;
    auth0: string;
}

/** A google-apps connection's directory provisioning configuration. */
export interface DirectoryProvisioning {
    connection_id: string;
    connection_name: string;
    strategy: string;
    mapping: DirectoryMappingItem[];
    synchronize_automatically: boolean;
    synchronize_groups: string;
    created_at: string;
    updated_at: string;
    last_synchronization_at?: string;
    last_synchronization_status?: string;
    last_synchronization_error?: string;
}

/** One directory synchronization run; `completed_at` is set when it stops running. */
export interface Synchronization {
    synchronization_id: string;
    status: string;
    created_at: string;
    completed_at?: string;
}

/** One Google Workspace group selected for `synchronize_groups: "selected"`. */
export interface DirectoryGroup {
    id: string;
    name?: string;
    email?: string;
    direct_members_count?: number;
}

/** A machine-to-machine client allowed to use the client-credentials grant. */
export interface EmulatorClient {
    client_id: string;
    client_secret: string;
    scopes: string[];
}

/** A Management API access token; static seed tokens have no expiry. */
export interface AccessToken {
    token: string;
    scopes: string[];
    expires_at?: number;
}

/** The emulator's whole tenant; tests mutate it directly, as a person in the dashboard would. */
export interface EmulatorState {
    tenant: string;
    clients: EmulatorClient[];
    tokens: AccessToken[];
    connections: Record<string, Connection>;
    scimConfigurations: Record<string, ScimConfiguration>;
    scimTokens: Record<string, ScimToken[]>;
    directoryProvisionings: Record<string, DirectoryProvisioning>;
    synchronizations: Record<string, Synchronization[]>;
    /** Selected groups per google-apps connection id, kept sorted by group id. */
    synchronizedGroups: Record<string, DirectoryGroup[]>;
    /** Ids of connections deleted through the API, so a repeated DELETE is recognised. */
    deletedConnectionIds: Set<string>;
    directoryProvisioningEnabled: boolean;
    /**
     * A cap on SCIM token lifetimes (seconds), as a tenant policy or a gateway imposes: a token POST
     * is granted min(asked, cap), and the cap when it asked for none. Undefined means no cap; tests
     * set or clear it at run time.
     */
    tokenLifetimeCapSeconds?: number;
}

/** The JSON seed file; configs may leave out fields the API would fill in. */
export interface Seed {
    tenant: string;
    clients?: EmulatorClient[];
    tokens?: AccessToken[];
    connections?: Connection[];
    scim_configurations?: Record<string, Partial<ScimConfiguration>>;
    directory_provisionings?: Record<string, Partial<DirectoryProvisioning>>;
    scim_tokens?: Record<string, ScimToken[]>;
    synchronizations?: Record<string, Synchronization[]>;
    /** Selected groups per connection id; the connection needs a directory provisioning config. */
    synchronized_groups?: Record<string, DirectoryGroup[]>;
    directory_provisioning_enabled?: boolean;
}

/** A token-bucket limit: `rate` tokens per second, at most `burst` stored. */
export interface RateLimit {
    rate: number;
    burst: number;
}

/**
 * One injected failure. `status` answers an error without touching state; `status-after-processing`
 * changes state and then answers the error; `drop` destroys the socket unanswered; `slow` waits
 * `delayMs` and then processes normally. Two kinds process normally and then change only the answer:
 * `odd-valid-until` (a SCIM token listing whose tokens carry `valid_until: value`) and
 * `repeat-cursor` (a checkpoint listing page whose `next` repeats the cursor sent, or names page one).
 * `path` is a RegExp source tested against the path only.
 */
export interface FaultRule {
    method?: string;
    path: string;
    kind: "status" | "slow" | "drop" | "status-after-processing" | "odd-valid-until" | "repeat-cursor";
    status?: number;
    /**
     * `odd-valid-until` only: what each listed token's `valid_until` becomes (null, "" or any
     * string); absent means the rule's dice choose null, "" or "not-a-date" per request.
     */
    value?: string | null;
    /**
     * `status` and `status-after-processing` only: the answer comes from a gateway in front of the
     * tenant, without Auth0's `x-ratelimit-*` headers (every answer of Auth0's own carries them).
     */
    gateway?: boolean;
    delayMs?: number;
    probability?: number;
    times?: number;
}

/** Options for {@link startEmulator}. */
export interface EmulatorOptions {
    seed?: Seed | string;
    port?: number;
    host?: string;
    rateLimit?: RateLimit;
    faults?: FaultRule[];
    faultSeed?: number;
    tokenLifetimeSeconds?: number;
    /** Starting value of `state.tokenLifetimeCapSeconds` (a whole number of seconds, at least 1). */
    tokenLifetimeCapSeconds?: number;
    directoryProvisioningEnabled?: boolean;
    /** How long a directory synchronization stays "pending" before it completes; default 2000 ms. */
    synchronizationDurationMs?: number;
    /** Serve HTTPS with a certificate made at start-up (see `RunningEmulator.ca`); default false. */
    tls?: boolean;
    /**
     * A tenant snapshot (object or JSON file path, see emulator/snapshot.ts) to serve instead of
     * `seed`: a real tenant, so unknown ids, strategies and option shapes are accepted.
     */
    snapshot?: unknown;
    /** Clients and static tokens for a snapshot tenant (a snapshot holds no credential). */
    snapshotAccess?: { clients?: readonly EmulatorClient[]; tokens?: readonly AccessToken[] };
    /**
     * Added to every answer, after the rate limit and before the handler: the network round trip
     * of a real tenant (ms); default 0.
     */
    latencyMs?: number;
}

/** One request as the emulator saw it; `status` is 0 for dropped connections. */
export interface JournalEntry {
    method: string;
    path: string;
    query: Record<string, string>;
    body: unknown;
    status: number;
    at: number;
    /** The kind of the fault that acted on this request; answer-changing kinds only when they changed it. */
    fault?: string;
    /** The `message` of an error answer (status 400 and up), as the client got it. */
    message?: string;
}

/** A running emulator and the handles tests use to steer it. */
export interface RunningEmulator {
    /** `http://127.0.0.1:PORT`, or `https://...` with `tls: true`. */
    url: string;
    domain: string;
    port: number;
    state: EmulatorState;
    journal: JournalEntry[];
    /** PEM of the CA a client must trust in TLS mode; undefined over plain HTTP. */
    ca: string | undefined;
    /** A temp file holding `ca` (for NODE_EXTRA_CA_CERTS), removed by close(); undefined over plain HTTP. */
    caFile: string | undefined;
    clearJournal(): void;
    setRateLimit(limit: RateLimit | undefined): void;
    setFaults(faults: FaultRule[], faultSeed?: number): void;
    close(): Promise<void>;
}
