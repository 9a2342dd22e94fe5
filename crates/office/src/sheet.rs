//! Writing one sheet in row order: the heading and header first, then the data block by
//! block, then what depends on the row count (drop-down ranges, autofilter, print area).
//! Row order is what rust_xlsxwriter's constant memory mode needs: each row is flushed to a
//! temporary file when the next one starts, so a sheet of any length takes the memory of a row.

use std::collections::HashSet;
use std::path::Path;

use rust_xlsxwriter::{
    ColNum, Color, DataValidation, Format, FormatAlign, FormatBorder, Note, RowNum, Workbook, Worksheet,
};

use crate::write::{lines_of, sanitize_sheet_name, width, write_cell, write_cell_with, Layout, ListSheet, LINE_HEIGHT};
use crate::{CellValue, Column, ColumnKind, OfficeError, Span, Table, VALIDATION_ROWS};

/// Characters (Excel width units) a column layout may take before the page turns to
/// landscape: about what A4 portrait holds at 100 % within the margins below.
const PORTRAIT_WIDTH: f64 = 95.0;
/// Excel's paper size code of A4.
const PAPER_A4: u8 = 9;
/// Page footer: "第 N 页 共 M 页", centred.
const FOOTER: &str = "&C第 &P 页 共 &N 页";

/// Data rows of a streamed sheet that may be merged. rust_xlsxwriter keeps every merged range
/// in memory and checks each new one against them (a growing map of the cells they cover),
/// which made a 100,000-finding 整改台账 grow by about 1 KB a finding and spend an eighth of its
/// time there. Past this row, a finding's columns repeat on each of its rows instead: the sheet
/// reads back the same, and a long export stays within the memory of its first rows.
pub const MERGED_ROWS: usize = 10_000;

/// Every row of `rows` holds the first row's value in the `merged` columns.
fn repeats_first_row(rows: &[Vec<CellValue>], merged: &[usize]) -> bool {
    rows[1..].iter().all(|row| merged.iter().all(|&c| row.get(c) == rows[0].get(c)))
}

/// Data rows of a streamed sheet whose heights are fitted to their wrapped text. rust_xlsxwriter
/// keeps the options of every row given a height, flushed or not (a few hundred bytes each): a
/// 170,000-row 整改台账 held 63 MiB of them (heaptrack). Past this row, rows keep the default
/// height (their text still wraps; 自动调整行高 in the office suite fits them), and a long
/// export stays within the memory of its first rows, as with [`MERGED_ROWS`].
pub const FITTED_ROWS: usize = 10_000;

/// `rows` with the `merged` columns of every row after the first holding the first row's value.
fn repeat_first_row(rows: &[Vec<CellValue>], merged: &[usize]) -> Vec<Vec<CellValue>> {
    let mut out = rows.to_vec();
    let (first, rest) = out.split_at_mut(1);
    for row in rest {
        for &c in merged {
            if let Some(value) = first[0].get(c) {
                if row.len() <= c {
                    row.resize(c + 1, CellValue::Empty);
                }
                row[c] = value.clone();
            }
        }
    }
    out
}

/// A sheet being written (see [`Table`] for the layout and print setup). Made by
/// [`Table::stream`]; rows go in with [`SheetWriter::push`], the file comes out of
/// [`SheetWriter::finish`] or [`SheetWriter::save`].
pub struct SheetWriter {
    workbook: Workbook,
    sheet: Worksheet,
    lists: ListSheet,
    /// Drop-down lists by column, applied at the end over the data rows (at least
    /// [`VALIDATION_ROWS`]).
    validations: Vec<(ColNum, DataValidation)>,
    columns: Vec<Column>,
    widths: Vec<f64>,
    layout: Layout,
    print_columns: usize,
    /// Data rows written so far.
    rows: usize,
}

impl SheetWriter {
    /// The heading and header rows of `table`; `constant_memory` flushes each row as the
    /// next one starts.
    pub(crate) fn start(table: &Table, constant_memory: bool) -> Result<Self, OfficeError> {
        let columns = table.columns;
        if columns.is_empty() {
            return Err(OfficeError::Write("没有定义任何列".into()));
        }
        if columns.len() > usize::from(u16::MAX) {
            return Err(OfficeError::Write("列数过多".into()));
        }
        let layout = Layout::new(table)?;
        let sheet_name = sanitize_sheet_name(table.sheet_name);
        let mut workbook = Workbook::new();
        let mut sheet = if constant_memory { workbook.new_worksheet_with_constant_memory() } else { Worksheet::new() };
        sheet.set_name(&sheet_name)?;
        let mut writer = SheetWriter {
            workbook,
            sheet,
            lists: ListSheet::new(&sheet_name),
            validations: Vec::new(),
            columns: columns.to_vec(),
            widths: columns.iter().map(width).collect(),
            layout,
            print_columns: table.print_columns,
            rows: 0,
        };
        writer.write_heading(table.title.as_deref(), table.note.as_deref())?;
        writer.write_header()?;
        Ok(writer)
    }

