/**
 * Whether the target model can take the plan at all: it is created when missing, and a model that is
 * read-only (archived, cloning…) or Active (live assignments) is refused with an issue rather than
 * written to, unless Active was allowed explicitly. After the other parts have run, the territory count
 * the model would hold is checked against Salesforce's per-model limit.
 */
import { LIMITS, OBJECTS, READ_ONLY_MODEL_STATES } from '../plan/salesforce';
import { lower, type DiffState } from './diff-state';
import { PHASE } from './phases';

export function checkModel(s: DiffState): void {
	const dev = s.options.modelDeveloperName;
	const model = s.snapshot.model ?? s.snapshot.models.find((m) => lower(m.developerName) === lower(dev)) ?? null;
	if (!model) {
		s.modelChangeId = `${OBJECTS.model}:${dev}`;
		s.push({
			id: s.modelChangeId,
			object: OBJECTS.model,
			action: 'create',
			label: dev,
			fields: { Name: s.options.modelName ?? dev, DeveloperName: dev },
			reason: 'model does not exist',
			phase: PHASE.modelCreate,
		});
		return;
	}
	s.modelId = model.id;
	if (READ_ONLY_MODEL_STATES.includes(model.state)) {
		s.issue(0, null, model.developerName, 'MODEL_READ_ONLY', `Model ${model.developerName} is ${model.state}: it cannot be changed.`);
	} else if (model.state === 'Active' && !s.options.allowActiveModel) {
		s.issue(
			0,
			null,
			model.developerName,
			'MODEL_ACTIVE',
			`Model ${model.developerName} is Active: publishing into it changes live assignments; allow it explicitly to proceed.`,
		);
	}
}

/** Existing minus deleted plus created: the count once applied (it may be briefly higher during the apply). */
export function checkTerritoryLimit(s: DiffState): void {
	const total = s.snapshot.territories.length - s.deletedTerritoryIds.size + s.createdTerritories;
	if (total > LIMITS.territoriesPerModel) {
		s.issue(
			0,
			null,
			String(total),
			'TERRITORY_LIMIT',
			`The model would hold ${total} territories; Salesforce allows ${LIMITS.territoriesPerModel} per model unless support raised the limit.`,
		);
	}
}
