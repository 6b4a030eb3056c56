//! The base protocol: `Content-Length` framed JSON-RPC messages on a byte
//! stream. lsp-server's own reader gives up on the first malformed
//! message; an editor server must answer it and keep going, so framing and
//! decoding are done here and only the message types are lsp-server's.

use lsp_server::Message;
use std::io::{self, BufRead, Write};

/// A message larger than this is refused (and its body skipped): no editor
/// sends a document this big, and the bound keeps memory in check.
pub const MAX_MESSAGE: usize = 64 << 20;

/// What one frame held.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that is not a JSON-RPC message: answered with this error
    /// code and text, with the request id when one could be read.
    Malformed {
        id: Option<serde_json::Value>,
        code: i32,
        message: String,
    },
}

pub const PARSE_ERROR: i32 = -32700;
pub const INVALID_REQUEST: i32 = -32600;

/// Reads the next frame; `None` at the end of the stream.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length: Option<usize> = None;
    let mut header_error = None;
    let mut line = Vec::new();
    let mut any_header = false;
    loop {
        line.clear();
        // Header lines are short; a stream of bytes without a newline is
        // not a header and must not grow a buffer without end.
        let n = io::Read::take(&mut *input, 8192).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if any_header {
                break;
            }
            continue;
        }
        any_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        header_error
                            .get_or_insert(format!("bad Content-Length `{}`", value.trim()));
                    }
                }
            }
            Some(_) => {}
            // The first problem is the one worth reporting.
            None => {
                header_error.get_or_insert(format!("not a header line: `{}`", clip(text)));
            }
        }
    }
    let Some(length) = length else {
        return Ok(Some(malformed(
            PARSE_ERROR,
            header_error.unwrap_or_else(|| "no Content-Length header".to_string()),
        )));
    };
    if length > MAX_MESSAGE {
        io::copy(
            &mut io::Read::take(&mut *input, length as u64),
            &mut io::sink(),
        )?;
        return Ok(Some(malformed(
            INVALID_REQUEST,
            format!("message of {length} bytes is larger than the {MAX_MESSAGE} allowed"),
        )));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(decode(&body)))
}

fn malformed(code: i32, message: String) -> Incoming {
    Incoming::Malformed {
        id: None,
        code,
        message,
    }
}

fn clip(text: &str) -> String {
    text.chars().take(60).collect()
}

/// A frame's body as a message, or why it is not one.
pub fn decode(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return malformed(PARSE_ERROR, format!("not JSON: {e}")),
    };
    let id = value.get("id").cloned();
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(_) => Incoming::Malformed {
            id,
            code: INVALID_REQUEST,
            message: "not a JSON-RPC request, response or notification".to_string(),
        },
    }
}

pub fn write(out: &mut impl Write, message: &Message) -> io::Result<()> {
    message.write(out)
}

/// An error response that may have no id (JSON-RPC's `null`), which
/// lsp-server's `Response` cannot express.
pub fn write_error(
    out: &mut impl Write,
    id: Option<serde_json::Value>,
    code: i32,
    message: &str,
) -> io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(serde_json::Value::Null),
        "error": { "code": code, "message": message },
    })
    .to_string();
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let mut reader = io::BufReader::new(input);
        let mut out = Vec::new();
        while let Ok(Some(frame)) = read(&mut reader) {
            out.push(match frame {
                Incoming::Message(Message::Request(r)) => format!("request {}", r.method),
                Incoming::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Incoming::Message(Message::Response(r)) => format!("response {}", r.id),
                Incoming::Malformed { code, .. } => format!("malformed {code}"),
            });
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn reads_on_after_malformed_frames() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            frame("{not json"),
            "Content-Type: x\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","hello":1}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
        ]
        .concat();
        assert_eq!(
            frames(input.as_bytes()),
            [
                "request initialize",
                "malformed -32700",
                "malformed -32700",
                "malformed -32600",
                "notification exit"
            ]
        );
    }

    #[test]
    fn a_truncated_body_ends_the_stream() {
        assert!(frames(b"Content-Length: 50\r\n\r\n{}").is_empty());
    }
}
