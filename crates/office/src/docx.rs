//! Word documents to print and sign, laid out to 党政机关公文格式 (GB/T 9704-2012): A4, margins
//! 37/35/28/26 mm (版心 156 × 225 mm), title in 方正小标宋简体 二号, body in 仿宋_GB2312 三号 in
//! 22 lines × 28 characters, headings in 黑体 (一级) and 楷体 (二级), page numbers
//! "— 1 —" in 四号 宋体 7 mm below the 版心, odd pages right and even pages left (一字 in), the
//! 发文机关署名 and 成文日期 at the end. Knows nothing about the domain; callers give the text.

use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, Paragraph, Run, RunFonts, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

use crate::OfficeError;

/// Half-points (Word's unit for font sizes): 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
const PAGE_NUMBER_SIZE: usize = 28;
const TABLE_SIZE: usize = 24;
/// 22 lines on the 225 mm 版心: 10.23 mm = 28.95 pt = 579 twips a line.
pub const LINE_PITCH: u32 = 579;
/// 28 characters on the 156 mm line: 15.79 pt a character, 0.21 pt less than the 三号 font. Body
/// runs are set 0.25 pt closer (w:spacing, twentieths of a point), which Word, WPS and LibreOffice
/// all honour; a character grid (w:charSpace -849) would say the same to Word, but LibreOffice
/// misreads a negative charSpace and spreads the characters over two cells each.
pub const CHAR_SPACING: i32 = -5;
/// One 三号 character (16 pt) in twips, for indents counted in characters.
const CHAR: i32 = 320;
/// The footer's distance from the page's bottom edge: the page number's line 7 mm under the 版心.
const FOOTER_FROM_EDGE: i32 = 1418;
/// Twentieths of a point (twips): A4 is 11906 × 16838; margins as GB/T 9704 asks (37/35/28/26 mm).
const A4_WIDTH: u32 = 11906;
const A4_HEIGHT: u32 = 16838;
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1587;
const MARGIN_RIGHT: i32 = 1474;

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii("Times New Roman").hi_ansi("Times New Roman")
}

fn run(text: &str, size: usize, font: &str) -> Run {
    let r = Run::new().add_text(text).size(size).fonts(fonts(font));
    if size == BODY_SIZE {
        r.character_spacing(CHAR_SPACING)
    } else {
        r
    }
}

/// A table of the document: its header, the relative width of each column and its rows.
#[derive(Debug, Clone, Default)]
pub struct DocTable {
    pub headers: Vec<String>,
    /// relative widths, one per column
    pub widths: Vec<u32>,
    pub rows: Vec<Vec<String>>,
}

/// A document built top to bottom.
#[derive(Debug, Default)]
pub struct Document {
    blocks: Vec<Block>,
}

#[derive(Debug)]
enum Block {
    Title(String),
    Subtitle(String),
    /// 发文字号 under the title, centred, in the body font
    Reference(String),
    Paragraph {
        text: String,
        indent: bool,
        style: Style,
    },
    Table(DocTable),
    Signatures(Vec<(String, String)>),
    /// 发文机关署名 and 成文日期
    Issuer {
        org: String,
        date: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Body,
    /// 一级标题: 黑体
    Heading,
    /// 二级标题: 楷体
    Subheading,
    /// a part left for people to write, highlighted
    Marked,
}

impl Document {
    pub fn new() -> Self {
        Document::default()
    }

    /// The title, centred, large.
    pub fn title(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Title(text.into()));
        self
    }

