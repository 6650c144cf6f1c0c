/**
 * The engine's public API: what scripts and schedulers outside n8n use (through index.js), and what
 * the two nodes call. Nothing here knows about n8n.
 */
export { publishPlan } from './publish';
export { planPublish } from './plan-publish';
export { applyChangeSet } from './apply-review';
export { REVIEW_FORMAT, REVIEW_VERSION } from './review';
export { importModel } from './import';
export { parsePlan, parseCsv, decodeCsvBytes, rowsToCsv, territoryToRow, PLAN_COLUMNS, MAPPING_OPTIONS, ROW_NUMBER, mapColumns, rowNumberOf } from './plan';
export { diff, describeChangeSet, exportPlan } from './sync';
export { renderChangeReport, rowOutcomesCsv } from './report';
export type {
	ApiUsage,
	ApplyReviewOptions,
	ChangeOutcome,
	ConnectionOptions,
	ConnectionSettings,
	ImportOptions,
	ImportResult,
	ImportSummary,
	IssueGroup,
	ModelTarget,
	OrgCheckPermissions,
	OrgCheckReport,
	PhaseTiming,
	PlanCounts,
	PlanPublishResult,
	Progress,
	ProgressCallback,
	PublishOptions,
	PublishResult,
	PublishStatus,
	PublishSummary,
	ReviewedChangeSet,
	RowIds,
	RowOutcome,
	RowOutcomeStatus,
} from './api-types';
export { groupIssues, rowsText } from './issue-groups';
export type { PlanRow, PlanIssue, PlanTerritory, TerritoryPlan } from './plan';
export type { ChangeSet, Change, PublishMethod, TerritoryNode } from './sync';
export { checkOrg, listAccountKeyFields, listModels, listTerritories, testConnection } from './models';
export type { AccountKeyField, ModelSummary, TerritorySummary } from './models';
