/** The org layer: everything that talks to Salesforce (through jsforce). */
export { connect, OrgConnection, requestToken, buildJwtAssertion } from './connect';
export type { OrgTuning, TokenResult } from './connect';
export { readSnapshot, listModels, findModel, sameId } from './snapshot';
export type { SnapshotRefs } from './snapshot';
export { applyChangeSet, remainingChangeSet } from './apply';
export type { ApplyOptions, ApplyResult } from './apply';
export { BULK_THRESHOLD } from './bulk';
export { OrgError, redact } from './errors';
export { queryAll } from './http';
export { soqlQuote, soqlLiteral } from './soql';
