/**
 * The CSV files of the access and portability packages (Art. 15(3), Art. 20(1): "a commonly
 * used electronic form", "structured, commonly used and machine-readable"). The cells are
 * written by @datarights/csv: RFC 4180, and a string a spreadsheet would run as a formula is
 * neutralised (the records come from company systems, the subject opens them in a spreadsheet).
 */
export { csvField, csvLine } from '@datarights/csv';
