import type { PlanIssue, PlanRow } from './types';

export interface CsvResult {
	rows: PlanRow[];
	issues: PlanIssue[];
}
export function rowsToCsv(_rows: PlanRow[], _columns?: readonly string[]): string {
	return '';
}
export function parseCsv(_text: string): CsvResult {
	return { rows: [], issues: [] };
}
export async function parseCsvFile(_path: string): Promise<CsvResult> {
	return { rows: [], issues: [] };
}
