use std::io::{Cursor, Read, Write};
use std::time::Duration;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use chrono::NaiveDate;
use qingfeng_office::{
    read_table, read_table_with_limits, template, write_table, CellError, CellValue, Column, Limit, OfficeError,
    ReadLimits, ReadRow, Table, MAX_COLUMNS, MAX_ROWS, MAX_ZIP_ENTRIES,
};
use rust_xlsxwriter::{Format, Workbook};
use zip::write::SimpleFileOptions;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

fn positions() -> Vec<String> {
    strings(&["书记", "副书记", "委员", "纪检委员"])
}

/// The column set most tests use.
fn member_columns() -> Vec<Column> {
    vec![
        Column::text("姓名", 12.0).required(),
        Column::date("出生日期", 14.0).required(),
        Column::text("职务", 12.0).choices(positions()),
        Column::integer("人数", 8.0),
        Column::text("联系电话", 16.0),
        Column::date("任职时间", 14.0),
    ]
}

#[test]
fn round_trip() {
    let columns = member_columns();
    let rows = vec![
        vec![
            "张三".into(),
            date(1980, 5, 17).into(),
            "书记".into(),
            12.into(),
            "013800138000".into(),
            date(2026, 3, 1).into(),
        ],
        vec![
            "欧阳·娜娜（挂职）".into(),
            date(1999, 12, 31).into(),
            CellValue::Empty,
            CellValue::Integer(-3),
            "".into(),
            CellValue::Empty,
        ],
        // Short rows are padded with empty cells.
        vec!["李四".into(), date(1900, 3, 1).into(), "纪检委员".into(), 9_000_000_000_000i64.into()],
    ];
    let bytes = write_table("班子成员", Some("2026年度班子成员名单"), &columns, &rows).unwrap();
    let table = read_table(&bytes, &columns).unwrap();
    assert_eq!(table.errors, vec![]);
    assert_eq!(
        table.rows,
        vec![
            ReadRow {
                row_number: 3,
                cells: strings(&["张三", "1980-05-17", "书记", "12", "013800138000", "2026-03-01"]),
            },
            ReadRow { row_number: 4, cells: strings(&["欧阳·娜娜（挂职）", "1999-12-31", "", "-3", "", ""]) },
            ReadRow {
                row_number: 5, cells: strings(&["李四", "1900-03-01", "纪检委员", "9000000000000", "", ""])
            },
        ]
    );

    // Dates are real Excel dates with the yyyy-mm-dd format.
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes.as_slice())).unwrap();
    let range = workbook.worksheet_range("班子成员").unwrap();
    assert!(matches!(range.get_value((2, 1)), Some(Data::DateTime(_))));
    assert!(zip_entry(&bytes, "xl/styles.xml").contains("yyyy-mm-dd"));
    // Title merged across all six columns.
    assert!(zip_entry(&bytes, "xl/worksheets/sheet1.xml").contains(r#"<mergeCell ref="A1:F1"/>"#));
}

/// A sheet the way offices really fill it in.
fn real_office_file() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet().set_name("填表说明").unwrap();
    notes.write(0, 0, "请按要求填写，不要修改表头。").unwrap();

    let sheet = workbook.add_worksheet().set_name("成员名单").unwrap();
    let date_format = Format::new().set_num_format("yyyy年m月d日");
    // Excel row 1 empty, title in row 2 merged over B:I, row 3 blank,
    // header in row 4; the table starts in column B.
    sheet.merge_range(1, 1, 1, 8, "某某县委办公室成员名单", &Format::new()).unwrap();
    let headers = ["序号", " *出生\n日期 ", "姓\u{3000}名", "联系电话", "人数", "＊职务", "任职时间\u{3000}", "备注"];
    for (i, h) in headers.iter().enumerate() {
        sheet.write(3, 1 + i as u16, *h).unwrap();
    }
    sheet.set_column_hidden(4).unwrap(); // 联系电话

    // Excel row 5: serial number date, padded name, numeric phone,
    // full-width digits, date cell.
    sheet.write(4, 1, 1).unwrap();
    sheet.write(4, 2, 29_000.0).unwrap(); // 1979-05-25
    sheet.write(4, 3, " 张三\u{3000}").unwrap();
    sheet.write(4, 4, 13_800_138_000.0).unwrap();
    sheet.write(4, 5, "１２").unwrap();
    sheet.write(4, 6, "书记 ").unwrap();
    sheet.write_date_with_format(4, 7, date(2026, 3, 1), &date_format).unwrap();
    sheet.write(4, 8, "无").unwrap();
    // Excel row 6: date cell, text dates, full-width letters and digits.
    sheet.write(5, 1, 2).unwrap();
    sheet.write_date_with_format(5, 2, date(1985, 10, 1), &date_format).unwrap();
    sheet.write(5, 3, "李四（挂职）").unwrap();
    sheet.write(5, 4, "０５７１－８８８８ＡＢ").unwrap();
    sheet.write(5, 5, 3.0).unwrap();
    sheet.write(5, 6, "\u{a0}委员").unwrap();
    sheet.write(5, 7, "2026/3/1").unwrap();
    // Excel row 7 fully empty (but formatted), row 8 only has unknown columns.
    sheet.write_blank(6, 3, &Format::new().set_bold()).unwrap();
    sheet.write(7, 1, 3).unwrap();
    sheet.write(7, 8, "此行作废").unwrap();
    // Excel rows 9..: every accepted text date form.
    let text_dates = ["2026-03-01", "2026.3.1", "2026年3月1日", "2026年3月", "20260301", "２０２６－０３－０１ "];
    for (i, d) in text_dates.iter().enumerate() {
        let row = 8 + i as u32;
        sheet.write(row, 2, *d).unwrap();
        sheet.write(row, 3, format!("成员{}", i + 1)).unwrap();
        sheet.write(row, 4, 101.0).unwrap();
        sheet.write(row, 7, 46_082).unwrap(); // serial 2026-03-01
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn reads_a_real_office_file() {
    let columns = member_columns();
    let table = read_table(&real_office_file(), &columns).unwrap();
    assert_eq!(table.errors, vec![]);
    let mut expected = vec![
        ReadRow {
            row_number: 5, cells: strings(&["张三", "1979-05-25", "书记", "12", "13800138000", "2026-03-01"])
        },
        ReadRow {
            row_number: 6,
            cells: strings(&["李四（挂职）", "1985-10-01", "委员", "3", "0571－8888AB", "2026-03-01"]),
        },
    ];
    for i in 0..6 {
        expected.push(ReadRow {
            row_number: 9 + i,
            cells: vec![
                format!("成员{}", i + 1),
                "2026-03-01".into(),
                "".into(),
                "".into(),
                "101".into(),
                "2026-03-01".into(),
            ],
        });
    }
    assert_eq!(table.rows, expected);
    // headers naming no expected column are listed for a warning; every expected one is there
    assert_eq!(table.unknown_columns, strings(&["序号", "备注"]));
    assert!(table.absent_columns.is_empty(), "{:?}", table.absent_columns);
}

#[test]
fn reports_cell_errors() {
    let columns = member_columns();
    let rows = vec![
        // Row 2: bad date, bad integer.
        vec!["张三".into(), "明天".into(), "书记".into(), "十二".into()],
        // Row 3: required cells empty, value outside the choices.
        vec!["".into(), CellValue::Empty, "主任".into(), "2.5".into()],
        // Row 4: impossible date.
        vec!["王五".into(), "2026-02-30".into()],
    ];
    // Write everything as text to simulate what users type.
    let text_columns: Vec<Column> = columns.iter().map(|c| Column::text(&c.header, c.width)).collect();
    let bytes = write_table("名单", None, &text_columns, &rows).unwrap();
    let table = read_table(&bytes, &columns).unwrap();
    let err =
        |row: usize, column: &str, message: &str| CellError { row, column: column.into(), message: message.into() };
    assert_eq!(
        table.errors,
        vec![
            err(2, "出生日期", "日期格式无法识别：明天，请填写如 2026-03-01"),
            err(2, "人数", "整数格式无法识别：十二，请填写整数，如 12"),
            err(3, "姓名", "必填项不能为空"),
            err(3, "出生日期", "必填项不能为空"),
            err(3, "职务", "“主任”不是可选项，请从以下选项中选择：书记、副书记、委员、纪检委员"),
            err(3, "人数", "整数格式无法识别：2.5，请填写整数，如 12"),
            err(4, "出生日期", "日期格式无法识别：2026-02-30，请填写如 2026-03-01"),
        ]
    );
    assert_eq!(table.errors[0].to_string(), "第2行「出生日期」：日期格式无法识别：明天，请填写如 2026-03-01");
    // Rows with errors are still returned, keeping what the user typed.
    assert_eq!(table.rows.len(), 3);
    assert_eq!(table.rows[0].cells[1], "明天");
    assert!(!table.is_ok());
}

#[test]
fn numeric_cells_in_date_and_integer_columns() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write(0, 0, "出生日期").unwrap();
    sheet.write(0, 1, "人数").unwrap();
    sheet.write(1, 0, 20_260_301).unwrap(); // yyyymmdd typed as a number
    sheet.write(1, 1, 12.0).unwrap();
    sheet.write(2, 0, 60).unwrap(); // Excel's fictitious 1900-02-29
    sheet.write(2, 1, 2.5).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let columns = [Column::date("出生日期", 10.0), Column::integer("人数", 10.0)];
    let table = read_table(&bytes, &columns).unwrap();
    assert_eq!(table.rows[0].cells, strings(&["2026-03-01", "12"]));
    let messages: Vec<&str> = table.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["日期格式无法识别：60，请填写如 2026-03-01", "整数格式无法识别：2.5，请填写整数，如 12"]);
}

