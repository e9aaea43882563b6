/** The identity tests' names for the shared raw budget records (test/helpers/budgetRecords.ts). */
export { xmk as libraryEntry, zb as indicator, zf as payment } from '../helpers/budgetRecords.js';