    /// Data rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Writes `rows` after those already written, with the `merged` columns merged over all
    /// of them (the first row's value), as a finding's columns over the rows of its measures.
    /// Past [`MERGED_ROWS`] data rows the columns are no longer merged: each row of the block
    /// repeats the first row's value instead (what an import reads from a merge anyway).
    pub fn push(&mut self, rows: &[Vec<CellValue>], merged: &[usize]) -> Result<(), OfficeError> {
        if rows.len() < 2 || merged.is_empty() {
            return self.write_block(rows, &[]);
        }
        if self.rows + rows.len() > MERGED_ROWS {
            // a caller that already repeats the values (the 整改台账 does) saves the copy
            if repeats_first_row(rows, merged) {
                return self.write_block(rows, &[]);
            }
            return self.write_block(&repeat_first_row(rows, merged), &[]);
        }
        let spans: Vec<Span> = merged.iter().map(|&column| Span { first_row: 0, rows: rows.len(), column }).collect();
        self.write_block(rows, &spans)
    }

    /// The .xlsx bytes.
    pub fn finish(self) -> Result<Vec<u8>, OfficeError> {
        Ok(self.close()?.save_to_buffer()?)
    }

    /// Writes the .xlsx file to `path` (the compressed file is never held in memory).
    pub fn save(self, path: &Path) -> Result<(), OfficeError> {
        self.close()?.save(path)?;
        Ok(())
    }

    /// Title and note rows, merged over the printed columns. Each row's height is set
    /// before the next row starts (a flushed row cannot change).
    fn write_heading(&mut self, title: Option<&str>, note: Option<&str>) -> Result<(), OfficeError> {
        let title_format = Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let note_format =
            Format::new().set_align(FormatAlign::Left).set_align(FormatAlign::VerticalCenter).set_text_wrap();
        let lines = [(title, title_format, 36), (note, note_format, 20)];
        let present = lines.iter().filter_map(|(t, f, h)| t.map(|t| (t, f, *h)));
        for (row, (text, format, height)) in (0..).zip(present) {
            self.sheet.set_row_height(row, height)?;
            let last = self.layout.last_print_col;
            if last == 0 {
                self.sheet.write_string_with_format(row, 0, text, format)?;
            } else {
                self.sheet.merge_range(row, 0, row, last, text, format)?;
            }
        }
        Ok(())
    }

    fn write_header(&mut self) -> Result<(), OfficeError> {
        let header = Format::new()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let required_header = header.clone().set_font_color(Color::RGB(0xC00000));
        let header_row = self.layout.header_row;
        for (i, column) in self.columns.iter().enumerate() {
            let col = i as ColNum;
            self.sheet.set_column_width(col, self.widths[i])?;
            let column_format = match column.kind {
                ColumnKind::Text => Some("@"),
                ColumnKind::Date => Some("yyyy-mm-dd"),
                ColumnKind::Integer => None,
            };
            if let Some(num_format) = column_format {
                self.sheet.set_column_format(col, &Format::new().set_num_format(num_format))?;
            }
            if column.required {
                self.sheet.write_string_with_format(header_row, col, &column.header, &required_header)?;
                self.sheet.insert_note(header_row, col, &Note::new("必填项").add_author_prefix(false))?;
            } else {
                self.sheet.write_string_with_format(header_row, col, &column.header, &header)?;
            }
            if !column.choices.is_empty() {
                let validation = self
                    .lists
                    .validation(&column.choices)?
                    .set_error_title("输入有误")?
                    .set_error_message("请从下拉列表中选择")?;
                self.validations.push((col, validation));
            }
        }
        Ok(())
    }

    /// Writes a block of rows in order: each row's height (wrapped text), the spans that
    /// start on it (merged, the first row's value written), then its other cells.
    pub(crate) fn write_block(&mut self, rows: &[Vec<CellValue>], spans: &[Span]) -> Result<(), OfficeError> {
        self.check_block(rows, spans)?;
        let covered: HashSet<(usize, usize)> =
            spans.iter().flat_map(|s| (s.first_row..s.first_row + s.rows).map(move |r| (r, s.column))).collect();
        let lines = line_counts(rows, spans, &covered, &self.widths);
        for (r, values) in rows.iter().enumerate() {
            let row = self.layout.data_row(self.rows + r)?;
            if lines[r] > 1 && self.rows + r < FITTED_ROWS {
                self.sheet.set_row_height(row, LINE_HEIGHT * lines[r] as f64 + 2.0)?;
            }
            for span in spans.iter().filter(|s| s.first_row == r) {
                self.write_span(span, values)?;
            }
            for (c, column) in self.columns.iter().enumerate() {
                if covered.contains(&(r, c)) {
                    continue;
                }
                let value = values.get(c).unwrap_or(&CellValue::Empty);
                write_cell(&mut self.sheet, row, c as ColNum, column, value, &self.layout.formats)?;
            }
        }
        self.rows += rows.len();
        Ok(())
    }

