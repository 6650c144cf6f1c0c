/**
 * Generated plans at four sizes, deterministic: regions → districts → territories, the territories'
 * postal codes taken from the real US ZIP codes of the `zipcodes` npm package (sorted, so a region,
 * a district and a territory each hold a contiguous run of real codes), one user per territory with a
 * role (the district and region managers as Owner, a rep per territory as Sales Rep, each its
 * territory's forecast manager) and manual account assignments by External_Key__c.
 *
 * Users and accounts come from the sandbox's demo seed (SandboxOptions.seedOptions: `users` extra
 * reps named by benchUsername, `accounts`), never written through the engine.
 */
import { codes as ZIP_CODES } from 'zipcodes';
import type { PlanRow } from '../lib';
import { benchUsername, demoAccounts } from '../sandbox/seed';

export type SizeName = 'S' | 'M' | 'L' | 'XL';

export interface PlanSize {
	name: SizeName;
	territories: number;
	regions: number;
	districts: number;
	/** Manual account assignments (Accounts column), spread over the leaf territories. */
	accountAssignments: number;
	/** Accounts and extra users the sandbox seed must hold. */
	accounts: number;
	users: number;
}

export const SIZES: Record<SizeName, PlanSize> = {
	S: { name: 'S', territories: 100, regions: 4, districts: 16, accountAssignments: 400, accounts: 2_000, users: 100 },
	M: { name: 'M', territories: 1_000, regions: 10, districts: 90, accountAssignments: 4_000, accounts: 2_000, users: 1_000 },
	L: { name: 'L', territories: 10_000, regions: 20, districts: 180, accountAssignments: 40_000, accounts: 20_000, users: 2_000 },
	XL: { name: 'XL', territories: 50_000, regions: 50, districts: 950, accountAssignments: 200_000, accounts: 50_000, users: 5_000 },
};

/** At most this many explicit codes per territory (a rule item Value holds 1,000 characters). */
const CODES_PER_TERRITORY = 40;

/** The real US 5-digit ZIP codes of the package, sorted. */
export function usZipCodes(): string[] {
	return Object.values(ZIP_CODES)
		.filter((z) => z.country === 'US' && /^\d{5}$/.test(z.zip))
		.map((z) => z.zip)
		.sort();
}

/** External_Key__c of the sandbox demo accounts (the seed's own generator, so the keys match). */
export function accountKeys(count: number): string[] {
	return demoAccounts(count).map((a) => a.External_Key__c);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * The plan of one size. Territory k of the leaves gets the k-th slice of the sorted ZIP codes (slices
 * wrap around when there are more leaves than codes ÷ CODES_PER_TERRITORY allows, as overlapping
 * territories do), and the district and region it sits in follow the same order.
 */
export function generatePlan(size: PlanSize): PlanRow[] {
	const zips = usZipCodes();
	const keys = accountKeys(size.accounts);
	const leaves = size.territories - size.regions - size.districts;
	if (leaves < size.districts) throw new Error(`${size.name}: fewer leaf territories than districts`);
	const perLeaf = Math.max(1, Math.min(CODES_PER_TERRITORY, Math.floor(zips.length / leaves)));
	let user = 0;
	const nextUser = () => benchUsername((user++ % size.users) + 1);
	const rows: PlanRow[] = [];
	const regionKey = (r: number) => `R${pad(r + 1, 2)}`;
	const districtKey = (d: number) => `${regionKey(Math.floor((d * size.regions) / size.districts))}_D${pad(d + 1, 3)}`;
	for (let r = 0; r < size.regions; r++) {
		const manager = nextUser();
		rows.push({ Territory: `Region ${r + 1}`, Key: regionKey(r), Parent: '', Type: 'Region', Users: `${manager} (Owner)`, 'Forecast Manager': manager });
	}
	for (let d = 0; d < size.districts; d++) {
		const manager = nextUser();
		const key = districtKey(d);
		rows.push({ Territory: `District ${d + 1}`, Key: key, Parent: key.split('_')[0], Type: 'District', Users: `${manager} (Owner)`, 'Forecast Manager': manager });
	}
	// Assignment k goes to leaf k mod leaves and account k mod accounts: pairs never repeat below lcm(leaves, accounts).
	const accountsOf: string[][] = Array.from({ length: leaves }, () => []);
	for (let k = 0; k < size.accountAssignments; k++) accountsOf[k % leaves].push(keys[k % keys.length]);
	for (let t = 0; t < leaves; t++) {
		// Contiguous blocks: leaf t sits in district ⌊t × districts ÷ leaves⌋, so a district's leaves share a ZIP range.
		const district = Math.floor((t * size.districts) / leaves);
		const start = (t * perLeaf) % zips.length;
		const codes = zips.slice(start, start + perLeaf);
		const rep = nextUser();
		rows.push({
			Territory: `Territory ${t + 1}`,
			Key: `${districtKey(district)}_T${pad(t + 1, 5)}`,
			Parent: districtKey(district),
			Type: 'Territory',
			Description: `ZIP ${codes[0]}–${codes[codes.length - 1]}`,
			'Postal Codes': codes.join(', '),
			Users: `${rep} (Sales Rep)`,
			'Forecast Manager': rep,
			Accounts: accountsOf[t].join('; '),
		});
	}
	return rows;
}

/**
 * The same plan with `share` of its territories changed (every ⌈1 ÷ share⌉-th leaf): a new description
 * and another rep (who becomes its forecast manager). Written in proportion: per changed territory one
 * territory update, one user assignment removed and one added, the forecast manager released and set.
 */
export function changePlan(rows: PlanRow[], size: PlanSize, share = 0.05): { rows: PlanRow[]; changed: number } {
	const step = Math.round(1 / share);
	let changed = 0;
	const out = rows.map((row, i) => {
		if (row.Type !== 'Territory' || i % step !== 0) return row;
		changed++;
		// A user no territory has yet: the extra users past those the plan hands out, or any other one.
		const rep = benchUsername(((i + size.users / 2) % size.users) + 1);
		return { ...row, Description: `${String(row.Description)} (changed)`, Users: `${rep} (Sales Rep)`, 'Forecast Manager': rep };
	});
	return { rows: out, changed };
}
