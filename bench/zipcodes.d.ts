/** The part of the `zipcodes` package (8.0.0, BSD) the plan generator reads: its ZIP table. */
declare module 'zipcodes' {
	export interface ZipInfo {
		zip: string;
		city: string;
		state: string;
		country: string;
		latitude: number;
		longitude: number;
	}
	export const codes: Record<string, ZipInfo>;
}
