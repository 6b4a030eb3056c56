//! The block reader against saphyr: wherever it reads a text, the tree
//! (texts, styles, spans, errors) is saphyr's, byte for byte.

use super::super::yaml::{Limits, YamlFile, parse_by_block_reader, parse_by_saphyr};

/// The block reader's tree for `text`, checked against saphyr's; `None`
/// where it leaves the text to saphyr.
fn same_as_saphyr(text: &str) -> Option<YamlFile> {
    let fast = parse_by_block_reader(text, Limits::default())?;
    let slow = parse_by_saphyr(text, Limits::default());
    if fast != slow {
        // The first line where the two trees differ, with the text.
        let (f, s) = (format!("{fast:#?}"), format!("{slow:#?}"));
        let at = f
            .lines()
            .zip(s.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let near = |t: &str| {
            t.lines()
                .skip(at.saturating_sub(6))
                .take(8)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "the block reader and saphyr differ on:\n{text}\n--- block reader:\n{}\n--- saphyr:\n{}",
            near(&f),
            near(&s)
        );
    }
    Some(fast)
}

/// Reads `text` in the subset (and as saphyr does).
fn read(text: &str) -> YamlFile {
    match same_as_saphyr(text) {
        Some(file) => file,
        None => panic!("the block reader gave up on:\n{text}"),
    }
}

/// Leaves `text` to saphyr.
fn leaves(text: &str) {
    assert!(
        parse_by_block_reader(text, Limits::default()).is_none(),
        "the block reader read what it should leave to saphyr:\n{text}"
    );
}

/// A small deterministic generator (the tests need no crate for it).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Every way to cut, add or shift one byte or line of `text` that the
/// dice choose (`n` of them): each read alike or left to saphyr.
fn mutations_agree(text: &str, dice: &mut Dice, n: usize) -> (usize, usize) {
    let (mut read, mut left) = (0, 0);
    for _ in 0..n {
        let mut bytes = text.as_bytes().to_vec();
        for _ in 0..=dice.roll(3) {
            change(&mut bytes, dice);
        }
        let Ok(mutated) = String::from_utf8(bytes) else {
            continue;
        };
        match same_as_saphyr(&mutated) {
            Some(_) => read += 1,
            None => left += 1,
        }
    }
    (read, left)
}

/// Cuts, adds or shifts one byte or line of `bytes`, as the dice say.
fn change(bytes: &mut Vec<u8>, dice: &mut Dice) {
    const BYTES: &[u8] = b" \n:-#\"'|>[]{},&*!?\ta0\\%.~";
    const PIECES: &[&str] = &[
        ": ", "- ", " #", "\n-", "\n ", "|-", ">+", "''", "\\\"", "é", "---", "\n\n",
    ];
    let at = dice.roll(bytes.len() + 1);
    match dice.roll(5) {
        4 => {
            let piece = PIECES[dice.roll(PIECES.len())].as_bytes();
            bytes.splice(at..at, piece.iter().copied());
        }
        0 if at < bytes.len() => {
            bytes.remove(at);
        }
        1 => bytes.insert(at, BYTES[dice.roll(BYTES.len())]),
        2 => {
            // A line's indentation one deeper.
            let start = bytes[..at]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |i| i + 1);
            bytes.insert(start, b' ');
        }
        _ => {
            let start = bytes[..at]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |i| i + 1);
            if bytes.get(start) == Some(&b' ') {
                bytes.remove(start);
            }
        }
    }
}

const WORKFLOW: &str = "\
name: CI
on:
  push:
    branches: [ main, 'release/*' ]
  pull_request:
permissions: {}
# jobs
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, \"macos-latest\"]
    steps:
      - uses: actions/checkout@v4   # pinned below
        with:
          persist-credentials: false
      - name: \"Run: tests\"
        run: |
          pip install -r requirements.txt

          pytest -q  # all
      - run: >-
          echo one
          two

          three
      -
        name: empty then map
      - 'it''s'
      -
  # a comment at another indentation
  lint:
    needs:
    - test
    -
    - 'x'
    if: github.event_name == 'push' && contains(github.ref, 'v1')
";

#[test]
fn a_workflow_of_the_everyday_shape_is_read_as_saphyr_reads_it() {
    let file = read(WORKFLOW);
    assert_eq!(file.documents.len(), 1);
    assert!(file.errors.is_empty());
}

