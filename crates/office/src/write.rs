//! Writing tables with rust_xlsxwriter.

use rust_xlsxwriter::{
    column_number_to_name, quote_sheet_name, ColNum, DataValidation, Format, FormatAlign, FormatBorder, Formula,
    RowNum, Worksheet,
};

use crate::{CellValue, Column, ColumnKind, OfficeError, SheetWriter};

/// Excel's limit for an inline ("a,b,c") validation list.
const INLINE_LIST_MAX: usize = 255;
/// Name of the hidden sheet holding long drop-down lists.
const LIST_SHEET: &str = "下拉选项";

/// Rows above which [`Table::write`] writes in constant memory.
pub const CONSTANT_MEMORY_ROWS: usize = 1000;

/// Writes one sheet and returns the .xlsx bytes: [`Table`] with a title and nothing else.
pub fn write_table(
    sheet_name: &str,
    title: Option<&str>,
    columns: &[Column],
    rows: &[Vec<CellValue>],
) -> Result<Vec<u8>, OfficeError> {
    let mut table = Table::new(sheet_name, columns, rows);
    if let Some(title) = title {
        table = table.title(title);
    }
    table.write()
}

/// A template is [`write_table`] with no rows.
pub fn template(sheet_name: &str, title: Option<&str>, columns: &[Column]) -> Result<Vec<u8>, OfficeError> {
    write_table(sheet_name, title, columns, &[])
}

/// Cells of one column merged over consecutive data rows, as offices merge a problem's
/// 序号 over the rows of its measures. The value written is the first row's.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// First data row (0-based index into the rows).
    pub first_row: usize,
    /// Number of rows merged (2 or more; a single row is left alone).
    pub rows: usize,
    /// Column (0-based).
    pub column: usize,
}

/// One sheet to write, ready for paper by default.
///
/// Layout: the title row (merged over the printed columns, large and bold), a note row
/// (unit, filters, export date), the header row (bold, bordered, light fill, required
/// headers in red with a "必填项" note), then the data in bordered, wrapped cells; merged
/// [`Span`]s. Panes are frozen below the header, an autofilter is set on the header,
/// columns get their widths, text columns the text format "@" and date columns
/// yyyy-mm-dd, and columns with choices a drop-down list on the data rows and
/// [`VALIDATION_ROWS`] rows below the header.
///
/// Print setup: A4, landscape when the printed columns are wider than portrait holds, all
/// printed columns fitted to one page width, the header row repeated on every page,
/// centred horizontally, "第 N 页 共 M 页" in the footer. The printed columns are the
/// first [`Table::print_columns`] (all by default); columns after them are there for the
/// import and are left off paper.
#[derive(Debug, Clone)]
pub struct Table<'a> {
    pub(crate) sheet_name: &'a str,
    pub(crate) title: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) columns: &'a [Column],
    rows: &'a [Vec<CellValue>],
    spans: Vec<Span>,
    pub(crate) print_columns: usize,
}

impl<'a> Table<'a> {
    pub fn new(sheet_name: &'a str, columns: &'a [Column], rows: &'a [Vec<CellValue>]) -> Self {
        Table { sheet_name, title: None, note: None, columns, rows, spans: Vec::new(), print_columns: columns.len() }
    }

    /// The title row above the header.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The line between the title and the header (unit, filters, date).
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into()).filter(|n: &String| !n.is_empty());
        self
    }

    /// Merges `column` over `rows` data rows from `first_row`.
    pub fn span(mut self, first_row: usize, rows: usize, column: usize) -> Self {
        if rows > 1 {
            self.spans.push(Span { first_row, rows, column });
        }
        self
    }

    /// Only the first `n` columns are printed (at least one).
    pub fn print_columns(mut self, n: usize) -> Self {
        self.print_columns = n.clamp(1, self.columns.len().max(1));
        self
    }

    /// The .xlsx bytes. A table of more than [`CONSTANT_MEMORY_ROWS`] rows is written in
    /// constant memory (rows flushed to a temporary file as they are written).
    pub fn write(&self) -> Result<Vec<u8>, OfficeError> {
        let mut sheet = SheetWriter::start(self, self.rows.len() > CONSTANT_MEMORY_ROWS)?;
        sheet.write_block(self.rows, &self.spans)?;
        sheet.finish()
    }

    /// A sheet with this table's title, note, columns and print setup, written in constant
    /// memory: the caller pushes the rows block by block ([`SheetWriter::push`]), in order.
    /// The table's own rows and spans are not written.
    pub fn stream(&self) -> Result<SheetWriter, OfficeError> {
        SheetWriter::start(self, true)
    }
}

/// A column's width: as given, and never narrower than its header on one line (a CJK
/// character is two units wide), so that a printed header is never broken.
pub(crate) fn width(column: &Column) -> f64 {
    let header: usize = column.header.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    column.width.max(header as f64 + 2.0)
}

/// Points per line of wrapped text (11 pt, CJK fonts included).
pub(crate) const LINE_HEIGHT: f64 = 15.0;

/// Lines a value takes in a column of `width` units when wrapped: a CJK character is two units
/// wide, others one; a line break starts a new line.
pub(crate) fn lines_of(value: &CellValue, width: f64) -> usize {
    let CellValue::Text(text) = value else { return 1 };
    let room = (width - 1.0).max(2.0);
    text.split('\n')
        .map(|line| {
            let units: usize = line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            ((units as f64 / room).ceil() as usize).max(1)
        })
        .sum()
}

