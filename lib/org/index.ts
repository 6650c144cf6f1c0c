/**
 * The transport's door: what the public API (lib/publish.ts, lib/plan-publish.ts, lib/apply-review.ts,
 * lib/import.ts, lib/models.ts, lib/options.ts) uses of the modules that talk to Salesforce through jsforce.
 * Named exports only, so that this list says what the layer offers; its types are in ./types.ts.
 */
export { connect, OrgConnection } from './connect';
export { listModels, listTerritories, readSnapshot, readSnapshotAndGuard } from './snapshot';
export { AFTER_WRITES, applyChangeSet, CANCELLED, isRecordRef, type ApplyResult } from './apply';
export { checkOrg } from './check';
export { ruleLinksPath } from './describe';
export { OrgError } from './errors';
export { describeForeign, ModelGuard, readGuardState, waitForQuiet } from './guard';
export { criteriaFieldIssues, readAccountFieldTypes, readAccountFields } from './account-fields';
export { nextStep, withNextStep } from './next-step';
export { assertSoqlName, soqlQuote } from './soql';
export { userDomainsInOrg } from './user-domains';
export type { DomainFact, ForeignChange, GuardRecord, GuardState, OwnWrites, PriorClaim, SnapshotRefs } from './types';
