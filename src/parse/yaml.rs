//! A spanned YAML tree shared by every YAML file kind (workflows, compose,
//! Kubernetes), built from saphyr-parser's events with an explicit stack:
//! no recursion, so no input can overflow a 2 MiB worker stack.
//!
//! Limits, each a located error instead of a crash: nesting depth, alias
//! expansion (billion laughs), number of documents. Duplicate keys are
//! reported at the second key and do not stop the parse; anchors, aliases
//! and merge keys (`<<: *base`) are resolved.

use crate::hashing::FastMap;
use crate::source::{LineIndex, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Nodes that aliases may copy in all (a billion-laughs file needs billions).
    pub max_alias_nodes: usize,
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 256,
            max_alias_nodes: 100_000,
            max_documents: 1_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar { text: String, style: Style },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// From the first character of the node to just after its last.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
    /// Brought in by a merge key (`<<: *base`): the spans point at the anchor.
    pub merged: bool,
}

impl Node {
    /// The scalar's text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, style: Style::Plain } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A plain `true`/`false` (YAML 1.2 core schema).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Scalar {
                text,
                style: Style::Plain,
            } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a mapping whose key is a string `valid` does not
    /// hold, as written (not brought in by a merge key), with that key:
    /// what a schema with closed keys (a workflow, a compose file) refuses.
    pub fn unknown_keys<'a>(
        &'a self,
        valid: &'a [&str],
    ) -> impl Iterator<Item = (&'a str, &'a Entry)> + 'a {
        self.as_map()
            .unwrap_or(&[])
            .iter()
            .filter(|e| !e.merged)
            .filter_map(|e| Some((e.key.as_str()?, e)))
            .filter(|(k, _)| !valid.contains(k))
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entry for a scalar key; the last one wins, as in most loaders.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?
            .iter()
            .rev()
            .find(|e| e.key.as_str() == Some(key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid YAML.
    Syntax,
    /// A limit was hit; the rest of the file was not read.
    Limit,
    /// A key repeated in one mapping: later loaders keep one of the two.
    DuplicateKey,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub kind: ErrorKind,
    pub span: Span,
    pub message: String,
    /// For a duplicate key: the first occurrence.
    pub first: Option<Span>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct YamlFile {
    /// One root per document; `None` for an empty document.
    pub documents: Vec<Option<Node>>,
    pub errors: Vec<YamlError>,
}

/// A collection being built.
enum Open {
    Seq {
        items: Vec<Node>,
        start: usize,
        anchor: usize,
    },
    Map {
        entries: Vec<Entry>,
        pending_key: Option<Node>,
        start: usize,
        anchor: usize,
        /// Scalar keys seen so far and where, for duplicate detection in
        /// constant time per key (large mappings are common in data); made
        /// once the mapping has [`KEYS_SCANNED`] entries: below that, the
        /// entries are scanned (most mappings are small, and a key copied
        /// into a table costs more than comparing it with a few).
        keys: Option<FastMap<String, Span>>,
    },
}

struct Builder<'a> {
    text: &'a str,
    /// Made for a text with characters outside ASCII only: there, saphyr's
    /// character counts are byte offsets.
    lines: Option<LineIndex>,
    ascii: bool,
    limits: Limits,
    anchors: FastMap<usize, (Node, usize)>,
    alias_nodes: usize,
    stack: Vec<Open>,
    out: YamlFile,
}

pub fn parse(text: &str) -> YamlFile {
    parse_with(text, Limits::default())
}

pub fn parse_with(text: &str, limits: Limits) -> YamlFile {
    let mut out = parse_once(text, limits);
    // libyaml (PyYAML) and go-yaml (Docker Compose) accept a flow
    // collection's closing bracket at its key's indentation:
    //     test: [
    //       "CMD", "curl", "http://localhost"
    //     ]
    // saphyr does not. Joining the bracket's line to the one before
    // (its line break becomes a space: same length, same offsets) reads
    // it as they do. Bounded: each retry parses the file again.
    let mut mended: Option<String> = None;
    for _ in 0..MAX_FLOW_MENDS {
        let current = mended.as_deref().unwrap_or(text);
        let Some(at) = under_indented_flow_end(&out, current) else {
            break;
        };
        let mut joined = current.to_string();
        if !join_to_line_before(&mut joined, at) {
            break;
        }
        out = parse_once(&joined, limits);
        mended = Some(joined);
    }
    out
}

/// Closing brackets at their key's indentation mended in one file.
const MAX_FLOW_MENDS: usize = 16;

/// Where the parse stopped at a `]` or `}` it found under-indented.
fn under_indented_flow_end(file: &YamlFile, text: &str) -> Option<usize> {
    let e = file.errors.iter().find(|e| e.kind == ErrorKind::Syntax)?;
    if !e.message.ends_with("invalid indentation") {
        return None;
    }
    let at = e.span.start;
    matches!(text.as_bytes().get(at), Some(b']' | b'}')).then_some(at)
}

/// Turns the line break before `at` (with only blanks between them) into
/// a space, unless the line before holds a `#` (a comment would swallow
/// the bracket).
fn join_to_line_before(text: &mut String, at: usize) -> bool {
    let bytes = text.as_bytes();
    let Some(head) = bytes.get(..at) else {
        return false;
    };
    let Some(nl) = memchr::memrchr(b'\n', head) else {
        return false;
    };
    if head
        .get(nl + 1..)
        .is_none_or(|blank| blank.iter().any(|c| !matches!(c, b' ' | b'\t')))
    {
        return false;
    }
    let line_start = head
        .get(..nl)
        .and_then(|h| memchr::memrchr(b'\n', h))
        .map_or(0, |i| i + 1);
    if head.get(line_start..nl).is_none_or(|l| l.contains(&b'#')) {
        return false;
    }
    let cr = nl > 0 && bytes.get(nl - 1) == Some(&b'\r');
    // ASCII bytes replaced by ASCII spaces: still UTF-8, same length.
    let mut raw = std::mem::take(text).into_bytes();
    if let Some(b) = raw.get_mut(nl) {
        *b = b' ';
    }
    if cr && let Some(b) = raw.get_mut(nl - 1) {
        *b = b' ';
    }
    match String::from_utf8(raw) {
        Ok(t) => {
            *text = t;
            true
        }
        Err(e) => {
            *text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            false
        }
    }
}

fn parse_once(text: &str, limits: Limits) -> YamlFile {
    // The everyday shape is read a line at a time; anything else (or a
    // limit reached) is read again, whole, by saphyr.
    parse_by_block_reader(text, limits).unwrap_or_else(|| parse_by_saphyr(text, limits))
}

/// The block reader's tree, or `None` where it leaves the text to
/// saphyr.
pub(super) fn parse_by_block_reader(text: &str, limits: Limits) -> Option<YamlFile> {
    let mut b = Builder::new(text, limits, false);
    super::yaml_block::read(text, |ev, span| b.event(ev, span).is_ok()).ok()?;
    Some(b.out)
}

/// [`parse_once`] by saphyr's parser alone.
pub(super) fn parse_by_saphyr(text: &str, limits: Limits) -> YamlFile {
    let mut b = Builder::new(text, limits, true);
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((ev, span)) => {
                let start = b.offset(&span.start);
                let end = b.offset(&span.end).max(start);
                if let Err(e) = b.event(ev, Span::new(start, end)) {
                    b.out.errors.push(e);
                    break;
                }
            }
            Err(e) => {
                let at = b.offset(e.marker());
                b.out.errors.push(YamlError {
                    kind: ErrorKind::Syntax,
                    span: b.point(at),
                    message: format!("invalid YAML: {}", e.info()),
                    first: None,
                });
                break;
            }
        }
    }
    b.out
}

