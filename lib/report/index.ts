/** A publish or dry run for people: an HTML change report and a CSV of row outcomes. */
export { renderChangeReport, esc } from './html';
export { rowOutcomesCsv, OUTCOME_COLUMNS } from './outcomes-csv';
