use std::io::{Cursor, Read};

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use chrono::NaiveDate;
use qingfeng_office::{read_table, template, write_table, CellError, CellValue, Column, OfficeError, ReadRow};
use rust_xlsxwriter::{Format, Workbook};

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
