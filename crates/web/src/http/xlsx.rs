//! File downloads: an .xlsx or .docx attachment with its Chinese file name.

use std::path::Path;

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::ApiError;

const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An .xlsx download.
pub fn xlsx(bytes: Vec<u8>, filename: &str) -> Response {
    download(bytes, filename, "xlsx", XLSX_TYPE)
}

/// An .xlsx file on disk as a download, read in chunks while it is sent (never whole in
/// memory). With `remove`, the file is deleted once opened (the open file is still read).
pub async fn xlsx_file(path: &Path, filename: &str, remove: bool) -> Result<Response, ApiError> {
    let file = tokio::fs::File::open(path).await.map_err(|_| ApiError::NotFound)?;
    if remove {
        let _ = tokio::fs::remove_file(path).await;
    }
    let chunks = futures_util::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    Ok(download(Body::from_stream(chunks), filename, "xlsx", XLSX_TYPE))
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
fn download(body: impl Into<Body>, filename: &str, ext: &str, content_type: &'static str) -> Response {
    let disposition = format!("attachment; filename=\"export.{ext}\"; filename*=UTF-8''{}", percent_encode(filename));
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body.into())
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