    /// Rows no wider than the columns, spans inside the block.
    fn check_block(&self, rows: &[Vec<CellValue>], spans: &[Span]) -> Result<(), OfficeError> {
        let columns = self.columns.len();
        if let Some((r, values)) = rows.iter().enumerate().find(|(_, v)| v.len() > columns) {
            return Err(OfficeError::Write(format!(
                "第{}条数据有{}个值，但表格只有{columns}列",
                self.rows + r + 1,
                values.len()
            )));
        }
        for span in spans {
            if span.column >= columns {
                return Err(OfficeError::Write(format!("合并单元格的列 {} 不存在", span.column + 1)));
            }
            if span.first_row + span.rows > rows.len() {
                return Err(OfficeError::Write("合并单元格超出数据行".into()));
            }
        }
        Ok(())
    }

    /// Merges a span and writes its first row's value into the merged cell.
    fn write_span(&mut self, span: &Span, values: &[CellValue]) -> Result<(), OfficeError> {
        let col = span.column as ColNum;
        let first = self.layout.data_row(self.rows + span.first_row)?;
        let last = self.layout.data_row(self.rows + span.first_row + span.rows - 1)?;
        let value = values.get(span.column).unwrap_or(&CellValue::Empty);
        let format =
            self.layout.formats.of(&self.columns[span.column], value).clone().set_align(FormatAlign::VerticalCenter);
        self.sheet.merge_range(first, col, last, col, "", &format)?;
        write_cell_with(&mut self.sheet, first, col, value, &format)
    }

    /// Drop-downs, autofilter, frozen panes and print setup over the rows written; the workbook.
    fn close(mut self) -> Result<Workbook, OfficeError> {
        let layout = &self.layout;
        let header_row = layout.header_row;
        let last_data_row = layout.data_row(self.rows)? - 1;
        let last_validation_row = layout.data_row(self.rows.max(VALIDATION_ROWS as usize) - 1)?;
        for (col, validation) in &self.validations {
            self.sheet.add_data_validation(header_row + 1, *col, last_validation_row, *col, validation)?;
        }
        self.sheet.autofilter(header_row, 0, last_data_row, layout.last_col)?;
        self.sheet.set_freeze_panes(header_row + 1, 0)?;
        self.print_setup(last_data_row)?;
        let mut workbook = self.workbook;
        workbook.push_worksheet(self.sheet);
        if let Some(list_sheet) = self.lists.finish() {
            workbook.push_worksheet(list_sheet);
        }
        Ok(workbook)
    }

    /// A4, landscape when the printed columns are wider than portrait holds, fitted to one
    /// page width, header row repeated, centred, "第 N 页 共 M 页"; only the printed columns.
    fn print_setup(&mut self, last_data_row: RowNum) -> Result<(), OfficeError> {
        let (sheet, layout) = (&mut self.sheet, &self.layout);
        let printed_width: f64 = self.widths[..self.print_columns].iter().sum();
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

/// Heights for rows whose wrapped text needs more than one line: office suites do not fit
/// row heights to wrapped text when they open a file, so text would be cut off on screen and
/// on paper. A merged cell's lines are shared by the rows it spans; what they lack goes to
/// its last row. `covered`: the cells of the spans.
fn line_counts(
    rows: &[Vec<CellValue>],
    spans: &[Span],
    covered: &HashSet<(usize, usize)>,
    widths: &[f64],
) -> Vec<usize> {
    let mut lines: Vec<usize> = rows
        .iter()
        .enumerate()
        .map(|(r, values)| {
            let cells = values.iter().zip(widths).enumerate().filter(|(c, _)| !covered.contains(&(r, *c)));
            cells.map(|(_, (v, w))| lines_of(v, *w)).max().unwrap_or(1).max(1)
        })
        .collect();
    for s in spans {
        let value = rows[s.first_row].get(s.column).unwrap_or(&CellValue::Empty);
        let needed = lines_of(value, widths[s.column]);
        let have: usize = lines[s.first_row..s.first_row + s.rows].iter().sum();
        if needed > have {
            lines[s.first_row + s.rows - 1] += needed - have;
        }
    }
    lines
}
