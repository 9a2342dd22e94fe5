//! File downloads: an .xlsx attachment with its Chinese file name.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// An .xlsx download.
pub fn xlsx(bytes: Vec<u8>, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{}", percent_encode(filename));
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
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
