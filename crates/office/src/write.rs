//! Writing tables with rust_xlsxwriter.

use rust_xlsxwriter::{
    column_number_to_name, quote_sheet_name, ColNum, Color, DataValidation, Format, FormatAlign, FormatBorder, Formula,
    Note, RowNum, Workbook, Worksheet,
};

use crate::{CellValue, Column, ColumnKind, OfficeError, VALIDATION_ROWS};

/// Excel's limit for an inline ("a,b,c") validation list.
const INLINE_LIST_MAX: usize = 255;
/// Name of the hidden sheet holding long drop-down lists.
const LIST_SHEET: &str = "下拉选项";

/// Characters (Excel width units) a column layout may take before the page turns to
/// landscape: about what A4 portrait holds at 100 % within the margins below.
const PORTRAIT_WIDTH: f64 = 95.0;
/// Excel's paper size code of A4.
const PAPER_A4: u8 = 9;
/// Page footer: "第 N 页 共 M 页", centred.
const FOOTER: &str = "&C第 &P 页 共 &N 页";

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
    sheet_name: &'a str,
    title: Option<String>,
    note: Option<String>,
    columns: &'a [Column],
    rows: &'a [Vec<CellValue>],
    spans: Vec<Span>,
    print_columns: usize,
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

    /// The .xlsx bytes.
    pub fn write(&self) -> Result<Vec<u8>, OfficeError> {
        let columns = self.columns;
        if columns.is_empty() {
            return Err(OfficeError::Write("没有定义任何列".into()));
        }
        if columns.len() > usize::from(u16::MAX) {
            return Err(OfficeError::Write("列数过多".into()));
        }
        let layout = Layout::new(self)?;
        let sheet_name = sanitize_sheet_name(self.sheet_name);
        let mut sheet = Worksheet::new();
        sheet.set_name(&sheet_name)?;
        let mut lists = ListSheet::new(&sheet_name);
        self.write_heading(&mut sheet, &layout)?;
        self.write_header(&mut sheet, &layout, &mut lists)?;
        self.write_rows(&mut sheet, &layout)?;
        self.write_spans(&mut sheet, &layout)?;
        self.set_row_heights(&mut sheet, &layout)?;
        let last_data_row = layout.data_row(self.rows.len())? - 1;
        sheet.autofilter(layout.header_row, 0, last_data_row, layout.last_col)?;
        sheet.set_freeze_panes(layout.header_row + 1, 0)?;
        self.print_setup(&mut sheet, &layout, last_data_row)?;

        let mut workbook = Workbook::new();
        workbook.push_worksheet(sheet);
        if let Some(list_sheet) = lists.finish() {
            workbook.push_worksheet(list_sheet);
        }
        Ok(workbook.save_to_buffer()?)
    }

    /// Title and note rows, merged over the printed columns.
    fn write_heading(&self, sheet: &mut Worksheet, layout: &Layout) -> Result<(), OfficeError> {
        let last = layout.last_print_col;
        let mut put = |row: RowNum, text: &str, format: &Format| -> Result<(), OfficeError> {
            if last == 0 {
                sheet.write_string_with_format(row, 0, text, format)?;
            } else {
                sheet.merge_range(row, 0, row, last, text, format)?;
            }
            Ok(())
        };
        let mut heights: Vec<(RowNum, u16)> = Vec::new();
        let mut row: RowNum = 0;
        if let Some(title) = &self.title {
            let format = Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap();
            put(row, title, &format)?;
            heights.push((row, 36));
            row += 1;
        }
        if let Some(note) = &self.note {
            let format =
                Format::new().set_align(FormatAlign::Left).set_align(FormatAlign::VerticalCenter).set_text_wrap();
            put(row, note, &format)?;
            heights.push((row, 20));
        }
        for (row, height) in heights {
            sheet.set_row_height(row, height)?;
        }
        Ok(())
    }

    fn write_header(&self, sheet: &mut Worksheet, layout: &Layout, lists: &mut ListSheet) -> Result<(), OfficeError> {
        let header = Format::new()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let required_header = header.clone().set_font_color(Color::RGB(0xC00000));
        let header_row = layout.header_row;
        let last_validation_row = layout.data_row(self.rows.len().max(VALIDATION_ROWS as usize) - 1)?;
        for (i, column) in self.columns.iter().enumerate() {
            let col = i as ColNum;
            sheet.set_column_width(col, width(column))?;
            let column_format = match column.kind {
                ColumnKind::Text => Some("@"),
                ColumnKind::Date => Some("yyyy-mm-dd"),
                ColumnKind::Integer => None,
            };
            if let Some(num_format) = column_format {
                sheet.set_column_format(col, &Format::new().set_num_format(num_format))?;
            }
            if column.required {
                sheet.write_string_with_format(header_row, col, &column.header, &required_header)?;
                sheet.insert_note(header_row, col, &Note::new("必填项").add_author_prefix(false))?;
            } else {
                sheet.write_string_with_format(header_row, col, &column.header, &header)?;
            }
            if !column.choices.is_empty() {
                let validation = lists
                    .validation(&column.choices)?
                    .set_error_title("输入有误")?
                    .set_error_message("请从下拉列表中选择")?;
                sheet.add_data_validation(header_row + 1, col, last_validation_row, col, &validation)?;
            }
        }
        Ok(())
    }

    fn write_rows(&self, sheet: &mut Worksheet, layout: &Layout) -> Result<(), OfficeError> {
        let columns = self.columns;
        for (r, values) in self.rows.iter().enumerate() {
            if values.len() > columns.len() {
                return Err(OfficeError::Write(format!(
                    "第{}条数据有{}个值，但表格只有{}列",
                    r + 1,
                    values.len(),
                    columns.len()
                )));
            }
            let row = layout.data_row(r)?;
            for (c, column) in columns.iter().enumerate() {
                write_cell(
                    sheet,
                    row,
                    c as ColNum,
                    column,
                    values.get(c).unwrap_or(&CellValue::Empty),
                    &layout.formats,
                )?;
            }
        }
        Ok(())
    }

    /// Merges each span and writes its first row's value into the merged cell.
    fn write_spans(&self, sheet: &mut Worksheet, layout: &Layout) -> Result<(), OfficeError> {
        for span in &self.spans {
            let Some(column) = self.columns.get(span.column) else {
                return Err(OfficeError::Write(format!("合并单元格的列 {} 不存在", span.column + 1)));
            };
            if span.first_row + span.rows > self.rows.len() {
                return Err(OfficeError::Write("合并单元格超出数据行".into()));
            }
            let col = span.column as ColNum;
            let (first, last) = (layout.data_row(span.first_row)?, layout.data_row(span.first_row + span.rows - 1)?);
            let value = self.rows[span.first_row].get(span.column).unwrap_or(&CellValue::Empty);
            let format = layout.formats.of(column, value).clone().set_align(FormatAlign::VerticalCenter);
            sheet.merge_range(first, col, last, col, "", &format)?;
            write_cell_with(sheet, first, col, value, &format)?;
        }
        Ok(())
    }

    /// Heights for rows whose wrapped text needs more than one line: office suites do not
    /// fit row heights to wrapped text when they open a file, so text would be cut off on
    /// screen and on paper. A merged cell's lines are shared by the rows it spans; what they
    /// lack goes to its last row.
    fn set_row_heights(&self, sheet: &mut Worksheet, layout: &Layout) -> Result<(), OfficeError> {
        let widths: Vec<f64> = self.columns.iter().map(width).collect();
        let mut spanned: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
        for s in &self.spans {
            spanned.extend((s.first_row..s.first_row + s.rows).map(|r| (r, s.column)));
        }
        let mut lines: Vec<usize> = self
            .rows
            .iter()
            .enumerate()
            .map(|(r, values)| {
                let cells = values.iter().zip(&widths).enumerate().filter(|(c, _)| !spanned.contains(&(r, *c)));
                cells.map(|(_, (v, w))| lines_of(v, *w)).max().unwrap_or(1).max(1)
            })
            .collect();
        for s in &self.spans {
            let value = self.rows[s.first_row].get(s.column).unwrap_or(&CellValue::Empty);
            let needed = lines_of(value, widths[s.column]);
            let have: usize = lines[s.first_row..s.first_row + s.rows].iter().sum();
            if needed > have {
                lines[s.first_row + s.rows - 1] += needed - have;
            }
        }
        for (r, n) in lines.into_iter().enumerate().filter(|(_, n)| *n > 1) {
            sheet.set_row_height(layout.data_row(r)?, LINE_HEIGHT * n as f64 + 2.0)?;
        }
        Ok(())
    }

    fn print_setup(&self, sheet: &mut Worksheet, layout: &Layout, last_data_row: RowNum) -> Result<(), OfficeError> {
        let printed_width: f64 = self.columns[..self.print_columns].iter().map(width).sum();
        sheet.set_paper_size(PAPER_A4);
        if printed_width > PORTRAIT_WIDTH {
            sheet.set_landscape();
        }
        sheet.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_print_center_horizontally(true);
        sheet.set_repeat_rows(layout.header_row, layout.header_row)?;
        sheet.set_footer(FOOTER);
        if self.print_columns < self.columns.len() {
            sheet.set_print_area(0, 0, last_data_row.max(layout.header_row), layout.last_print_col)?;
        }
        Ok(())
    }
}

