/**
 * The one flag-code table, like the error-code table (packages/core/src/errors.ts): every code a
 * record's flag may carry, with what it says. `Flag.code` is typed from it; the stage that raises
 * each code is named in `by` (layout: table reconstruction, ocr: a reading in doubt, normalize:
 * the form model and the checks, review: re-processing a reviewed document). The check codes
 * (`check: true`) are the form's arithmetic: a correction re-derives exactly these.
 * `flagCodes.test.ts` fails when a code raised anywhere in the sources is missing here, or a code
 * here is raised nowhere.
 */
export const flagCodes = {
  // The form's arithmetic (normalize/checks.ts).
  no_indicators: { by: "normalize", check: true, description: "no indicator rows were found" },
  weight_from_total: { by: "normalize", check: true, description: "one weight was not read; the total implies its value" },
  weights_unread: { by: "normalize", check: true, description: "several weights were not read, so they cannot be checked against the total" },
  weights_do_not_sum: { by: "normalize", check: true, description: "the indicator weights do not add up to the total weight" },
  missing_total: { by: "normalize", check: true, description: "the total row was not found" },
  missing_total_score: { by: "normalize", check: true, description: "the total row's score was not read" },
  score_from_total: { by: "normalize", check: true, description: "one score was not read; the total implies its value" },
  scores_unread: { by: "normalize", check: true, description: "several scores were not read, so they cannot be checked against the total" },
  scores_do_not_sum: { by: "normalize", check: true, description: "the indicator scores do not add up to the total score" },
  score_above_weight: { by: "normalize", check: true, description: "an indicator's score is above its weight" },
  missing_weight: { by: "normalize", check: true, description: "an indicator row has no weight" },
  missing_score: { by: "normalize", check: true, description: "an indicator row has no score" },
  missing_level1_weight: { by: "normalize", check: true, description: "a level-1 block has no weight" },
  block_weights_do_not_sum: { by: "normalize", check: true, description: "the weights of a level-1 block do not add up to its weight" },
  disagreement_settled: { by: "normalize", check: false, description: "the OCR engines read a number differently and the form's arithmetic holds with one reading only: that reading was taken" },
  digit_suspect: { by: "normalize", check: true, description: "a value whose digit, misread the way OCR confuses digits (3 for 5 …), would make a failed sum come out" },
  funds_do_not_sum: { by: "normalize", check: false, description: "a column of the funds grid (OCR-read) does not add up: the total is not the sum of its rows" },
  rate_mismatch: { by: "normalize", check: true, description: "the execution rate is not executed / budget" },
  rate_unchecked: { by: "normalize", check: true, description: "one of budget, executed and execution rate was not read, so the other two are checked by no rate" },
  budget_score_mismatch: { by: "normalize", check: true, description: "the budget row's score is not rate × weight" },

  // Values as read (normalize/RecordBuilder.ts and the parsers).
  not_a_number: { by: "normalize", check: false, description: "a numeric cell does not hold a number" },
  not_a_date: { by: "normalize", check: false, description: "the evaluation date is not a date" },
  not_yes_no: { by: "normalize", check: false, description: "a yes/no cell holds neither 是 nor 否" },
  leading_dot: { by: "normalize", check: false, description: "a number read with a dot before its digits (dust on a scan); the digits were taken" },
  extra_digits: { by: "normalize", check: false, description: "an OCR-read rate with more decimals than rates print: its % sign may have been read as digits" },
  empty_amount: { by: "normalize", check: false, description: "an OCR-read money row has an empty amount cell left of an amount read: an amount the scan may have lost" },
  unit_mismatch: { by: "normalize", check: false, description: "an OCR-read target or actual is a bare number beside a percentage: a % sign lost on the scan" },
  implausible_percent: { by: "normalize", check: false, description: "a percentage beside the others looks misread (≥ read as 2)" },
  thousands_dot: { by: "normalize", check: false, description: "an amount read with dots for its thousands separators (19.725.000.00); the dots were taken as separators" },
  money_unit_doubt: { by: "normalize", check: false, description: "an amount in 元 with more than two decimals: the form may print 万元" },
  money_unit_mixed: { by: "normalize", check: false, description: "the form marks amounts both in 元 and in 万元" },
  long_ocr_text: { by: "normalize", check: false, description: "a long text read by OCR: one misread character spoils it" },
  stray_mark: { by: "normalize", check: false, description: "an OCR-read text ended in a quote mark that closes nothing, or had a point before or between Chinese characters (a speck); the mark was left out" },
  hyphen_for_one: { by: "normalize", check: false, description: "an OCR-read text had a hyphen before a Chinese character, where Chinese prints 一 (a short bar on a scan): taken as 一, or, between two Chinese characters, kept as read and doubted" },
  suspicious_characters: { by: "normalize", check: false, description: "a text holds characters these forms do not print" },
  latin_in_chinese: { by: "normalize", check: false, description: "Latin letters inside Chinese text, as OCR makes of a glyph it could not read" },
  bare_target: { by: "normalize", check: false, description: "an OCR-read target has no operator or unit" },
  percent_misread: { by: "normalize", check: false, description: "an OCR-read target or actual ended in a degree sign after its number, which OCR makes of a % whose lower circle a scan lost; read as %" },
  latin_unit: { by: "normalize", check: false, description: "an OCR-read value ends in a Latin unit, often a misread Chinese one" },
  ambiguous_operator: { by: "normalize", check: false, description: "an OCR-read value starts with a character OCR reads for ≥" },
  low_ocr_confidence: { by: "normalize", check: false, description: "a value read with low OCR confidence that no check confirms" },
  row_out_of_line: { by: "normalize", check: false, description: "an indicator's name reads as a value or a level label: the row's cells may be shifted by a column" },
  row_in_doubt: { by: "normalize", check: false, description: "several values of one indicator row are in doubt: its cells may be out of line" },
  value_out_of_place: { by: "normalize", check: false, description: "a text field holds only a number: another field's value may have been placed there" },
  comparison_in_number: { by: "normalize", check: false, description: "a weight or score read with a leading ≥: a 2 whose shape OCR took for the sign" },
  label_in_value: { by: "normalize", check: false, description: "a short value holds a label: a neighbouring field may be joined to it" },

  // Parts of the form not found or placed by inference.
  missing_money: { by: "normalize", check: false, description: "the money grid (funds or spending) of the form was not found" },
  missing_goals: { by: "normalize", check: false, description: "the goals part of the form was not found" },
  missing_indicators: { by: "normalize", check: false, description: "the indicator table of the form was not found" },
  missing_field: { by: "normalize", check: false, description: "a field every form of this kind has was not found" },
  missing_column: { by: "normalize", check: false, description: "a money or indicator column was not found in the header" },
  missing_funds_row: { by: "normalize", check: false, description: "a row of the funds grid was not found" },
  missing_spending_row: { by: "normalize", check: false, description: "a row of the spending grid was not found" },
  missing_level1: { by: "normalize", check: false, description: "no level-1 label was found for an indicator row" },
  missing_level2: { by: "normalize", check: false, description: "no level-2 label was found for an indicator row" },
  missing_name: { by: "normalize", check: false, description: "an indicator row has no name" },
  title_not_read: { by: "normalize", check: false, description: "no form title was read: the report was started at its opening label lines" },
  record_unreliable: { by: "normalize", check: false, description: "only the title of the record was read: its kind and extent are in doubt" },
  row_label_inferred: { by: "normalize", check: false, description: "a money row's label was not recognised; the row was placed by the form's row order" },
  total_label_inferred: { by: "normalize", check: false, description: "the total row's label was not recognised; the row was taken by its shape" },
  layout_from_alignment: { by: "normalize", check: false, description: "the indicator table has no ruling lines; its cells were placed by text alignment" },
  unpaired_text: { by: "normalize", check: false, description: "text lines before an indicator had no numbers" },
  label_not_read: { by: "normalize", check: false, description: "a level label was not read as one; the row's label came from the taxonomy or the rows above" },
  label_conflict: { by: "normalize", check: false, description: "the level-1 label does not hold the level-2 label" },
  level1_from_taxonomy: { by: "normalize", check: false, description: "the level-1 label was taken from the taxonomy parent of the level-2 label" },
  cell_position_guessed: { by: "normalize", check: false, description: "one of target/actual is missing; the other was placed by its column" },
  extra_cells_joined: { by: "normalize", check: false, description: "a row had more cells than fields; the extra text was joined into the name" },
  name_joined_across_ruling: { by: "normalize", check: false, description: "a name cell a stray ruling cut in two (its row's values span both parts) was joined back into one name" },
  name_inherited: { by: "normalize", check: false, description: "an indicator name printed once for a block applies to this row" },
  label_across_page_break: { by: "normalize", check: false, description: "a merged label cut by a page break was read from both parts" },

  // Rows and cells across page breaks, and what was left out (information).
  row_joined_across_pages: { by: "normalize", check: false, description: "a row broken by a page break was joined back into one row" },
  merged_cell_across_pages: { by: "normalize", check: false, description: "a merged cell printed on both sides of a page break was read as one" },
  repeated_header: { by: "normalize", check: false, description: "an indicator header repeated after a page break was left out" },
  extra_column: { by: "normalize", check: false, description: "columns the record does not hold were left out" },
  non_record_row: { by: "normalize", check: false, description: "a row that is not part of the record (contact, signature, note) was left out" },
  page_furniture: { by: "normalize", check: false, description: "page headers, footers and page numbers were left out" },
  cell_joined_across_pages: { by: "layout", check: false, description: "cell text continued on the next page was joined" },
  label_from_next_page: { by: "layout", check: false, description: "a cell's label printed on the next page was joined to it" },
  duplicate_char_removed: { by: "layout", check: false, description: "a character drawn twice (a fake bold) was read once" },

  // OCR readings in doubt (the page model's items[].doubt).
  ocr_disagreement: { by: "ocr", check: false, description: "the two OCR engines read a line differently" },
  ink_not_read: { by: "ocr", check: false, description: "a line of ink in a table cell that neither OCR engine could read: kept as \"?\"" },
  colon_in_number: { by: "ocr", check: false, description: "a colon between digits: a decimal point or a speck" },
  unsure_digits: { by: "ocr", check: false, description: "both OCR engines read the same digits, but the first was unsure of them (3 and 5 look alike on a coarse scan)" },

  // Review.
  correction_not_reapplied: { by: "review", check: false, description: "re-processing reads something else than before a person's correction, so the correction was not applied again" },
} as const satisfies { [code: string]: { by: "layout" | "ocr" | "normalize" | "review"; check: boolean; description: string } };

export type FlagCode = keyof typeof flagCodes;

/** Every flag code, in table order. */
export const FLAG_CODES = Object.keys(flagCodes) as FlagCode[];

/** Whether a string is a code of the table. */
export function isFlagCode(code: string): code is FlagCode {
  return Object.hasOwn(flagCodes, code);
}

/** The codes the form's arithmetic checks raise (a correction re-derives exactly these). */
export const CHECK_FLAG_CODES: ReadonlySet<FlagCode> = new Set(FLAG_CODES.filter((c) => flagCodes[c].check));