#[test]
fn compose_files_and_manifests_of_several_documents_are_read_as_saphyr_reads_them() {
    read(
        "services:\n  api:\n    image: \"acme/api:1.2\"\n    ports:\n      - \"8000:8000\"\n    environment:\n      - A=1\n      - B=\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]\n",
    );
    read(
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: acme/api\n        args: [\"--port\", \"8000\"]\n",
    );
    read(
        "a: |+\n  kept\n\n\nb: |-\n  stripped\n\nc: >+\n  folded\n\nd: \"esc \\\" \\\\ \\n \\t\"\n",
    );
    read(
        "key: value # comment\nother: value#not a comment\nurl: http://x:80/y\n\"quoted key\": 1\n'single': 2\n-dash: 3\n",
    );
    read("a:\n  b:\n    c: 1\n# between\n  d: 2\ne: 3\n");
}

#[test]
fn block_scalars_and_flow_lists_as_entries_or_on_their_own_line_are_read_as_saphyr_reads_them() {
    read(
        "steps:\n  - |\n    echo one\n  - >-\n    folded\n    text\n  - [a, 'b']\n  - {}\n  - run: x\n",
    );
    read("args:\n  [\"--port\", \"8000\"]\nnext: 1\n");
    read("- [a]   # flow\n- {}\n- |+\n  kept\n\n");
}

/// saphyr refuses a simple key longer than 1024 characters up to its
/// `:`, blanks included: the reader leaves such a key to it.
#[test]
fn a_key_padded_past_the_limit_is_left_to_saphyr() {
    let padded = format!("{} : v\n", "a".repeat(1024));
    leaves(&padded);
    leaves(&format!("k: 1\n{}     : v\n", "a".repeat(1020)));
    leaves(&format!("- {}{}: v\n", "a".repeat(1010), " ".repeat(20)));
    assert_eq!(
        super::super::yaml::parse(&padded),
        parse_by_saphyr(&padded, Limits::default())
    );
    read(&format!("{}    : v\n", "a".repeat(1020)));
}

#[test]
fn duplicate_keys_are_reported_by_the_builder_either_way() {
    let file = read("a: 1\nb: 2\na: 3\n");
    assert_eq!(file.errors.len(), 1);
}

#[test]
fn what_the_subset_leaves_out_is_left_to_saphyr() {
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !tag 1\n",
        "a: {b: 1}\n",
        "a: [1, [2]]\n",
        "a: plain\n  continued\n",
        "a: \"two\n  lines\"\n",
        "? complex\n: key\n",
        "a:\t1\n",
        "a: 1\r\nb: 2\r\n",
        "%YAML 1.2\n---\na: 1\n",
        "just a scalar\n",
        "",
        "# only a comment\n",
        "a: 1\n---\n",
        "a: |2\n   indented\n",
        "a: |\n\n  leading empty line\n",
        "a: >\n  folded\n    more indented\n",
        "a: b: c\n",
        "- - nested\n",
        "a: [1, 2,]\n",
        "a: 1\n...\n",
        "a: \"\\x41\"\n",
        "\u{feff}a: 1\n",
        "a: 1\n b: 2\n",
        "a: |\n  no final break",
    ] {
        leaves(text);
        // And saphyr's reading (whatever it is) is what the parse gives.
        assert_eq!(
            super::super::yaml::parse(text),
            parse_by_saphyr(text, Limits::default())
        );
    }
}

#[test]
fn one_byte_or_line_changed_in_a_workflow_reads_alike_or_goes_to_saphyr() {
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let (read, left) = mutations_agree(WORKFLOW, &mut dice, 3000);
    // Both ways are exercised.
    assert!(read > 300 && left > 300, "read {read}, left {left}");
}

/// Every YAML file below `PRODLINT_YAML_FILES` (a folder), and mutations
/// of each, read alike by both readers:
/// `PRODLINT_YAML_FILES=../shared/corpus cargo test --release -- --ignored block_reader`.
#[test]
#[ignore = "reads a folder named by PRODLINT_YAML_FILES"]
fn block_reader_matches_saphyr_on_the_files_of_a_folder() {
    let Ok(root) = std::env::var("PRODLINT_YAML_FILES") else {
        return;
    };
    let mut todo = vec![std::path::PathBuf::from(root)];
    let (mut files, mut read_whole, mut read, mut left) = (0, 0, 0, 0);
    let mut dice = Dice(0x2545_f491_4f6c_dd1d);
    let per_file = std::env::var("PRODLINT_YAML_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40);
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                todo.push(path);
                continue;
            }
            if !path.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            files += 1;
            if same_as_saphyr(&text).is_some() {
                read_whole += 1;
            } else if std::env::var_os("PRODLINT_YAML_LEFT").is_some() {
                eprintln!("left: {}", path.display());
            }
            let (r, l) = mutations_agree(&text, &mut dice, per_file);
            read += r;
            left += l;
        }
    }
    eprintln!(
        "{files} files, {read_whole} read by the block reader; mutations: {read} read, {left} left"
    );
}
