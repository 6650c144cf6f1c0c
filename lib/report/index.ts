/**
 * The report's door: a publish or dry run for people, as an HTML change report and a CSV of row outcomes.
 * Named exports only; its types are in ./types.ts.
 */
export { renderChangeReport } from './html';
export { rowOutcomesCsv, OUTCOME_COLUMNS } from './outcomes-csv';
export type { ReportCounts, ReportModel, TerritoryStatus, TerritoryView } from './types';
