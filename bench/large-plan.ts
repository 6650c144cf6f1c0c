/**
 * A generated large plan, deterministic: 10 regions → 90 districts → 900 territories (1,000 territories,
 * the default per-model limit), postal-code rules on every leaf, five users per territory drawn from
 * the demo org's active users (so users repeat across territories), the first one forecast manager.
 */
import type { PlanRow } from '../lib';
import { DEMO_USERS } from '../sandbox/seed';

export const LARGE_PLAN_SHAPE = { regions: 10, districtsPerRegion: 9, territoriesPerDistrict: 10, usersPerTerritory: 5 } as const;

/** An entry list of five distinct users: a stride of 11 over 45 users never repeats within five steps. */
function usersFor(index: number, usernames: string[], role: string): { users: string; manager: string } {
	const picked: string[] = [];
	for (let j = 0; j < LARGE_PLAN_SHAPE.usersPerTerritory; j++) picked.push(usernames[(index * 7 + j * 11) % usernames.length]);
	check(new Set(picked).size === picked.length, 'users of one territory must be distinct');
	return { users: picked.map((u, j) => (j === 0 ? `${u} (${role})` : u)).join('; '), manager: picked[0] };
}

function check(condition: boolean, message: string): void {
	if (!condition) throw new Error(message);
}

/** 20 explicit codes of one 3-digit area plus the "starts with" prefix of another, as plans often mix both. */
function postalCodes(leaf: number): string {
	const explicit = String(100 + (leaf % 900)).padStart(3, '0');
	const prefix = String(100 + ((leaf * 37 + 450) % 900)).padStart(3, '0');
	const codes: string[] = [];
	for (let n = 0; n < 20; n++) codes.push(`${explicit}${String(n * 5).padStart(2, '0')}`);
	codes.push(`${prefix}*`);
	return codes.join(', ');
}

export function generateLargePlan(): PlanRow[] {
	const usernames = DEMO_USERS.filter((u) => u.active).map((u) => u.username);
	const rows: PlanRow[] = [];
	let index = 0;
	let leaf = 0;
	const add = (row: PlanRow, role: string): void => {
		const { users, manager } = usersFor(index++, usernames, role);
		rows.push({ ...row, Users: users, 'Forecast Manager': manager });
	};
	for (let r = 1; r <= LARGE_PLAN_SHAPE.regions; r++) {
		const region = `R${String(r).padStart(2, '0')}`;
		add({ Territory: `Region ${r}`, Key: region, Parent: '', Type: 'Region', 'Postal Codes': '' }, 'Owner');
		for (let d = 1; d <= LARGE_PLAN_SHAPE.districtsPerRegion; d++) {
			const district = `${region}_D${d}`;
			add({ Territory: `Region ${r} District ${d}`, Key: district, Parent: region, Type: 'District', 'Postal Codes': '' }, 'Owner');
			for (let t = 1; t <= LARGE_PLAN_SHAPE.territoriesPerDistrict; t++) {
				add(
					{
						Territory: `Region ${r} District ${d} Territory ${t}`,
						Key: `${district}_T${String(t).padStart(2, '0')}`,
						Parent: district,
						Type: 'Territory',
						'Postal Codes': postalCodes(leaf++),
					},
					'Sales Rep',
				);
			}
		}
	}
	return rows;
}

export const ACCOUNT_PLAN_SHAPE = { territories: 200, accountsPerTerritory: 50 } as const;

/**
 * A flat plan whose Accounts column assigns the 2,000 demo accounts by External_Key__c, each account
 * to five territories: 200 × 50 = 10,000 manual account assignments, exactly BULK_THRESHOLD's default.
 */
export function generateAccountPlan(accountKeys: string[]): PlanRow[] {
	const { territories, accountsPerTerritory } = ACCOUNT_PLAN_SHAPE;
	const rows: PlanRow[] = [];
	for (let t = 0; t < territories; t++) {
		const keys: string[] = [];
		for (let a = 0; a < accountsPerTerritory; a++) keys.push(accountKeys[(t * accountsPerTerritory + a) % accountKeys.length]);
		rows.push({ Territory: `Accounts ${t + 1}`, Key: `Acc_${String(t + 1).padStart(3, '0')}`, Parent: '', Type: 'Territory', Accounts: keys.join('; ') });
	}
	return rows;
}