/// Entries of a mapping below which duplicate keys are found by scanning.
const KEYS_SCANNED: usize = 8;

/// Where the scalar key `k` first appears among `entries` (the mapping's,
/// in order), if it does; otherwise notes it at `span`. Scans while the
/// mapping is small, then keeps a table of its keys.
fn first_key(
    entries: &[Entry],
    keys: &mut Option<FastMap<String, Span>>,
    k: &str,
    span: Span,
) -> Option<Span> {
    if keys.is_none() && entries.len() >= KEYS_SCANNED {
        let mut table = FastMap::default();
        for e in entries {
            if let Some(name) = e.key.as_str() {
                table.entry(name.to_string()).or_insert(e.key.span);
            }
        }
        *keys = Some(table);
    }
    match keys {
        None => entries
            .iter()
            .find(|e| e.key.as_str() == Some(k))
            .map(|e| e.key.span),
        Some(table) => match table.get(k) {
            Some(first) => Some(*first),
            None => {
                table.insert(k.to_string(), span);
                None
            }
        },
    }
}

/// A buffer is worth shrinking when more than half of it is unused: the
/// allocator (mimalloc) keeps a block that shrinks by less in place, so
/// asking costs a call and gives nothing back.
fn wastes_half(len: usize, capacity: usize) -> bool {
    len < capacity / 2
}