/// A column's width: as given, and never narrower than its header on one line (a CJK
/// character is two units wide), so that a printed header is never broken.
fn width(column: &Column) -> f64 {
    let header: usize = column.header.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    column.width.max(header as f64 + 2.0)
}

/// Points per line of wrapped text (11 pt, CJK fonts included).
const LINE_HEIGHT: f64 = 15.0;

/// Lines a value takes in a column of `width` units when wrapped: a CJK character is two units
/// wide, others one; a line break starts a new line.
fn lines_of(value: &CellValue, width: f64) -> usize {
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
struct Layout {
    header_row: RowNum,
    last_col: ColNum,
    last_print_col: ColNum,
    formats: CellFormats,
}

impl Layout {
    fn new(table: &Table) -> Result<Self, OfficeError> {
        let heading_rows = RowNum::from(table.title.is_some()) + RowNum::from(table.note.is_some());
        Ok(Layout {
            header_row: heading_rows,
            last_col: (table.columns.len() - 1) as ColNum,
            last_print_col: (table.print_columns.max(1) - 1) as ColNum,
            formats: CellFormats::new(),
        })
    }

    /// Sheet row of data row `i`.
    fn data_row(&self, i: usize) -> Result<RowNum, OfficeError> {
        RowNum::try_from(i)
            .ok()
            .and_then(|i| i.checked_add(self.header_row + 1))
            .ok_or_else(|| OfficeError::Write("行数超出 Excel 上限".into()))
    }
}

/// Data cell formats: thin borders, wrapped text, top-aligned.
struct CellFormats {
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
    fn of(&self, column: &Column, value: &CellValue) -> &Format {
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

fn write_cell(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    column: &Column,
    value: &CellValue,
    formats: &CellFormats,
) -> Result<(), OfficeError> {
    write_cell_with(sheet, row, col, value, formats.of(column, value))
}

fn write_cell_with(
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
fn sanitize_sheet_name(name: &str) -> String {
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
struct ListSheet {
    name: String,
    sheet: Option<Worksheet>,
    next_col: ColNum,
}

impl ListSheet {
    fn new(data_sheet: &str) -> Self {
        let name = if data_sheet == LIST_SHEET { format!("{LIST_SHEET}_") } else { LIST_SHEET.to_string() };
        ListSheet { name, sheet: None, next_col: 0 }
    }

    fn validation(&mut self, choices: &[String]) -> Result<DataValidation, OfficeError> {
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

    fn finish(self) -> Option<Worksheet> {
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
