//! Word documents to print and sign: a title, paragraphs, one table and signature lines, laid
//! out as offices lay out a 责任书 (A4, title in 小标宋/黑体, body in 仿宋, table with borders).
//! Knows nothing about the domain; callers give the text.

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Table, TableCell,
    TableLayoutType, TableRow, WidthType,
};

use crate::OfficeError;

/// Half-points (Word's unit for font sizes): 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
const TABLE_SIZE: usize = 24;
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
    Run::new().add_text(text).size(size).fonts(fonts(font))
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
    Paragraph { text: String, indent: bool, bold: bool },
    Table(DocTable),
    Signatures(Vec<(String, String)>),
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

    /// A body paragraph, its first line indented by two characters.
    pub fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Paragraph { text: text.into(), indent: true, bold: false });
        self
    }

    /// A line that starts at the margin, such as "甲方：…".
    pub fn line(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Paragraph { text: text.into(), indent: false, bold: false });
        self
    }

    /// A bold line at the margin: a section heading.
    pub fn heading(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Paragraph { text: text.into(), indent: false, bold: true });
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
            .page_margin(PageMargin::new().top(MARGIN_TOP).bottom(MARGIN_BOTTOM).left(MARGIN_LEFT).right(MARGIN_RIGHT))
            .default_fonts(fonts("仿宋_GB2312"))
            .default_size(BODY_SIZE);
        for block in self.blocks {
            docx = match block {
                Block::Title(t) => docx.add_paragraph(
                    Paragraph::new()
                        .add_run(run(&t, TITLE_SIZE, "方正小标宋简体"))
                        .align(AlignmentType::Center)
                        .line_spacing(LineSpacing::new().after(240)),
                ),
                Block::Subtitle(t) => docx.add_paragraph(
                    Paragraph::new()
                        .add_run(run(&t, BODY_SIZE, "楷体_GB2312"))
                        .align(AlignmentType::Center)
                        .line_spacing(LineSpacing::new().after(240)),
                ),
                Block::Paragraph { text, indent, bold } => docx.add_paragraph(body_paragraph(&text, indent, bold)),
                Block::Table(t) => docx.add_table(table(&t)),
                Block::Signatures(parties) => docx.add_table(signature_table(&parties)),
            };
        }
        let mut out = std::io::Cursor::new(Vec::new());
        docx.build().pack(&mut out).map_err(|e| OfficeError::Write(e.to_string()))?;
        Ok(out.into_inner())
    }
}

fn body_paragraph(text: &str, indent: bool, bold: bool) -> Paragraph {
    let mut r = run(text, BODY_SIZE, if bold { "黑体" } else { "仿宋_GB2312" });
    if bold {
        r = r.bold();
    }
    let p = Paragraph::new().add_run(r).line_spacing(LineSpacing::new().line(560));
    // two characters of a 三号 body (16 pt = 320 twips each)
    if indent {
        p.indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
    } else {
        p
    }
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
}
