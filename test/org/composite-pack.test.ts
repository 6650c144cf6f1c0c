import { CallBuilder, RECORDS_PER_CALL, type PackedRecord } from '../../lib/org/composite-pack';

const records = (n: number, from = 0): PackedRecord<number>[] =>
	Array.from({ length: n }, (_, k) => ({ item: from + k, object: 'Territory2', action: 'create', record: { DeveloperName: `T${from + k}` }, targetId: null, inCallRef: false }));

describe('CallBuilder.room', () => {
	it('is what place() can still take: a run one record longer is placed but for that record, whatever the call holds', () => {
		// apply.ts's packCall resolves a run only up to room + 1 records, so room must never be short of what place() takes.
		for (const before of [0, 7, 150, 200, 399, 1000, 1019]) {
			const call = new CallBuilder<number>();
			if (before) expect(call.place(records(before))).toBe(before);
			const room = call.room;
			const placed = call.place(records(room + 1, before));
			expect(placed).toBe(room);
			expect(call.full).toBe(true);
			expect(call.room).toBe(0);
		}
		expect(new CallBuilder<number>().room).toBe(RECORDS_PER_CALL);
	});
});
