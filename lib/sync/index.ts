/**
 * The diff's door: plan vs org as a change set (diff), its human view (describe), the way back (export),
 * the order of writes (phases) and the fingerprint a reviewed change set carries.
 * Named exports only, so that this list says what the layer offers; its types are in ./types.ts.
 */
export { diff } from './diff';
export { indexAssociations, type AssociationIndex } from './match';
export { describeChange, describeChangeSet } from './describe';
export { exportPlan, exportPlanDetailed } from './export';
export { planIssuesForDiff, reconcileIssues } from './reconcile';
export { phaseName } from './phases';
export { compareFingerprints, describeDifference, fingerprintOf, hashOf, stateOf } from './fingerprint';
export type {
	Change,
	ChangeAction,
	ChangeSet,
	DiffOptions,
	ExportNote,
	ExportOptions,
	FieldChange,
	FieldValue,
	ObjectRights,
	OrgDescribe,
	OrgFingerprint,
	OrgSnapshot,
	PublishMethod,
	RecordRef,
	SnapshotAccount,
	SnapshotAccountAssociation,
	SnapshotModel,
	SnapshotRule,
	SnapshotRuleAssociation,
	SnapshotRuleItem,
	SnapshotTerritory,
	SnapshotType,
	SnapshotUser,
	SnapshotUserAssociation,
	StateDifference,
	StateFields,
	TerritoryNode,
} from './types';
