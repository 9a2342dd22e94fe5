//! File downloads: an .xlsx or .docx attachment with its Chinese file name.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// An .xlsx download.
pub fn xlsx(bytes: Vec<u8>, filename: &str) -> Response {
    download(bytes, filename, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
}

/// A .docx download.
pub fn docx(bytes: Vec<u8>, filename: &str) -> Response {
    download(bytes, filename, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
}

/// A stored file (an evidence file) under its own name and type.
pub fn stored_file(bytes: Vec<u8>, filename: &str, content_type: String) -> Response {
    let disposition = format!("attachment; filename=\"file\"; filename*=UTF-8''{}", percent_encode(filename));
    ([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// An attachment named `filename` (in UTF-8, with a plain ASCII fallback `export.EXT`).
fn download(bytes: Vec<u8>, filename: &str, ext: &str, content_type: &'static str) -> Response {
    let disposition = format!("attachment; filename=\"export.{ext}\"; filename*=UTF-8''{}", percent_encode(filename));
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