    /// A centred line under the title (a reference number, a year).
    pub fn subtitle(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Subtitle(text.into()));
        self
    }

    /// A centred 发文字号 line under the title ("纪检组廉复〔2026〕3号").
    pub fn reference(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Reference(text.into()));
        self
    }

    /// A body paragraph, its first line indented by two characters.
    pub fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Paragraph { text: text.into(), indent: true, style: Style::Body });
        self
    }

    /// A line that starts at the margin, such as "甲方：…" or the 主送机关.
    pub fn line(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Paragraph { text: text.into(), indent: false, style: Style::Body });
        self
    }

    /// A first-level heading ("一、…"), 黑体, indented two characters as GB/T 9704 numbers them.
    pub fn heading(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Paragraph { text: text.into(), indent: true, style: Style::Heading });
        self
    }

    /// A second-level heading ("（一）…"), 楷体.
    pub fn subheading(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Paragraph { text: text.into(), indent: true, style: Style::Subheading });
        self
    }

    /// A paragraph only people can write, marked 【待填写：…】 and highlighted.
    pub fn to_fill(mut self, what: impl AsRef<str>) -> Self {
        let text = format!("【待填写：{}】", what.as_ref());
        self.blocks.push(Block::Paragraph { text, indent: true, style: Style::Marked });
        self
    }

    /// The 发文机关署名 and, on the next line, the 成文日期 ("2026年12月2日"), after one
    /// blank line: the date two characters from the right margin, the issuer starting two
    /// characters before the date (or two from the margin when it is the longer).
    pub fn issuer(mut self, org: impl Into<String>, date: impl Into<String>) -> Self {
        self.blocks.push(Block::Issuer { org: org.into(), date: date.into() });
        self
    }

    pub fn table(mut self, table: DocTable) -> Self {
        self.blocks.push(Block::Table(table));
        self
    }

    /// Signature blocks side by side: for each party its label ("甲方（签字）") and the name
    /// printed under the line; each gets a date line.
    pub fn signatures(mut self, parties: Vec<(String, String)>) -> Self {
        self.blocks.push(Block::Signatures(parties));
        self
    }

    /// The .docx file.
    pub fn into_bytes(self) -> Result<Vec<u8>, OfficeError> {
        let mut docx = Docx::new()
            .page_size(A4_WIDTH, A4_HEIGHT)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_TOP)
                    .bottom(MARGIN_BOTTOM)
                    .left(MARGIN_LEFT)
                    .right(MARGIN_RIGHT)
                    .footer(FOOTER_FROM_EDGE),
            )
            .default_fonts(fonts("仿宋_GB2312"))
            .default_size(BODY_SIZE)
            // the grid's character pitch counts from the Normal style's size (LibreOffice reads 12 pt
            // without it and gives each 三号 character two cells)
            .add_style(
                docx_rs::Style::new("Normal", docx_rs::StyleType::Paragraph)
                    .name("Normal")
                    .size(BODY_SIZE)
                    .fonts(fonts("仿宋_GB2312")),
            )
            .footer(Footer::new().add_paragraph(page_number(AlignmentType::Right)))
            .even_footer(Footer::new().add_paragraph(page_number(AlignmentType::Left)));
        docx.document =
            docx.document.doc_grid(DocGrid::new().grid_type(DocGridType::Lines).line_pitch(LINE_PITCH as usize));
        let mut blocks = self.blocks.into_iter().peekable();
        while let Some(block) = blocks.next() {
            // the last lines of the text go to the page of the issuer and date (no page of a
            // signature alone, GB/T 9704-2012 7.3.5)
            let before_issuer = matches!(blocks.peek(), Some(Block::Issuer { .. }));
            docx = match block {
                Block::Title(t) => docx.add_paragraph(
                    Paragraph::new()
                        .add_run(run(&t, TITLE_SIZE, "方正小标宋简体"))
                        .align(AlignmentType::Center)
                        // a 二号 line is taller than a grid line: off the grid, or each takes two
                        .snap_to_grid(false)
                        .line_spacing(exact().after(LINE_PITCH)),
                ),
                Block::Subtitle(t) => docx.add_paragraph(centred(run(&t, BODY_SIZE, "楷体_GB2312"))),
                Block::Reference(t) => docx.add_paragraph(centred(run(&t, BODY_SIZE, "仿宋_GB2312"))),
                Block::Paragraph { text, indent, style } => {
                    docx.add_paragraph(body_paragraph(&text, indent, style).keep_next(before_issuer))
                }
                Block::Table(t) => docx.add_table(table(&t)),
                Block::Signatures(parties) => docx.add_table(signature_table(&parties)),
                Block::Issuer { org, date } => issuer(docx, &org, &date),
            };
        }
        let mut out = std::io::Cursor::new(Vec::new());
        docx.build().pack(&mut out).map_err(|e| OfficeError::Write(e.to_string()))?;
        Ok(out.into_inner())
    }
}

/// Exact line spacing on the 22-line grid.
fn exact() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE_PITCH as i32)
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center).line_spacing(exact().after(LINE_PITCH))
}

fn body_paragraph(text: &str, indent: bool, style: Style) -> Paragraph {
    let font = match style {
        Style::Heading => "黑体",
        Style::Subheading => "楷体_GB2312",
        Style::Body | Style::Marked => "仿宋_GB2312",
    };
    let mut r = run(text, BODY_SIZE, font);
    if style == Style::Marked {
        r = r.highlight("yellow");
    }
    let p = Paragraph::new().add_run(r).line_spacing(exact()).align(AlignmentType::Both);
    // two characters of a 三号 body
    if indent {
        p.indent(None, Some(docx_rs::SpecialIndentType::FirstLine(2 * CHAR)), None, None)
    } else {
        p
    }
}

