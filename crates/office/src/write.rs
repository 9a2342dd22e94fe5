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

/// Writes one sheet and returns the .xlsx bytes.
///
/// Layout: optional merged title row, then the header row (bold, bordered,
/// light fill, required headers in red with a "必填项" note), then the data.
/// Panes are frozen below the header, an autofilter is set on the header,
/// columns get their widths, text columns the text format "@" and date
/// columns yyyy-mm-dd, and columns with choices a drop-down list on the data
/// rows and [`VALIDATION_ROWS`] rows below the header.
pub fn write_table(
    sheet_name: &str,
    title: Option<&str>,
    columns: &[Column],
    rows: &[Vec<CellValue>],
) -> Result<Vec<u8>, OfficeError> {
    if columns.is_empty() {
        return Err(OfficeError::Write("没有定义任何列".into()));
    }
    if columns.len() > usize::from(u16::MAX) {
        return Err(OfficeError::Write("列数过多".into()));
    }
    let last_col = (columns.len() - 1) as ColNum;
    let header_row: RowNum = title.map_or(0, |_| 1);
    let data_row = |i: usize| -> Result<RowNum, OfficeError> {
        RowNum::try_from(i)
            .ok()
            .and_then(|i| i.checked_add(header_row + 1))
            .ok_or_else(|| OfficeError::Write("行数超出 Excel 上限".into()))
    };

    let sheet_name = sanitize_sheet_name(sheet_name);
    let mut sheet = Worksheet::new();
    sheet.set_name(&sheet_name)?;
    let mut lists = ListSheet::new(&sheet_name);

    if let Some(title) = title {
        let format = Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        sheet.set_row_height(0, 32)?;
        if last_col == 0 {
            sheet.write_string_with_format(0, 0, title, &format)?;
        } else {
            sheet.merge_range(0, 0, 0, last_col, title, &format)?;
        }
    }

    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let required_header = header.clone().set_font_color(Color::RGB(0xC00000));
    let cell = Format::new().set_border(FormatBorder::Thin);
    let text_cell = cell.clone().set_num_format("@");
    let date_cell = cell.clone().set_num_format("yyyy-mm-dd");

    let last_validation_row = data_row(rows.len().max(VALIDATION_ROWS as usize) - 1)?;
    for (i, column) in columns.iter().enumerate() {
        let col = i as ColNum;
        sheet.set_column_width(col, column.width)?;
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

    for (r, values) in rows.iter().enumerate() {
        if values.len() > columns.len() {
            return Err(OfficeError::Write(format!(
                "第{}条数据有{}个值，但表格只有{}列",
                r + 1,
                values.len(),
                columns.len()
            )));
        }
        let row = data_row(r)?;
        for (c, column) in columns.iter().enumerate() {
            let col = c as ColNum;
            let blank_format = match column.kind {
                ColumnKind::Text => &text_cell,
                ColumnKind::Date => &date_cell,
                ColumnKind::Integer => &cell,
            };
            match values.get(c).unwrap_or(&CellValue::Empty) {
                CellValue::Text(s) if !s.is_empty() => sheet.write_string_with_format(row, col, s, &text_cell)?,
                CellValue::Date(d) => sheet.write_date_with_format(row, col, d, &date_cell)?,
                CellValue::Integer(n) => sheet.write_number_with_format(row, col, *n as f64, &cell)?,
                CellValue::Text(_) | CellValue::Empty => sheet.write_blank(row, col, blank_format)?,
            };
        }
    }

    let last_data_row = data_row(rows.len())? - 1;
    sheet.autofilter(header_row, 0, last_data_row, last_col)?;
    sheet.set_freeze_panes(header_row + 1, 0)?;

    let mut workbook = Workbook::new();
    workbook.push_worksheet(sheet);
    if let Some(list_sheet) = lists.finish() {
        workbook.push_worksheet(list_sheet);
    }
    Ok(workbook.save_to_buffer()?)
}

/// A template is [`write_table`] with no rows.
pub fn template(sheet_name: &str, title: Option<&str>, columns: &[Column]) -> Result<Vec<u8>, OfficeError> {
    write_table(sheet_name, title, columns, &[])
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
