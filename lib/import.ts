/**
 * importModel: snapshot → plan territories → plan rows and CSV, in the same table Publish reads,
 * so that a model can be copied, edited in a sheet and published again.
 */
import type { ImportOptions, ImportResult } from './api-types';
import { CodedError } from './coded-error';
import { checkImportOptions } from './options';
import { connect, readSnapshot } from './org';
import { PLAN_COLUMNS, rowsToCsv, territoryToRow } from './plan';
import { exportPlanDetailed } from './sync';

export async function importModel(options: ImportOptions): Promise<ImportResult> {
	checkImportOptions(options);
	const conn = await connect(options);
	const snapshot = await readSnapshot(conn, options.model, { users: [], accounts: [], accountKeyField: options.accountKeyField }, options.onProgress);
	if (!snapshot.model) {
		const wanted = options.model.developerName ?? options.model.id ?? '(none given)';
		throw new CodedError('MODEL_NOT_FOUND', `No territory model ${wanted} exists in the org`);
	}
	const { territories, notes } = exportPlanDetailed(snapshot, {
		scopeRootKey: options.scopeRootKey ?? null,
		includeAccounts: options.includeAccounts ?? false,
	});
	// Without the accounts, the Accounts column is left out rather than written empty: a present, empty
	// column tells Publish to remove every manual assignment, and what Import writes must publish unchanged.
	const columns = options.includeAccounts ? PLAN_COLUMNS : PLAN_COLUMNS.filter((c) => c !== 'Accounts');
	const rows = territories.map((t) => territoryToRow(t, columns));
	const exportedIds = new Set(
		snapshot.territories.filter((t) => territories.some((p) => p.key === t.developerName)).map((t) => t.id),
	);
	const usersInScope = new Set(snapshot.userAssociations.filter((a) => exportedIds.has(a.territoryId)).map((a) => a.userId));
	const rulesInScope = new Set(snapshot.ruleAssociations.filter((a) => exportedIds.has(a.territoryId)).map((a) => a.ruleId));
	return {
		summary: {
			model: {
				id: snapshot.model.id,
				developerName: snapshot.model.developerName,
				name: snapshot.model.name,
				state: snapshot.model.state,
			},
			territories: territories.length,
			users: usersInScope.size,
			rules: rulesInScope.size,
			accounts: territories.reduce((n, t) => n + t.accounts.length, 0),
			apiUsage: conn.usage(),
		},
		rows,
		csv: rowsToCsv(rows, columns),
		notes,
	};
}