/// Where things go on the sheet, and the cell formats.
pub(crate) struct Layout {
    pub(crate) header_row: RowNum,
    pub(crate) last_col: ColNum,
    pub(crate) last_print_col: ColNum,
    pub(crate) formats: CellFormats,
}

impl Layout {
    pub(crate) fn new(table: &Table) -> Result<Self, OfficeError> {
        let heading_rows = RowNum::from(table.title.is_some()) + RowNum::from(table.note.is_some());
        Ok(Layout {
            header_row: heading_rows,
            last_col: (table.columns.len() - 1) as ColNum,
            last_print_col: (table.print_columns.max(1) - 1) as ColNum,
            formats: CellFormats::new(),
        })
    }

    /// Sheet row of data row `i`.
    pub(crate) fn data_row(&self, i: usize) -> Result<RowNum, OfficeError> {
        RowNum::try_from(i)
            .ok()
            .and_then(|i| i.checked_add(self.header_row + 1))
            .ok_or_else(|| OfficeError::Write("行数超出 Excel 上限".into()))
    }
}

/// Data cell formats: thin borders, wrapped text, top-aligned.
pub(crate) struct CellFormats {
    number: Format,
    text: Format,
    date: Format,
}

impl CellFormats {
    fn new() -> Self {
        let number = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
        CellFormats {
            text: number.clone().set_num_format("@"),
            date: number.clone().set_num_format("yyyy-mm-dd"),
            number,
        }
    }

    /// The format of a value in a column (blank cells get their column's).
    pub(crate) fn of(&self, column: &Column, value: &CellValue) -> &Format {
        match (value, &column.kind) {
            (CellValue::Text(s), _) if !s.is_empty() => &self.text,
            (CellValue::Date(_), _) => &self.date,
            (CellValue::Integer(_), _) => &self.number,
            (_, ColumnKind::Text) => &self.text,
            (_, ColumnKind::Date) => &self.date,
            (_, ColumnKind::Integer) => &self.number,
        }
    }
}

pub(crate) fn write_cell(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    column: &Column,
    value: &CellValue,
    formats: &CellFormats,
) -> Result<(), OfficeError> {
    write_cell_with(sheet, row, col, value, formats.of(column, value))
}

pub(crate) fn write_cell_with(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    value: &CellValue,
    format: &Format,
) -> Result<(), OfficeError> {
    match value {
        CellValue::Text(s) if !s.is_empty() => sheet.write_string_with_format(row, col, s, format)?,
        CellValue::Date(d) => sheet.write_date_with_format(row, col, d, format)?,
        CellValue::Integer(n) => sheet.write_number_with_format(row, col, *n as f64, format)?,
        CellValue::Text(_) | CellValue::Empty => sheet.write_blank(row, col, format)?,
    };
    Ok(())
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`, not empty,
/// no leading/trailing apostrophe.
pub(crate) fn sanitize_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '_' } else { c })
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    if cleaned.is_empty() {
        "Sheet1".to_string()
    } else {
        cleaned.to_string()
    }
}

/// Builds drop-down validations: inline when the list fits Excel's 255
/// character limit (and has no commas), otherwise a column on a hidden sheet.
pub(crate) struct ListSheet {
    name: String,
    sheet: Option<Worksheet>,
    next_col: ColNum,
}

impl ListSheet {
    pub(crate) fn new(data_sheet: &str) -> Self {
        let name = if data_sheet == LIST_SHEET { format!("{LIST_SHEET}_") } else { LIST_SHEET.to_string() };
        ListSheet { name, sheet: None, next_col: 0 }
    }

    pub(crate) fn validation(&mut self, choices: &[String]) -> Result<DataValidation, OfficeError> {
        // Joined with commas, quotes doubled, as rust_xlsxwriter writes it.
        let inline_len = choices.iter().map(|c| c.chars().count() + c.matches('"').count() + 1).sum::<usize>() - 1;
        if inline_len <= INLINE_LIST_MAX && choices.iter().all(|c| !c.contains(',')) {
            return Ok(DataValidation::new().allow_list_strings(choices)?);
        }
        let sheet = match &mut self.sheet {
            Some(sheet) => sheet,
            None => {
                let mut sheet = Worksheet::new();
                sheet.set_name(&self.name)?;
                sheet.set_hidden(true);
                self.sheet.insert(sheet)
            }
        };
        let col = self.next_col;
        self.next_col += 1;
        for (r, choice) in choices.iter().enumerate() {
            let row = RowNum::try_from(r).map_err(|_| OfficeError::Write("下拉选项过多".into()))?;
            sheet.write_string(row, col, choice)?;
        }
        let letter = column_number_to_name(col);
        let formula = format!("={}!${letter}$1:${letter}${}", quote_sheet_name(&self.name), choices.len());
        Ok(DataValidation::new().allow_list_formula(Formula::new(formula)))
    }

    pub(crate) fn finish(self) -> Option<Worksheet> {
        self.sheet
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names() {
        assert_eq!(sanitize_sheet_name("问题/线索台账"), "问题_线索台账");
        assert_eq!(sanitize_sheet_name("  "), "Sheet1");
        assert_eq!(sanitize_sheet_name(&"长".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(write_table("s", None, &[], &[]), Err(OfficeError::Write(_))));
        let cols = [Column::text("姓名", 10.0)];
        let rows = vec![vec![CellValue::from("a"), CellValue::from("b")]];
        assert!(matches!(write_table("s", None, &cols, &rows), Err(OfficeError::Write(_))));
    }
}
