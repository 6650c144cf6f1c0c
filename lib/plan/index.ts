/**
 * The plan table's door: parse and validate rows, generate keys, pack and decode rules, write rows and CSV.
 * Named exports only, so that this list says what the layer offers; its types are in ./types.ts.
 */
export { blankTerritory, PLAN_COLUMNS, type Criterion, type GeographyMatch, type PlanColumn, type PlanIssue, type PlanRow, type PlanTerritory, type PlanUser, type RuleItemSpec, type RuleSpec, type TerritoryPlan } from './types';
export { canonicalColumn, mapColumns, MAPPING_OPTIONS, ROW_NUMBER, rowNumberOf, type ColumnMapping } from './columns';
export { cellToString, criterionValues, formatCriteria, formatCriterion, formatUsers, isSingleValueOperation, normalizeAccess, normalizeOperator, parseCriteria, parseCriterion, parseUsers, splitList, type AccessKind, type CellProblem } from './cells';
export { assignKeys, developerNameFromName, developerNameProblem, generateKey, isValidDeveloperName, stableHash, transliterate, type KeyRequest } from './keys';
export { parsePlan, type ParsePlanOptions } from './parse';
export { planToRows, territoryToRow } from './format';
export { decodeCsvBytes, neutraliseFormula, parseCsv, parseCsvFile, restoreFormula, rowsToCsv, type CsvResult } from './csv';
export { didYouMean } from './suggest';
export { booleanFilterFor, decodeRules, decodeRulesByField, EQUALS_GEOGRAPHY, isToolRule, packRules, packValues, parseBooleanFilter, ruleDeveloperName, ruleMasterLabel, type DecodableRule, type DecodedRules } from './rules';
