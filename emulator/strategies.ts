/**
 * The strategies POST /connections accepts (the Management API's `strategy` enum, as the official
 * SDKs list it). Anything else is refused, on create and in seeds, as the real validator does.
 */
export const CONNECTION_STRATEGIES: ReadonlySet<string> = new Set([
    "ad",
    "adfs",
    "amazon",
    "apple",
    "dropbox",
    "bitbucket",
    "aol",
    "auth0-oidc",
    "auth0",
    "baidu",
    "bitly",
    "box",
    "custom",
    "daccount",
    "dwolla",
    "email",
    "evernote-sandbox",
    "evernote",
    "exact",
    "facebook",
    "fitbit",
    "flickr",
    "github",
    "google-apps",
    "google-oauth2",
    "instagram",
    "ip",
    "line",
    "linkedin",
    "miicard",
    "oauth1",
    "oauth2",
    "office365",
    "oidc",
    "okta",
    "paypal",
    "paypal-sandbox",
    "pingfederate",
    "planningcenter",
    "renren",
    "salesforce-community",
    "salesforce-sandbox",
    "salesforce",
    "samlp",
    "sharepoint",
    "shopify",
    "sms",
    "soundcloud",
    "thecity-sandbox",
    "thecity",
    "thirtysevensignals",
    "twitter",
    "untappd",
    "vkontakte",
    "waad",
    "weibo",
    "windowslive",
    "wordpress",
    "yahoo",
    "yammer",
    "yandex",
]);

/** Strategies that may carry a SCIM configuration. */
export const SCIM_STRATEGIES: readonly string[] = ["samlp", "oidc", "okta", "waad"];

/** Strategies whose connections get a `provisioning_ticket_url` from the server. */
export const PROVISIONING_TICKET_STRATEGIES: ReadonlySet<string> = new Set(["samlp", "google-apps", "ad"]);

/** The only strategy directory provisioning serves. */
export const DIRECTORY_STRATEGY = "google-apps";