/// "— 7 —" in 四号 宋体, one character in from the margin on its side.
fn page_number(side: AlignmentType) -> Paragraph {
    let f = || Run::new().size(PAGE_NUMBER_SIZE).fonts(fonts("宋体"));
    let number = f()
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    let p = Paragraph::new().add_run(f().add_text("— ")).add_run(number).add_run(f().add_text(" —")).align(side);
    let one = Some(PAGE_NUMBER_SIZE as i32 * 10);
    match side {
        AlignmentType::Left => p.indent(one, None, None, None),
        _ => p.indent(None, None, one, None),
    }
}

/// Width in half characters: a CJK character takes two, an ASCII one.
fn half_width(text: &str) -> i32 {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The issuer and the date, right-aligned with their right indents set so that the date ends
/// two characters from the margin and the issuer starts two characters before it.
fn issuer(docx: Docx, org: &str, date: &str) -> Docx {
    let (o, d) = (half_width(org), half_width(date));
    // right indents in half characters: the date 4 (two characters), the issuer so that it starts 4 before it
    let (org_right, date_right) = if d + 4 >= o { (4 + d + 4 - o, 4) } else { (4, o - d) };
    let line = |text: &str, right: i32| {
        Paragraph::new()
            .add_run(run(text, BODY_SIZE, "仿宋_GB2312"))
            .align(AlignmentType::Right)
            .line_spacing(exact())
            .indent(None, None, Some(right * CHAR / 2), None)
    };
    // the blank line and the issuer stay on the page of the date
    docx.add_paragraph(Paragraph::new().line_spacing(exact()).keep_next(true))
        .add_paragraph(line(org, org_right).keep_next(true))
        .add_paragraph(line(date, date_right))
}

/// Text width in twips.
const TEXT_WIDTH: u32 = A4_WIDTH - (MARGIN_LEFT + MARGIN_RIGHT) as u32;

fn cell(text: &str, width: usize, header: bool) -> TableCell {
    let mut r = run(text, TABLE_SIZE, if header { "黑体" } else { "仿宋_GB2312" });
    if header {
        r = r.bold();
    }
    let mut p = Paragraph::new().add_run(r);
    if header {
        p = p.align(AlignmentType::Center);
    }
    TableCell::new().add_paragraph(p).width(width, WidthType::Dxa)
}

fn column_widths(t: &DocTable) -> Vec<usize> {
    let n = t.headers.len().max(1);
    let weights: Vec<u32> = (0..n).map(|i| t.widths.get(i).copied().unwrap_or(1).max(1)).collect();
    let sum: u32 = weights.iter().sum();
    weights.iter().map(|w| (TEXT_WIDTH * w / sum) as usize).collect()
}

fn table(t: &DocTable) -> Table {
    let widths = column_widths(t);
    let header = TableRow::new(t.headers.iter().zip(&widths).map(|(h, w)| cell(h, *w, true)).collect());
    let mut rows = vec![header];
    for r in &t.rows {
        rows.push(TableRow::new(
            widths.iter().enumerate().map(|(i, w)| cell(r.get(i).map_or("", |s| s), *w, false)).collect(),
        ));
    }
    Table::new(rows).set_grid(widths).layout(TableLayoutType::Fixed).width(TEXT_WIDTH as usize, WidthType::Dxa)
}

/// Parties side by side, without borders: label, a blank line to sign on, the printed name and
/// a date line.
fn signature_table(parties: &[(String, String)]) -> Table {
    let n = parties.len().max(1);
    let width = TEXT_WIDTH as usize / n;
    let cells = parties
        .iter()
        .map(|(label, name)| {
            let p = |text: &str| Paragraph::new().add_run(run(text, BODY_SIZE, "仿宋_GB2312"));
            TableCell::new()
                .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::TextWrapping)))
                .add_paragraph(p(&format!("{label}：")))
                .add_paragraph(p(name))
                .add_paragraph(p("日期：    年    月    日"))
                .width(width, WidthType::Dxa)
                .clear_all_border()
        })
        .collect();
    Table::new(vec![TableRow::new(cells)]).set_grid(vec![width; n]).clear_all_border()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn document_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut xml = String::new();
        zip.by_name("word/document.xml").expect("document.xml").read_to_string(&mut xml).unwrap();
        xml
    }

    #[test]
    fn a_document_has_its_text_in_order() {
        let bytes = Document::new()
            .title("2026年度党风廉政建设责任书")
            .line("甲方：县委办公室")
            .paragraph("为落实主体责任，签订本责任书。")
            .table(DocTable {
                headers: vec!["序号".into(), "责任内容".into()],
                widths: vec![1, 6],
                rows: vec![vec!["1".into(), "组织学习<廉政>& 教育".into()]],
            })
            .signatures(vec![("甲方（签字）".into(), "张三".into()), ("乙方（签字）".into(), "李四".into())])
            .into_bytes()
            .unwrap();
        let xml = document_xml(&bytes);
        let at = |s: &str| xml.find(s).unwrap_or_else(|| panic!("{s} missing"));
        assert!(at("责任书") < at("甲方：县委办公室"));
        assert!(at("甲方：县委办公室") < at("为落实主体责任"));
        assert!(at("序号") < at("组织学习"));
        // the text is escaped, not markup
        assert!(xml.contains("组织学习&lt;廉政&gt;&amp; 教育"), "escaped text");
        assert!(at("组织学习") < at("乙方（签字）"));
        assert!(xml.contains("日期："));
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut xml = String::new();
        zip.by_name(name).unwrap_or_else(|_| panic!("{name}")).read_to_string(&mut xml).unwrap();
        xml
    }

    #[test]
    fn the_layout_follows_gb_t_9704() {
        let bytes = Document::new()
            .title("关于王芳同志党风廉政情况的回复意见")
            .reference("纪检组廉复〔2026〕3号")
            .line("中共某县委组织部：")
            .heading("一、基本情况")
            .subheading("（一）学习教育")
            .paragraph("经查，未发现问题。")
            .to_fill("存在的问题")
            .issuer("派驻纪检监察组", "2026年12月2日")
            .into_bytes()
            .unwrap();
        let xml = document_xml(&bytes);
        // 22 lines of 28 characters, exact 28.95 pt lines, margins 37/35/28/26 mm
        assert!(xml.contains(r#"w:type="lines" w:linePitch="579""#), "{xml}");
        assert!(xml.contains(r#"<w:spacing w:val="-5" />"#), "body runs 0.25 pt closer: {xml}");
        assert!(
            xml.contains(r#"w:line="579" w:lineRule="exact""#) || xml.contains(r#"w:lineRule="exact" w:line="579""#)
        );
        assert!(xml.contains(r#"w:top="2098""#) && xml.contains(r#"w:bottom="1984""#));
        assert!(xml.contains(r#"w:left="1587""#) && xml.contains(r#"w:right="1474""#));
        // title 二号 小标宋, body 三号 仿宋, headings 黑体 and 楷体
        assert!(xml.contains(r#"<w:sz w:val="44" />"#) || xml.contains(r#"<w:sz w:val="44"/>"#));
        for font in ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"] {
            assert!(xml.contains(font), "{font}");
        }
        assert!(xml.contains("【待填写：存在的问题】") && xml.contains("yellow"));
        let at = |s: &str| xml.find(s).unwrap_or_else(|| panic!("{s} missing"));
        assert!(at("未发现问题") < at("派驻纪检监察组") && at("派驻纪检监察组") < at("2026年12月2日"));
        // odd and even footers: "— PAGE —" in 四号 宋体
        let settings = part(&bytes, "word/settings.xml");
        assert!(settings.contains("evenAndOddHeaders"), "{settings}");
        let footers: Vec<String> = (1..=2).map(|n| part(&bytes, &format!("word/footer{n}.xml"))).collect();
        for f in &footers {
            assert!(f.contains("— ") && f.contains(" —") && f.contains("PAGE") && f.contains("宋体"), "{f}");
        }
        assert!(
            footers.iter().any(|f| f.contains(r#"w:val="right""#))
                && footers.iter().any(|f| f.contains(r#"w:val="left""#))
        );
    }

    #[test]
    fn the_issuer_starts_two_characters_before_the_date() {
        // 派驻纪检监察组: 7 characters (14 half), date 2026年12月2日: 3 CJK + 7 digits = 13 half
        assert_eq!(half_width("派驻纪检监察组"), 14);
        assert_eq!(half_width("2026年12月2日"), 13);
    }
}
