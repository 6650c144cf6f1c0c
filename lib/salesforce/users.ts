/**
 * How a plan may name a user: by Id, or by one of the User fields below, tried in this order. Username is
 * unique in Salesforce (across all orgs); Email and FederationIdentifier are not, so a value several users
 * share is ambiguous and reported, never guessed (lib/sync/match.ts UserIndex.resolve).
 */
export const USER_KEY_FIELDS = ['Username', 'Email', 'FederationIdentifier'] as const;

/** Every kind of user reference, in the order a reference is resolved: an Id first, then the key fields. */
export const USER_REFERENCE_KINDS = ['Id', ...USER_KEY_FIELDS] as const;