#[test]
fn missing_columns() {
    let columns = member_columns();
    // Header present but the required 出生日期 column is missing.
    let partial = [Column::text("姓名", 10.0), Column::text("职务", 10.0)];
    let bytes = write_table("名单", None, &partial, &[vec!["张三".into(), "书记".into()]]).unwrap();
    match read_table(&bytes, &columns) {
        Err(OfficeError::MissingColumns(missing)) => assert_eq!(missing, ["出生日期"]),
        other => panic!("unexpected {other:?}"),
    }
    // Missing optional columns are fine and read as "".
    let only_required = [Column::text("姓名", 10.0), Column::date("出生日期", 10.0)];
    let bytes = template("名单", None, &only_required).unwrap();
    assert_eq!(read_table(&bytes, &columns).unwrap().rows, vec![]);

    // No header at all: name the required columns.
    let other = [Column::text("单位", 10.0)];
    let bytes = write_table("其他", None, &other, &[vec!["县委办".into()]]).unwrap();
    let err = read_table(&bytes, &columns).unwrap_err();
    assert_eq!(err.to_string(), "找不到表头，缺少列：姓名、出生日期");
}

#[test]
fn unreadable_files() {
    for bytes in [&b""[..], b"not an excel file at all", b"PK\x03\x04garbage"] {
        let err = read_table(bytes, &member_columns()).unwrap_err();
        assert!(matches!(err, OfficeError::Unreadable(_)), "{err:?}");
        assert!(err.to_string().starts_with("无法读取文件："));
    }
}