/// Number of nodes in a tree, to charge alias copies against the limit.
fn size(node: &Node) -> usize {
    let mut n = 0;
    let mut todo = vec![node];
    while let Some(x) = todo.pop() {
        n += 1;
        match &x.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => todo.extend(items),
            NodeKind::Map(entries) => todo.extend(entries.iter().flat_map(|e| [&e.key, &e.value])),
        }
    }
    n
}

impl<'a> Builder<'a> {
    /// `counted`: the events' places count characters (saphyr's), not
    /// bytes (the block reader's).
    fn new(text: &'a str, limits: Limits, counted: bool) -> Self {
        let ascii = text.is_ascii();
        Builder {
            text,
            lines: (counted && !ascii).then(|| LineIndex::new(text)),
            ascii,
            limits,
            anchors: FastMap::default(),
            alias_nodes: 0,
            stack: Vec::new(),
            out: YamlFile::default(),
        }
    }

    /// Byte offset of a marker (saphyr counts characters).
    fn offset(&self, m: &Marker) -> usize {
        let Some(lines) = self.lines.as_ref().filter(|_| !self.ascii) else {
            return m.index().min(self.text.len());
        };
        let line_start = lines.line_start(m.line().saturating_sub(1), self.text);
        let rest = self.text.get(line_start..).unwrap_or("");
        line_start
            + rest
                .chars()
                .take(m.col())
                .map(char::len_utf8)
                .sum::<usize>()
    }

    /// A one-character span at `at` (or empty at the end of the text).
    fn point(&self, at: usize) -> Span {
        let len = self
            .text
            .get(at..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8);
        Span::new(at, at + len)
    }

    fn limit(&self, span: Span, message: String) -> YamlError {
        YamlError {
            kind: ErrorKind::Limit,
            span,
            message,
            first: None,
        }
    }

