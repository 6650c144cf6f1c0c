/**
 * The plan table's door: parse and validate rows, generate keys, pack and decode rules, write rows and CSV.
 * Named exports only, so that this list says what the layer offers; its types are in ./types.ts.
 */
export { blankTerritory, PLAN_COLUMNS, type Criterion, type GeographyMatch, type PlanColumn, type PlanIssue, type PlanRow, type PlanTerritory, type PlanUser, type RuleItemSpec, type RuleSpec, type TerritoryPlan } from './types';
export { canonicalColumn, collectHeaders, COLUMN_SYNONYMS, mapColumns, MAPPING_OPTIONS, normalizeHeader, ROW_NUMBER, rowNumberOf, type ColumnMapping } from './columns';
export { cellToString, criterionKey, criterionValues, formatCriteria, formatCriterion, formatUser, formatUsers, isSingleValueOperation, mergeCriteria, mergeUsers, normalizeAccess, normalizeOperator, parseCriteria, parseCriterion, parseUsers, SINGLE_VALUE_OPERATIONS, splitList, uniqueInOrder, type AccessKind, type CellProblem } from './cells';
export { assignKeys, developerNameFromName, developerNameProblem, generateKey, isValidDeveloperName, stableHash, transliterate, withSuffix, type KeyRequest } from './keys';
export { parsePlan, type ParsePlanOptions } from './parse';
export { planToRows, territoryToRow } from './format';
export { decodeCsvBytes, detectDelimiter, neutraliseFormula, parseCsv, parseCsvFile, restoreFormula, rowsToCsv, type CsvResult } from './csv';
export { closestName, didYouMean } from './suggest';
export { booleanFilterFor, decodeRules, decodeRulesByField, EQUALS_GEOGRAPHY, isToolRule, packRules, packValues, parseBooleanFilter, ruleDeveloperName, ruleMasterLabel, type DecodableRule, type DecodedRules } from './rules';