#[test]
fn template_has_headers_and_drop_downs() {
    let long_choices: Vec<String> = (1..=60).map(|i| format!("第{i}党支部")).collect();
    let mut columns = member_columns();
    columns.push(Column::text("所在支部", 20.0).choices(long_choices.clone()));
    let bytes = template("班子成员", Some("班子成员名单"), &columns).unwrap();

    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(workbook.sheet_names(), ["班子成员", "下拉选项"]);
    let range = workbook.worksheet_range("班子成员").unwrap();
    let header: Vec<String> = (0..7).map(|c| range.get_value((1, c)).unwrap().to_string()).collect();
    assert_eq!(header, ["姓名", "出生日期", "职务", "人数", "联系电话", "任职时间", "所在支部"]);
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("班子成员名单".into())));

    // The long list lives on the hidden sheet.
    let lists = workbook.worksheet_range("下拉选项").unwrap();
    let listed: Vec<String> = lists.rows().map(|r| r[0].to_string()).collect();
    assert_eq!(listed, long_choices);
    let workbook_xml = zip_entry(&bytes, "xl/workbook.xml");
    assert!(workbook_xml.contains(r#"state="hidden""#), "{workbook_xml}");

    let sheet_xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains(r#"sqref="C3:C2002""#), "{sheet_xml}");
    assert!(sheet_xml.contains("<formula1>\"书记,副书记,委员,纪检委员\"</formula1>"));
    assert!(sheet_xml.contains(r#"sqref="G3:G2002""#));
    assert!(sheet_xml.contains("<formula1>下拉选项!$A$1:$A$60</formula1>"), "{sheet_xml}");
    assert!(sheet_xml.contains(r#"ySplit="2""#), "frozen below the header");
    assert!(zip_entry(&bytes, "xl/comments1.xml").contains("必填项"));

    let table = read_table(&bytes, &columns).unwrap();
    assert_eq!(table.rows, vec![]);
    assert_eq!(table.errors, vec![]);
}

// ------------------------------------------------------------------ limits on uploads
//
// Crafted workbooks written part by part, the way an attacker would: what a part
// declares costs nothing to write.

const SHEET_NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;

/// A zip of the given parts, deflated.
fn zip_parts(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The parts of a workbook with one worksheet: `sheet_data` is the XML between
/// `<worksheet>` and `</worksheet>`; `shared` the `<si>` elements of the shared strings.
fn workbook_parts(sheet_data: &str, shared: Option<&str>) -> Vec<(&'static str, Vec<u8>)> {
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook {SHEET_NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let sheet = format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {SHEET_NS}>{sheet_data}</worksheet>"#);
    let mut parts = vec![
        ("xl/workbook.xml", workbook.into_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ];
    if let Some(si) = shared {
        parts.push((
            "xl/sharedStrings.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst {SHEET_NS}>{si}</sst>"#).into_bytes(),
        ));
    }
    parts
}

fn raw_xlsx(sheet_data: &str, shared: Option<&str>) -> Vec<u8> {
    zip_parts(&workbook_parts(sheet_data, shared))
}

/// An inline string cell.
fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Header 姓名 and 出生日期 in row 1, one person in row 2, then `more` (cells or rows).
fn people_sheet(dimension: Option<&str>, more: &str) -> String {
    let dimension = dimension.map(|d| format!(r#"<dimension ref="{d}"/>"#)).unwrap_or_default();
    format!(
        r#"{dimension}<sheetData><row r="1">{}{}</row><row r="2">{}{}</row>{more}</sheetData>"#,
        text_cell("A1", "姓名"),
        text_cell("B1", "出生日期"),
        text_cell("A2", "张三"),
        text_cell("B2", "1980-05-17"),
    )
}

fn people_columns() -> Vec<Column> {
    vec![Column::text("姓名", 10.0).required(), Column::date("出生日期", 10.0)]
}

#[track_caller]
fn assert_limit(result: Result<qingfeng_office::ReadTable, OfficeError>, limit: Limit, found: u64, max: u64) -> String {
    match result {
        Err(OfficeError::LimitExceeded { limit: l, found: f, max: m }) if (l, f, m) == (limit, found, max) => {
            let message = OfficeError::LimitExceeded { limit, found, max }.to_string();
            assert!(message.starts_with("表格超过限制："), "{message}");
            message
        }
        other => panic!("expected {limit:?} {found} over {max}, got {other:?}"),
    }
}

#[test]
fn crafted_files_within_the_limits_read() {
    let bytes = raw_xlsx(&people_sheet(Some("A1:B2"), ""), None);
    let table = read_table(&bytes, &people_columns()).unwrap();
    assert_eq!(table.rows, vec![ReadRow { row_number: 2, cells: strings(&["张三", "1980-05-17"]) }]);
    // Right at the limits: the last row and column allowed, and no dimension at all.
    let last = format!("{}{}", "IV", MAX_ROWS);
    let edge = format!(r#"<row r="{MAX_ROWS}">{}</row>"#, text_cell(&last, "备注"));
    let bytes = raw_xlsx(&people_sheet(Some(&format!("A1:{last}")), &edge), None);
    assert_eq!(read_table(&bytes, &people_columns()).unwrap().rows.len(), 1);
    let bytes = raw_xlsx(&people_sheet(None, &edge), None);
    assert_eq!(read_table(&bytes, &people_columns()).unwrap().rows.len(), 1);
    assert_eq!(MAX_COLUMNS, 256, "IV is the last column allowed");

    // Cells out of order, and twice at one position: the later one counts, as in
    // calamine's own ranges.
    let shuffled = format!(
        r#"<sheetData><row r="2">{}{}{}</row><row r="1">{}{}</row></sheetData>"#,
        text_cell("B2", "2001-02-03"),
        text_cell("A2", "旧"),
        text_cell("A2", "新"),
        text_cell("B1", "出生日期"),
        text_cell("A1", "姓名"),
    );
    let bytes = raw_xlsx(&shuffled, None);
    let table = read_table(&bytes, &people_columns()).unwrap();
    assert_eq!(table.rows, vec![ReadRow { row_number: 2, cells: strings(&["新", "2001-02-03"]) }]);
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes.as_slice())).unwrap();
    let range = workbook.worksheet_range("名单").unwrap();
    assert_eq!(range.get_value((1, 0)), Some(&Data::String("新".into())));
}

/// 1.6 KB that used to make the reader allocate 512 GiB: the whole sheet declared, with
/// cells in its two far corners.
fn two_corners() -> Vec<u8> {
    raw_xlsx(&people_sheet(Some("A1:XFD1048576"), r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#), None)
}

#[test]
fn declared_dimension_over_the_limits() {
    let bytes = two_corners();
    assert!(bytes.len() < 2_000, "{}", bytes.len());
    let message = assert_limit(read_table(&bytes, &people_columns()), Limit::Columns, 16_384, 256);
    assert!(message.starts_with("表格超过限制：列数 16384 超过上限 256"), "{message}");

    // Rows alone: a declaration is refused even when the cells are few.
    let bytes = raw_xlsx(&people_sheet(Some("A1:B1048576"), ""), None);
    let message = assert_limit(read_table(&bytes, &people_columns()), Limit::Rows, 1_048_576, 200_000);
    assert!(message.starts_with("表格超过限制：行数 1048576 超过上限 200000"), "{message}");
}

#[test]
fn cells_over_the_limits_behind_a_small_dimension() {
    // The dimension says A1:B2 (or nothing); the cells say otherwise.
    for dimension in [Some("A1:B2"), None] {
        let far_column = format!(r#"<row r="3">{}</row>"#, text_cell("IW3", "x"));
        let bytes = raw_xlsx(&people_sheet(dimension, &far_column), None);
        assert_limit(read_table(&bytes, &people_columns()), Limit::Columns, 257, 256);

        let far_row = format!(r#"<row r="200001">{}</row>"#, text_cell("A200001", "李四"));
        let bytes = raw_xlsx(&people_sheet(dimension, &far_row), None);
        assert_limit(read_table(&bytes, &people_columns()), Limit::Rows, 200_001, 200_000);
    }
    // Empty cells cost nothing and are not held against the file.
    let empty_far = r#"<row r="1048576"><c r="XFD1048576" s="1"/></row>"#;
    let bytes = raw_xlsx(&people_sheet(None, empty_far), None);
    assert_eq!(read_table(&bytes, &people_columns()).unwrap().rows.len(), 1);
}

#[test]
fn too_many_rows_and_cells() {
    // 20 rows of 2 cells after the header: 42 non-empty cells.
    let rows: String = (3..=22)
        .map(|r| {
            format!(
                r#"<row r="{r}">{}{}</row>"#,
                text_cell(&format!("A{r}"), "王五"),
                text_cell(&format!("B{r}"), "2000-01-01")
            )
        })
        .collect();
    let bytes = raw_xlsx(&people_sheet(None, &rows), None);
    assert_eq!(read_table(&bytes, &people_columns()).unwrap().rows.len(), 21);
    let limits = ReadLimits { cells: 40, ..ReadLimits::default() };
    assert_limit(read_table_with_limits(&bytes, &people_columns(), &limits), Limit::Cells, 41, 40);
    let limits = ReadLimits { rows: 20, ..ReadLimits::default() };
    assert_limit(read_table_with_limits(&bytes, &people_columns(), &limits), Limit::Rows, 21, 20);
    let limits = ReadLimits { columns: 1, ..ReadLimits::default() };
    assert_limit(read_table_with_limits(&bytes, &people_columns(), &limits), Limit::Columns, 2, 1);
    let limits = ReadLimits { time: Duration::ZERO, ..ReadLimits::default() };
    let message = assert_limit(read_table_with_limits(&bytes, &people_columns(), &limits), Limit::Time, 1, 0);
    assert!(message.starts_with("表格超过限制：读取用时 1 秒 超过上限 0 秒"), "{message}");
}

#[test]
fn huge_shared_strings() {
    let shared_cell = r#"<row r="3"><c r="A3" t="s"><v>0</v></c></row>"#;
    // One string longer than a cell may hold, refused while the zip is checked: before
    // calamine loads the table.
    let long = "长".repeat(40_000);
    let bytes = raw_xlsx(&people_sheet(None, shared_cell), Some(&format!("<si><t>{long}</t></si>")));
    let message = assert_limit(read_table(&bytes, &people_columns()), Limit::CellChars, 40_000, 32_767);
    assert!(message.starts_with("表格超过限制：单元格字符数 40000 超过上限 32767"), "{message}");
    // Exactly 32,767 characters are fine.
    let ok = "长".repeat(32_767);
    let bytes = raw_xlsx(&people_sheet(None, shared_cell), Some(&format!("<si><t>{ok}</t></si>")));
    assert_eq!(read_table(&bytes, &people_columns()).unwrap().rows[1].cells[0], ok);

    // A string bigger than a part may be: 2 MiB against a 1 MiB limit (the real case was
    // 1 GiB in a 1 MB file, against the default 200 MiB).
    let big = "a".repeat(2 << 20);
    let bytes = raw_xlsx(&people_sheet(None, shared_cell), Some(&format!("<si><t>{big}</t></si>")));
    assert!(bytes.len() < 20_000, "{}", bytes.len());
    let limits = ReadLimits { part_bytes: 1 << 20, ..ReadLimits::default() };
    let declared = (2 << 20) + 200;
    match read_table_with_limits(&bytes, &people_columns(), &limits) {
        Err(OfficeError::LimitExceeded { limit: Limit::PartBytes, found, max }) => {
            assert_eq!(max, 1 << 20);
            assert!((2 << 20..declared).contains(&found), "{found}");
        }
        other => panic!("{other:?}"),
    }

    // Many strings: no more than cells.
    let limits = ReadLimits { cells: 2, ..ReadLimits::default() };
    let bytes = raw_xlsx(&people_sheet(None, ""), Some("<si><t>a</t></si><si><t>b</t></si><si><t>c</t></si>"));
    assert_limit(read_table_with_limits(&bytes, &people_columns(), &limits), Limit::SharedStrings, 3, 2);

    // An inline string too long, met while streaming cells.
    let inline = format!(r#"<row r="3">{}</row>"#, text_cell("A3", &"长".repeat(32_768)));
    let bytes = raw_xlsx(&people_sheet(None, &inline), None);
    assert_limit(read_table(&bytes, &people_columns()), Limit::CellChars, 32_768, 32_767);

    // Many cells pointing at one long string: each would become its own copy.
    let cells: String = (3..=12).map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#)).collect();
    let bytes = raw_xlsx(&people_sheet(None, &cells), Some(&format!("<si><t>{}</t></si>", "长".repeat(1_000))));
    assert_eq!(read_table(&bytes, &people_columns()).unwrap().rows.len(), 11);
    let limits = ReadLimits { sheet_chars: 5_000, ..ReadLimits::default() };
    // 姓名 出生日期 张三 1980-05-17 (2 + 4 + 2 + 10 characters), then 1,000 per cell.
    assert_limit(read_table_with_limits(&bytes, &people_columns(), &limits), Limit::SheetChars, 5_018, 5_000);
}

/// Rewrites the uncompressed size `name` declares, in its local header and in the
/// central directory; the data and its checksum stay true.
fn lie_about_size(bytes: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for p in 0..bytes.len().saturating_sub(46) {
        let (size_at, name_at) = match &bytes[p..p + 4] {
            b"PK\x03\x04" => (p + 22, p + 30),
            b"PK\x01\x02" => (p + 24, p + 46),
            _ => continue,
        };
        if bytes[name_at..].starts_with(name.as_bytes()) {
            bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local header and central directory");
}

#[test]
fn a_header_lying_about_a_part_size() {
    // A worksheet padded with 4 MiB of spaces that declares 1,000 bytes.
    let padding = " ".repeat(4 << 20);
    let mut bytes = raw_xlsx(&people_sheet(None, &padding), None);
    let limits = ReadLimits { part_bytes: 1 << 20, ..ReadLimits::default() };
    match read_table_with_limits(&bytes, &people_columns(), &limits) {
        Err(OfficeError::LimitExceeded { limit: Limit::PartBytes, found, .. }) => assert!(found > 4 << 20),
        other => panic!("the honest header is refused first: {other:?}"),
    }
    lie_about_size(&mut bytes, "xl/worksheets/sheet1.xml", 1_000);
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(archive.by_name("xl/worksheets/sheet1.xml").unwrap().size(), 1_000, "the lie is what zip sees");
    // The real size is found while decompressing, and reading stops right past the limit.
    assert_limit(read_table_with_limits(&bytes, &people_columns(), &limits), Limit::PartBytes, (1 << 20) + 1, 1 << 20);

    // The total over all parts, declared and real.
    let limits = ReadLimits { total_bytes: 3 << 20, ..ReadLimits::default() };
    match read_table_with_limits(&bytes, &people_columns(), &limits) {
        Err(OfficeError::LimitExceeded { limit: Limit::TotalBytes, found, max }) => {
            assert_eq!(max, 3 << 20);
            assert!(found > 3 << 20, "{found}");
        }
        other => panic!("{other:?}"),
    }
    let honest = raw_xlsx(&people_sheet(None, &padding), None);
    match read_table_with_limits(&honest, &people_columns(), &limits) {
        Err(OfficeError::LimitExceeded { limit: Limit::TotalBytes, found, .. }) => assert!(found > 4 << 20),
        other => panic!("{other:?}"),
    }
    // Within the default limits the padded file reads.
    assert_eq!(read_table(&honest, &people_columns()).unwrap().rows.len(), 1);
}

#[test]
fn too_many_zip_entries() {
    let mut parts = workbook_parts(&people_sheet(None, ""), None);
    let names: Vec<String> = (0..MAX_ZIP_ENTRIES).map(|i| format!("customXml/item{i}.xml")).collect();
    for name in &names {
        parts.push((name.as_str(), Vec::new()));
    }
    let bytes = zip_parts(&parts);
    let message = assert_limit(read_table(&bytes, &people_columns()), Limit::ZipEntries, 1_003, 1_000);
    assert!(message.starts_with("表格超过限制：压缩包内文件数 1003 超过上限 1000"), "{message}");
    // Without the extra entries the same workbook reads.
    assert_eq!(read_table(&zip_parts(&parts[..3]), &people_columns()).unwrap().rows.len(), 1);

    // A ZIP64 end record may declare a 64-bit count; it is refused before the zip
    // directory is read (the zip crate reserves memory for the declared count).
    let mut zip64 = Vec::new();
    zip64.extend_from_slice(b"PK\x06\x06");
    zip64.extend_from_slice(&44u64.to_le_bytes()); // size of the rest of the record
    zip64.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // versions, disks
    zip64.extend_from_slice(&1_000_000_000_000u64.to_le_bytes()); // entries on this disk
    zip64.extend_from_slice(&1_000_000_000_000u64.to_le_bytes()); // entries in total
    zip64.extend_from_slice(&[0; 16]); // directory size and offset
    zip64.extend_from_slice(b"PK\x06\x07");
    zip64.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]); // locator
    zip64.extend_from_slice(b"PK\x05\x06");
    zip64.extend_from_slice(&[0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]);
    assert_limit(read_table(&zip64, &people_columns()), Limit::ZipEntries, 1_000_000_000_000, 1_000);
}

#[test]
fn only_xlsx_is_read() {
    // Legacy .xls (and encrypted .xlsx) are compound files.
    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.resize(4096, 0);
    let err = read_table(&cfb, &people_columns()).unwrap_err();
    assert_eq!(err.to_string(), "无法读取文件：文件是旧版 .xls 格式或已加密，请上传 .xlsx 格式的 Excel 文件");
    // A zip that is not a workbook.
    let bytes = zip_parts(&[("readme.txt", b"hello".to_vec())]);
    assert!(matches!(read_table(&bytes, &people_columns()), Err(OfficeError::Unreadable(_))));
    // A reversed dimension and a row number past u32 make calamine's arithmetic overflow:
    // a panic in debug builds (caught: unreadable), a wrapped row number in release builds
    // (over the row limit). Either way an error, never a crash.
    let bytes = raw_xlsx(&people_sheet(Some("B2:A1"), r#"<row r="3"><c r="A99999999999"><v>1</v></c></row>"#), None);
    assert!(read_table(&bytes, &people_columns()).is_err());
}

/// A problem spanning two measures: its number, text and date merged over both rows, a
/// title and a note above the header, print setup; reading gives every row the merged values.
#[test]
fn merged_cells_round_trip_and_print_setup() {
    let columns = vec![
        Column::text("序号", 6.0),
        Column::text("问题描述", 40.0).required(),
        Column::text("整改措施", 40.0),
        Column::date("发现日期", 12.0),
        Column::text("内部列", 10.0),
    ];
    let row = |n: &str, d: &str, m: &str| -> Vec<CellValue> {
        vec![n.into(), d.into(), m.into(), date(2026, 3, 1).into(), "x".into()]
    };
    let rows = vec![row("1", "问题甲", "措施一"), row("1", "问题甲", "措施二"), row("2", "问题乙", "措施三")];
    let bytes = Table::new("整改台账", &columns, &rows)
        .title("中共某县委办公室问题整改台账")
        .note("单位：某县委办　导出日期：2026-03-01")
        .span(0, 2, 0)
        .span(0, 2, 1)
        .span(0, 2, 3)
        .span(2, 1, 0) // a single row is not merged
        .print_columns(4)
        .write()
        .unwrap();
    let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    for merged in ["A1:D1", "A2:D2", "A4:A5", "B4:B5", "D4:D5"] {
        assert!(sheet.contains(&format!(r#"<mergeCell ref="{merged}"/>"#)), "{merged}: {sheet}");
    }
    assert!(!sheet.contains(r#"ref="A6:A6""#));
    assert!(sheet.contains(r#"paperSize="9""#) && sheet.contains(r#"orientation="landscape""#), "{sheet}");
    assert!(sheet.contains(r#"fitToHeight="0""#) && sheet.contains(r#"fitToPage="1""#), "{sheet}");
    assert!(sheet.contains("第 &amp;P 页 共 &amp;N 页"), "{sheet}");
    let workbook = zip_entry(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("_xlnm.Print_Titles") && workbook.contains("$3:$3"), "{workbook}");
    assert!(workbook.contains("_xlnm.Print_Area") && workbook.contains("$A$1:$D$6"), "{workbook}");

    let table = read_table(&bytes, &columns).unwrap();
    assert_eq!(table.errors, vec![]);
    let cells: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.clone()).collect();
    assert_eq!(
        cells,
        vec![
            strings(&["1", "问题甲", "措施一", "2026-03-01", "x"]),
            strings(&["1", "问题甲", "措施二", "2026-03-01", "x"]),
            strings(&["2", "问题乙", "措施三", "2026-03-01", "x"]),
        ]
    );
    assert_eq!(table.rows[0].row_number, 4);
}

/// The same sheet written block by block in constant memory ([`Table::stream`]): the same
/// merged cells, print setup and values; and a table over [`CONSTANT_MEMORY_ROWS`] rows,
/// which [`Table::write`] writes in constant memory, reads back whole and in order.
#[test]
fn streamed_sheets_keep_merges_print_setup_and_order() {
    let columns = vec![
        Column::text("序号", 6.0),
        Column::text("问题描述", 40.0).required(),
        Column::text("整改措施", 40.0),
        Column::date("发现日期", 12.0),
        Column::text("内部列", 10.0).choices(vec!["甲".into(), "乙".into()]),
    ];
    let row = |n: &str, d: &str, m: &str| -> Vec<CellValue> {
        vec![n.into(), d.into(), m.into(), date(2026, 3, 1).into(), "甲".into()]
    };
    let table = Table::new("整改台账", &columns, &[])
        .title("中共某县委办公室问题整改台账")
        .note("单位：某县委办　导出日期：2026-03-01")
        .print_columns(4);
    let mut sheet = table.stream().unwrap();
    sheet.push(&[row("1", "问题甲", "措施一"), row("1", "问题甲", "措施二")], &[0, 1, 3]).unwrap();
    sheet.push(&[row("2", "问题乙", "措施三")], &[0, 1, 3]).unwrap();
    assert_eq!(sheet.rows(), 3);
    let bytes = sheet.finish().unwrap();
    let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    for merged in ["A1:D1", "A2:D2", "A4:A5", "B4:B5", "D4:D5"] {
        assert!(xml.contains(&format!(r#"<mergeCell ref="{merged}"/>"#)), "{merged}: {xml}");
    }
    assert!(xml.contains(r#"paperSize="9""#) && xml.contains(r#"fitToPage="1""#), "{xml}");
    assert!(xml.contains(r#"<dataValidation type="list""#) && xml.contains(r#"sqref="E4:E2003""#), "{xml}");
    let workbook = zip_entry(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("$3:$3") && workbook.contains("$A$1:$D$6"), "{workbook}");
    let cells: Vec<Vec<String>> = read_table(&bytes, &columns).unwrap().rows.into_iter().map(|r| r.cells).collect();
    assert_eq!(cells[1], strings(&["1", "问题甲", "措施二", "2026-03-01", "甲"]));
    assert_eq!(cells.len(), 3);

    let n = qingfeng_office::CONSTANT_MEMORY_ROWS + 500;
    let rows: Vec<Vec<CellValue>> =
        (1..=n).map(|i| row(&i.to_string(), &format!("问题{i}"), &"措施".repeat(i % 40 + 1))).collect();
    let bytes = Table::new("整改台账", &columns, &rows).title("大表").span(0, 2, 0).write().unwrap();
    let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"t="inlineStr""#), "constant memory mode writes strings inline");
    assert!(xml.contains(r#"<mergeCell ref="A3:A4"/>"#));
    let read = read_table(&bytes, &columns).unwrap();
    assert_eq!(read.errors, vec![]);
    assert_eq!(read.rows.len(), n);
    assert_eq!(read.rows[1].cells[0], "1", "the merged number on its second row");
    assert_eq!(read.rows[n - 1].cells[..2], strings(&[&n.to_string(), &format!("问题{n}")])[..]);
}

/// Past [`MERGED_ROWS`] a streamed sheet stops merging: each row of a block repeats the first
/// row's value in the merged columns, so the sheet reads back as if it were merged. Past
/// [`FITTED_ROWS`] rows of wrapped text keep the default height.
#[test]
fn long_streamed_sheets_repeat_span_values_instead_of_merging() {
    let columns = vec![Column::text("序号", 6.0), Column::text("问题描述", 30.0), Column::text("整改措施", 30.0)];
    let mut sheet = Table::new("整改台账", &columns, &[]).stream().unwrap();
    let blocks = qingfeng_office::MERGED_ROWS.max(qingfeng_office::FITTED_ROWS) / 2 + 2;
    let long = "按照巡察反馈意见逐条对照检查，建立整改台账，明确责任人和完成时限，限期整改到位";
    for i in 1..=blocks {
        let first: Vec<CellValue> = vec![i.to_string().into(), format!("问题{i}：{long}").into(), "措施一".into()];
        // the merged columns are given on the first row only
        let second: Vec<CellValue> = vec![CellValue::Empty, CellValue::Empty, "措施二".into()];
        sheet.push(&[first, second], &[0, 1]).unwrap();
    }
    let bytes = sheet.finish().unwrap();
    let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    // the header is row 1: the first block's rows are 2 and 3
    assert!(xml.contains(r#"<mergeCell ref="A2:A3"/>"#), "early blocks are merged");
    let last_row = 1 + 2 * blocks;
    assert!(!xml.contains(&format!(r#"<mergeCell ref="A{}:A{last_row}"/>"#, last_row - 1)), "late blocks are not");
    // the long description wraps: early rows are given the height of its lines (a merged cell's
    // lines go to its last row), late ones not
    let row_tag =
        |r: usize| xml.split(&format!(r#"<row r="{r}""#)).nth(1).map(|t| t[..t.find('>').unwrap()].to_string());
    assert!(row_tag(3).unwrap().contains("customHeight"), "{:?}", row_tag(3));
    assert!(!row_tag(last_row - 1).unwrap().contains("customHeight"), "{:?}", row_tag(last_row - 1));
    let read = read_table(&bytes, &columns).unwrap();
    assert_eq!(read.errors, vec![]);
    assert_eq!(read.rows.len(), 2 * blocks);
    let b = blocks.to_string();
    assert_eq!(read.rows[2 * blocks - 1].cells, strings(&[&b, &format!("问题{b}：{long}"), "措施二"]));
    assert_eq!(read.rows[1].cells, strings(&["1", &format!("问题1：{long}"), "措施二"]));
}

/// A merge over more rows than the limits allow, and more merged regions than allowed.
#[test]
fn merged_regions_within_the_limits() {
    let merged = |refs: &[&str]| {
        let list: String = refs.iter().map(|r| format!(r#"<mergeCell ref="{r}"/>"#)).collect();
        raw_xlsx(&format!(r#"{}<mergeCells count="{}">{list}</mergeCells>"#, people_sheet(None, ""), refs.len()), None)
    };
    let table = read_table(&merged(&["A2:A4"]), &people_columns()).unwrap();
    assert_eq!(table.rows.len(), 3, "{table:?}");
    assert!(table.rows.iter().all(|r| r.cells[0] == "张三"));
    let limits = ReadLimits { cells: 5, ..ReadLimits::default() };
    assert_limit(read_table_with_limits(&merged(&["A2:A9"]), &people_columns(), &limits), Limit::Cells, 6, 5);
    let limits = ReadLimits { rows: 20, ..ReadLimits::default() };
    assert_limit(read_table_with_limits(&merged(&["A2:A30"]), &people_columns(), &limits), Limit::Rows, 30, 20);
    // every occurrence of the name counts, the <mergeCells> start and end tags included
    let limits = ReadLimits { merged_regions: 3, ..ReadLimits::default() };
    assert_limit(
        read_table_with_limits(&merged(&["C5:C6", "D5:D6", "E5:E6"]), &people_columns(), &limits),
        Limit::MergedRegions,
        5,
        3,
    );
}