    fn event(&mut self, ev: Event<'_>, span: Span) -> Result<(), YamlError> {
        match ev {
            Event::DocumentStart(_) => {
                if self.out.documents.len() >= self.limits.max_documents {
                    return Err(self.limit(
                        span,
                        format!(
                            "more than {} YAML documents in one file",
                            self.limits.max_documents
                        ),
                    ));
                }
                self.anchors.clear();
            }
            Event::DocumentEnd => {}
            Event::Scalar(value, style, anchor, _) => {
                // The scanner grows a scalar's buffer as it reads: trees
                // are held while the project links, so they keep only
                // what they use.
                let mut text = value.into_owned();
                if wastes_half(text.len(), text.capacity()) {
                    text.shrink_to_fit();
                }
                let node = Node {
                    kind: NodeKind::Scalar {
                        text,
                        style: match style {
                            ScalarStyle::SingleQuoted => Style::SingleQuoted,
                            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                            ScalarStyle::Literal => Style::Literal,
                            ScalarStyle::Folded => Style::Folded,
                            _ => Style::Plain,
                        },
                    },
                    span,
                };
                self.finish(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some((node, n)) = self.anchors.get(&id) else {
                    return Err(YamlError {
                        kind: ErrorKind::Syntax,
                        span,
                        message: "alias to an unknown anchor".to_string(),
                        first: None,
                    });
                };
                self.alias_nodes += n;
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(self.limit(
                        span,
                        format!(
                            "aliases expand to more than {} nodes (an alias bomb?)",
                            self.limits.max_alias_nodes
                        ),
                    ));
                }
                // The copy keeps the anchor's content but points at the alias.
                let mut copy = node.clone();
                copy.span = span;
                self.finish(copy, 0)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= self.limits.max_depth {
                    return Err(self.limit(
                        span,
                        format!("YAML nested deeper than {} levels", self.limits.max_depth),
                    ));
                }
                let open = if matches!(ev, Event::SequenceStart(..)) {
                    Open::Seq {
                        items: Vec::new(),
                        start: span.start,
                        anchor,
                    }
                } else {
                    Open::Map {
                        entries: Vec::new(),
                        pending_key: None,
                        start: span.start,
                        anchor,
                        keys: None,
                    }
                };
                self.stack.push(open);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = match open {
                    Open::Seq {
                        mut items,
                        start,
                        anchor,
                    } => (
                        Node {
                            kind: NodeKind::Seq({
                                if wastes_half(items.len(), items.capacity()) {
                                    items.shrink_to_fit();
                                }
                                items
                            }),
                            span: Span::new(start, span.end.max(start)),
                        },
                        anchor,
                    ),
                    Open::Map {
                        entries,
                        start,
                        anchor,
                        ..
                    } => (
                        Node {
                            kind: NodeKind::Map({
                                let mut entries = self.close_map(entries);
                                if wastes_half(entries.len(), entries.capacity()) {
                                    entries.shrink_to_fit();
                                }
                                entries
                            }),
                            span: Span::new(start, span.end.max(start)),
                        },
                        anchor,
                    ),
                };
                self.finish(node, anchor)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// A complete node: record its anchor and hand it to its parent.
    fn finish(&mut self, mut node: Node, anchor: usize) -> Result<(), YamlError> {
        // Block scalars and collections end where the next token starts:
        // trailing blank lines and indentation are not part of the node.
        let bytes = self.text.as_bytes();
        while node.span.end > node.span.start
            && bytes
                .get(node.span.end - 1)
                .is_some_and(u8::is_ascii_whitespace)
        {
            node.span.end -= 1;
        }
        if anchor > 0 {
            let n = size(&node);
            self.anchors.insert(anchor, (node.clone(), n));
        }
        match self.stack.last_mut() {
            None => self.out.documents.push(Some(node)),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries,
                pending_key,
                keys,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => {
                    let duplicate = key
                        .as_str()
                        .and_then(|k| first_key(entries, keys, k, key.span));
                    // Past a thousand errors more are not worth their
                    // memory (a file of nothing but one repeated key).
                    if let (Some(first), Some(k)) = (duplicate, key.as_str())
                        && self.out.errors.len() < 1000
                    {
                        self.out.errors.push(YamlError {
                            kind: ErrorKind::DuplicateKey,
                            span: key.span,
                            message: format!("the key `{k}` appears twice in this mapping"),
                            first: Some(first),
                        });
                    }
                    entries.push(Entry {
                        key,
                        value: node,
                        merged: false,
                    });
                }
            },
        }
        Ok(())
    }

    /// Resolves merge keys: `<<: *base` or `<<: [*a, *b]` adds the entries
    /// of the merged mappings whose keys the mapping does not set itself.
    fn close_map(&mut self, entries: Vec<Entry>) -> Vec<Entry> {
        let is_merge = |e: &Entry| matches!(&e.key.kind, NodeKind::Scalar { text, style: Style::Plain } if text == "<<");
        if !entries.iter().any(is_merge) {
            return entries;
        }
        let mut own = Vec::new();
        let mut sources = Vec::new();
        for e in entries {
            if is_merge(&e) {
                match e.value.kind {
                    NodeKind::Map(m) => sources.push(m),
                    NodeKind::Seq(items) => {
                        sources.extend(items.into_iter().filter_map(|i| match i.kind {
                            NodeKind::Map(m) => Some(m),
                            _ => None,
                        }))
                    }
                    NodeKind::Scalar { .. } => {}
                }
            } else {
                own.push(e);
            }
        }
        for source in sources {
            for mut e in source {
                let key = e.key.as_str();
                if key.is_some() && own.iter().any(|o| o.key.as_str() == key) {
                    continue;
                }
                e.merged = true;
                own.push(e);
            }
        }
        own
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_at(text: &str, s: Span) -> String {
        text[s.start..s.end].to_string()
    }

    #[test]
    fn a_closing_bracket_at_its_keys_indentation_parses_as_libyaml_reads_it() {
        for nl in ["\n", "\r\n"] {
            let text = [
                "services:",
                "  web:",
                "    healthcheck:",
                "      test: [",
                "        \"CMD\", \"curl\", \"-f\", \"http://localhost/healthz\"",
                "      ]",
                "      interval: 10s",
                "      env: {",
                "        a: 1",
                "      }",
                "",
            ]
            .join(nl);
            let y = parse(&text);
            assert!(y.errors.is_empty(), "{:?}", y.errors);
            let check = y.documents[0]
                .as_ref()
                .and_then(|r| r.get("services"))
                .and_then(|s| s.get("web"))
                .and_then(|w| w.get("healthcheck"));
            let test = check.and_then(|c| c.get("test"));
            let items: Vec<&str> = match test.map(|t| &t.kind) {
                Some(NodeKind::Seq(items)) => items.iter().filter_map(Node::as_str).collect(),
                _ => Vec::new(),
            };
            assert_eq!(items, ["CMD", "curl", "-f", "http://localhost/healthz"]);
            // Spans are the original text's.
            let interval = check.and_then(|c| c.get("interval"));
            assert_eq!(
                interval.map(|i| text_at(&text, i.span)).as_deref(),
                Some("10s")
            );
        }
    }

    #[test]
    fn a_bracket_after_a_comment_line_stays_an_error() {
        // Joined to a line that ends in a comment, the bracket would be
        // part of the comment.
        let text = "test: [\n  \"CMD\", # the probe\n]\nnext: 1\n";
        assert!(!parse(text).errors.is_empty());
    }

    #[test]
    fn spans_for_keys_and_values() {
        let text = "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: pytest\n";
        let y = parse(text);
        assert!(y.errors.is_empty(), "{:?}", y.errors);
        let root = y.documents[0].clone();
        let root = root.unwrap_or(Node {
            kind: NodeKind::Seq(vec![]),
            span: Span::default(),
        });
        let job = root.get("jobs").and_then(|j| j.get("test"));
        let runs_on = job.and_then(|j| j.entry("runs-on"));
        assert_eq!(
            runs_on.map(|e| text_at(text, e.key.span)),
            Some("runs-on".to_string())
        );
        assert_eq!(
            runs_on.map(|e| text_at(text, e.value.span)),
            Some("ubuntu-24.04".to_string())
        );
        let step = job
            .and_then(|j| j.get("steps"))
            .and_then(|s| s.as_seq())
            .map(|s| s[0].clone());
        assert_eq!(
            step.as_ref()
                .and_then(|s| s.get("run"))
                .and_then(Node::as_str),
            Some("pytest")
        );
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let text = "name: é\nx: ünïcode\n";
        let y = parse(text);
        let root = y.documents[0].clone();
        let x = root.as_ref().and_then(|r| r.entry("x"));
        assert_eq!(
            x.map(|e| text_at(text, e.value.span)),
            Some("ünïcode".to_string())
        );
    }

    #[test]
    fn duplicate_keys_are_reported_at_the_second() {
        let text = "a: 1\nb: 2\na: 3\n";
        let y = parse(text);
        assert_eq!(y.errors.len(), 1);
        assert_eq!(y.errors[0].kind, ErrorKind::DuplicateKey);
        assert_eq!(y.errors[0].span, Span::new(10, 11));
        assert_eq!(y.errors[0].first, Some(Span::new(0, 1)));
        let root = y.documents[0].clone();
        assert_eq!(
            root.as_ref()
                .and_then(|r| r.get("a"))
                .and_then(Node::as_str),
            Some("3")
        );
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text =
            "base: &b\n  image: python\n  user: app\nsvc:\n  <<: *b\n  user: root\nlist: [*b]\n";
        let y = parse(text);
        assert!(y.errors.is_empty(), "{:?}", y.errors);
        let root = y.documents[0].clone();
        let svc = root.as_ref().and_then(|r| r.get("svc"));
        assert_eq!(
            svc.and_then(|s| s.get("image")).and_then(Node::as_str),
            Some("python")
        );
        assert_eq!(
            svc.and_then(|s| s.get("user")).and_then(Node::as_str),
            Some("root")
        );
        assert!(svc.and_then(|s| s.entry("image")).is_some_and(|e| e.merged));
    }

    #[test]
    fn multiple_documents() {
        let y = parse("a: 1\n---\nb: 2\n---\n");
        assert_eq!(y.documents.len(), 3);
        assert!(y.documents[2].as_ref().is_some_and(Node::is_null));
    }

    #[test]
    fn limits_give_located_errors() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let y = parse(bomb);
        assert_eq!(y.errors.len(), 1);
        assert_eq!(y.errors[0].kind, ErrorKind::Limit);
        assert!(y.errors[0].message.contains("alias bomb"));

        let mut deep = String::new();
        for i in 0..1_000 {
            deep.push_str(&" ".repeat(i));
            deep.push_str("a:\n");
        }
        let y = parse(&deep);
        assert_eq!(y.errors[0].kind, ErrorKind::Limit);
        assert_eq!(
            y.errors[0].span.start,
            deep.find(&format!("\n{}a", " ".repeat(256)))
                .map_or(0, |i| i + 257)
        );

        let y = parse(&"---\na: 1\n".repeat(2_000));
        assert_eq!(y.errors[0].kind, ErrorKind::Limit);
        assert_eq!(y.documents.len(), 1_000);
    }

    #[test]
    fn syntax_errors_are_located() {
        let y = parse("a:\n\tb: 1\n");
        assert_eq!(y.errors[0].kind, ErrorKind::Syntax);
        assert_eq!(y.errors[0].span, Span::new(4, 5));
        let y = parse(&"[".repeat(100_000));
        assert_eq!(y.errors[0].kind, ErrorKind::Syntax);
    }
}
