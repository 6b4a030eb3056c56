//! The commands: what `prodlint check|rules|explain` do, returning the exit code.

use crate::cli::{CheckArgs, Cli, Command, FailOnArg, Format, RulesArgs, RulesFormat};
use crate::config::{self, Config};
use crate::discover::{Classifier, FileKind};
use crate::engine::{self, FileReport, Settings};
use crate::fix;
use crate::project::Project;
use crate::report::{self, ReportInput, human::HumanOptions};
use crate::rules;
use crate::select::{FailOn, Selector};
use crate::source::SourceFile;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

pub fn main(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Audit(args) => crate::audit::command::run(args),
        Command::Rules(args) => list_rules(&args),
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => {
                print!("{}", crate::docs::page(r));
                EXIT_OK
            }
            None => {
                let names: Vec<&str> = rules::all().iter().flat_map(|r| [r.code, r.name]).collect();
                eprintln!(
                    "prodlint: error: no rule `{rule}`{}",
                    config::suggestion(&rule, &names)
                );
                EXIT_ERROR
            }
        },
        Command::Server => crate::server::run(),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "prodlint", &mut out);
            print_bytes(&out)
        }
        Command::Man { subcommand } => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let page = match &subcommand {
                None => cmd,
                Some(name) => match cmd.find_subcommand(name) {
                    // `prodlint-check` is the page's name, as man(7) expects.
                    Some(sub) => sub.clone().name(format!("prodlint-{name}")),
                    None => return fail(format!("no subcommand `{name}`")),
                },
            };
            let mut out = Vec::new();
            match clap_mangen::Man::new(page).render(&mut out) {
                Ok(()) => print_bytes(&out),
                Err(e) => fail(e),
            }
        }
    }
}

/// Writes generated text to standard output.
fn print_bytes(bytes: &[u8]) -> i32 {
    match write_output(None, &[String::from_utf8_lossy(bytes).as_bytes()]) {
        Ok(()) => EXIT_OK,
        Err(e) => fail(e),
    }
}

pub(crate) fn fail(msg: impl std::fmt::Display) -> i32 {
    eprintln!(
        "prodlint: error: {}",
        crate::report::excerpt::terminal_safe(&msg.to_string())
    );
    EXIT_ERROR
}

fn parse_selectors(list: &[String]) -> Result<Vec<Selector>, String> {
    list.iter().map(|s| Selector::parse(s)).collect()
}

fn load_config(args: &CheckArgs) -> Result<Config, String> {
    config_from(args.no_config, args.config.as_ref())
}

/// The configuration `--no-config` / `--config` / discovery give.
pub(crate) fn config_from(no_config: bool, path: Option<&PathBuf>) -> Result<Config, String> {
    if no_config {
        return Ok(Config::default());
    }
    match path {
        Some(p) => config::load(p).map_err(|e| e.to_string()),
        None => config::discover(&std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")))
            .map_err(|e| e.to_string()),
    }
}

/// The most worker threads `--jobs` may ask for: past a few per core
/// more threads only cost memory (`-j 100000` once took minutes).
pub(crate) fn max_jobs() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (cores * 4).clamp(4, 256)
}

/// Builds the run's worker pool: `jobs` threads (`--jobs`; else one per
/// core). Where the process's address space is not limited, each worker
/// is started with a stack a Python parse can run on (the parser's, and
/// room for the pool's own frames below it), so that a module is parsed
/// on the worker that reads it instead of being handed to a parser
/// thread (two context switches and a copy of its text per module). A
/// worker the system will not give that stack (a data-size limit, strict
/// overcommit) is started with the default one and hands its parses over,
/// as every worker does under `ulimit -v`, where 80 MiB per worker would
/// count against the limit. A pool already built (the tests) is kept as
/// it is; the editor server uses rayon's default pool and hands its
/// parses over.
pub(crate) fn build_pool(jobs: Option<usize>) {
    let large = address_space_unlimited();
    if jobs.is_none() && !large {
        return;
    }
    // No thread count: rayon's own (one per core, or RAYON_NUM_THREADS).
    let threads = jobs.map_or(0, |n| n.clamp(1, max_jobs()));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads);
    let _ = if large {
        pool.spawn_handler(spawn_worker).build_global()
    } else {
        pool.build_global()
    };
}

/// The stack of a worker that parses Python itself: the parser's, and
/// room below it for the frames of the pool and the lint it runs in.
const WORKER_STACK: usize = crate::parse::python::PARSER_STACK + (16 << 20);

/// Starts one worker of the pool with [`WORKER_STACK`], or, when the
/// system refuses that, with the default stack (a failed start would
/// leave rayon without a pool for the rest of the run).
fn spawn_worker(worker: rayon::ThreadBuilder) -> std::io::Result<()> {
    use std::sync::{Arc, Mutex};
    // The worker moves into whichever thread starts; a start that fails
    // drops its closure unrun and leaves the worker here for the next.
    let slot = Arc::new(Mutex::new(Some(worker)));
    let run = |large: bool, slot: Arc<Mutex<Option<rayon::ThreadBuilder>>>| {
        move || {
            if large {
                crate::parse::python::mark_large_stack();
            }
            let worker = slot.lock().ok().and_then(|mut w| w.take());
            if let Some(w) = worker {
                w.run();
            }
        }
    };
    let started = std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .spawn(run(true, Arc::clone(&slot)));
    match started {
        Ok(_) => Ok(()),
        Err(_) => std::thread::Builder::new()
            .spawn(run(false, slot))
            .map(|_| ()),
    }
}

/// The process may map as much address space as it asks for: Linux's
/// `/proc/self/limits` says `unlimited` for it (elsewhere, not known:
/// no).
fn address_space_unlimited() -> bool {
    std::fs::read_to_string("/proc/self/limits").is_ok_and(|limits| {
        limits.lines().any(|l| {
            l.strip_prefix("Max address space")
                .and_then(|rest| rest.split_whitespace().next())
                == Some("unlimited")
        })
    })
}

fn check(args: CheckArgs) -> i32 {
    if args.statistics && !matches!(args.format, Format::Human) {
        return fail(
            "`--statistics` applies to the human format only (the others carry every finding; count them there)",
        );
    }
    let mut config = match load_config(&args) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let cli_select = match args.select.as_deref().map(parse_selectors).transpose() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let (cli_ignore, cli_extend) = match (
        parse_selectors(&args.ignore),
        parse_selectors(&args.extend_select),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    if let Some(s) = cli_select {
        config.select = Some(s);
    }
    if let Some(p) = args.purpose {
        config.purpose_all = p == crate::cli::PurposeArg::All;
    }
    config.ignore.extend(cli_ignore);
    config.extend_select.extend(cli_extend);
    let fail_on = match args.fail_on {
        Some(FailOnArg::Error) => FailOn::Error,
        Some(FailOnArg::Warning) => FailOn::Warning,
        Some(FailOnArg::Info) => FailOn::Info,
        Some(FailOnArg::Never) => FailOn::Never,
        None => config.fail_on.unwrap_or(FailOn::Warning),
    };
    let settings = Settings::from_config(config);
    build_pool(args.jobs);
    crate::phases::report(|| "settings read, workers started".to_string());

    let mut errors = Vec::new();
    let project: Project;
    let mut reports = match &args.stdin_filename {
        Some(name) => {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                return fail(format!("cannot read standard input: {e}"));
            }
            let kind = Classifier::new(&settings.config).kind(name);
            // `--fix` hands the text back even when it cannot be linted:
            // an editor replaces its buffer with what it reads.
            let original = (args.fix && !args.diff).then(|| bytes.clone());
            let text = engine::decode(bytes, settings.config.max_file_size);
            // Text read alone still sees the files around it (the
            // Services beside a manifest, the launch that names a
            // configuration), as in a whole-folder run.
            project = engine::project_alone(name, kind, text.as_deref().ok(), &settings);
            let report = engine::lint_text(name, kind, text, &settings, &project);
            if (args.fix || args.diff) && report.skipped.is_none() {
                return fix_stdin(&report, &settings, &project, &args);
            }
            if let Some(original) = original {
                return unchanged_stdin(&original, report, &args);
            }
            vec![report]
        }
        None => {
            let paths = if args.paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                args.paths.clone()
            };
            let (reports, errs, p) = engine::lint_paths(&paths, &settings);
            project = p;
            errors.extend(errs);
            reports
        }
    };

    if args.fix || args.diff {
        let (changed, failed) = apply_fixes(&mut reports, &settings, &project, &args);
        errors.extend(failed);
        if args.diff {
            // `--diff` only shows; it fails when there is something to apply.
            return if !errors.is_empty() {
                EXIT_ERROR
            } else if changed {
                EXIT_FINDINGS
            } else {
                EXIT_OK
            };
        }
    }

    let input = ReportInput {
        reports: &reports,
        errors: &errors,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    // The report needs the findings and their files, not the project:
    // its memory is given back while the report is made (on another
    // core: freeing every tree one by one takes as long as the report).
    // JSON, SARIF and the terminal report are written as they are
    // rendered, a batch of files at a time.
    let ((), written) = rayon::join(
        move || drop(project),
        || match args.format {
            Format::Json => write_with(args.output.as_ref(), &mut |out| {
                report::json::write_to(&input, out)
            }),
            Format::Human => write_with(args.output.as_ref(), &mut |out| {
                report::human::write_to(&input, &human_options(&args, to_terminal), out)
            }),
            Format::Sarif => write_with(args.output.as_ref(), &mut |out| {
                report::sarif::write_to(&input, &report::sarif::srcroot_uri(), out)
            }),
            // Rendered whole.
            Format::Github => write_output(args.output.as_ref(), &[report::github::render(&input)]),
            Format::Markdown => write_output(
                args.output.as_ref(),
                &[report::markdown::render(
                    &input,
                    &report::markdown::Links::from_env(),
                )],
            ),
        },
    );
    crate::phases::report(|| "report written".to_string());
    if let Err(e) = written {
        return fail(e);
    }
    let internal = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.code() == "PL004");
    // A file that could not be read is an error, not a finding.
    let unreadable = reports.iter().any(|r| r.unreadable);
    let code = if internal || unreadable || !errors.is_empty() {
        EXIT_ERROR
    } else if reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| fail_on.fails(f.severity))
    {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process ends now: freeing every file, tree and finding one by
    // one would only delay the exit.
    std::mem::forget(reports);
    std::mem::forget(settings);
    code
}

/// How the terminal report is laid out for this run.
fn human_options(args: &CheckArgs, to_terminal: bool) -> HumanOptions {
    HumanOptions {
        color: to_terminal && !args.no_color && std::env::var_os("NO_COLOR").is_none(),
        quiet: args.quiet,
        statistics: args.statistics,
        width: 100,
    }
}

/// Writes the report's pieces one after the other.
pub(crate) fn write_output<C: AsRef<[u8]>>(
    path: Option<&PathBuf>,
    chunks: &[C],
) -> Result<(), String> {
    write_with(path, &mut |out| {
        for c in chunks {
            out.write_all(c.as_ref())?;
        }
        Ok(())
    })
}

/// Runs `write` on the report's destination (the file `path`, or
/// standard output) and flushes it.
pub(crate) fn write_with(
    path: Option<&PathBuf>,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let mut write_all = |out: &mut dyn Write| -> std::io::Result<()> {
        write(out)?;
        out.flush()
    };
    match path {
        Some(p) => std::fs::File::create(p)
            .and_then(|f| write_all(&mut std::io::BufWriter::new(f)))
            .map_err(|e| format!("cannot write {}: {e}", p.display())),
        None => {
            // Buffered here: standard output flushes at every line end.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            match write_all(&mut out) {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is not an error worth a message.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write the report: {e}")),
            }
        }
    }
}

/// Fixes files in place (`--fix`) or prints a diff (`--diff`). Fixed files
/// are linted again so the report shows what remains. Returns whether
/// anything changed (or would change), and the files that could not be
/// written (left as they were).
fn apply_fixes(
    reports: &mut [FileReport],
    settings: &Settings,
    project: &Project,
    args: &CheckArgs,
) -> (bool, Vec<String>) {
    let mut errors = Vec::new();
    let mut changed = false;
    let mut diff = String::new();
    // One file named through several paths (`Dockerfile ./Dockerfile`, a
    // symbolic link) is fixed once.
    let mut seen = crate::hashing::FastSet::default();
    for report in reports.iter_mut() {
        let Some(kind) = report.kind else { continue };
        if report.skipped.is_some() || !report.findings.iter().any(|f| f.fix.is_some()) {
            continue;
        }
        let real = std::fs::canonicalize(&report.source.path)
            .unwrap_or_else(|_| report.source.path.to_path_buf());
        if !seen.insert(real) {
            continue;
        }
        let (fixed, n, moved) =
            fix::fix_source_mapped(&report.source, kind, settings, project, args.unsafe_fixes);
        if n == 0 || *fixed == *report.source.text {
            continue;
        }
        changed = true;
        let path = report::report_path(&report.source.path);
        if args.diff {
            diff.push_str(&fix::masked_diff(
                &path,
                &report.source.text,
                &fixed,
                &report.findings,
            ));
            continue;
        }
        if let Err(e) = fix::write_atomically(&report.source.path, &fixed) {
            errors.push(format!("cannot write {path} (the file is unchanged): {e}"));
            continue;
        }
        let mut source = SourceFile::new(report.source.path.clone(), fixed);
        source.purpose = report.source.purpose;
        report.findings = engine::lint_fixed(&source, kind, settings, project, &moved);
        report.source = Arc::new(source);
        eprintln!(
            "prodlint: fixed {n} {} in {}",
            report::plural(n, "finding", "findings"),
            report::excerpt::terminal_safe(&path)
        );
    }
    if args.diff
        && let Err(e) = write_output(args.output.as_ref(), &[diff.as_bytes()])
    {
        errors.push(e);
    }
    (changed, errors)
}

/// `--fix` on standard input that cannot be linted (binary, too large,
/// not UTF-8): the text goes back unchanged on standard output and the
/// reason on standard error.
fn unchanged_stdin(original: &[u8], report: FileReport, args: &CheckArgs) -> i32 {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(original).and_then(|_| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return fail(format!("cannot write the text: {e}"));
    }
    let reports = [report];
    let input = ReportInput {
        reports: &reports,
        errors: &[],
    };
    let text = report::human::render(
        &input,
        &HumanOptions {
            color: false,
            quiet: args.quiet,
            statistics: false,
            width: 100,
        },
    );
    eprint!("{text}");
    if reports.iter().any(|r| r.unreadable) {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

/// With standard input, `--fix` prints the fixed text and `--diff` the diff.
fn fix_stdin(report: &FileReport, settings: &Settings, project: &Project, args: &CheckArgs) -> i32 {
    let Some(kind) = report.kind.or(Some(FileKind::Dockerfile)) else {
        return EXIT_ERROR;
    };
    let (fixed, _) = fix::fix_source(&report.source, kind, settings, project, args.unsafe_fixes);
    let text = if args.diff {
        fix::masked_diff(
            &report::report_path(&report.source.path),
            &report.source.text,
            &fixed,
            &report.findings,
        )
    } else {
        fixed.clone()
    };
    if let Err(e) = write_output(args.output.as_ref(), &[text.as_bytes()]) {
        return fail(e);
    }
    if args.diff && *fixed != *report.source.text {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn list_rules(args: &RulesArgs) -> i32 {
    let family = args.family.as_ref().map(|f| f.to_ascii_uppercase());
    let list: Vec<_> = rules::all()
        .iter()
        .copied()
        .filter(|r| family.as_ref().is_none_or(|f| r.family() == f))
        .collect();
    if list.is_empty() {
        return fail(format!(
            "no rules in family `{}`",
            args.family.as_deref().unwrap_or("")
        ));
    }
    let text = match args.format {
        RulesFormat::Table => {
            let mut s = String::new();
            for r in &list {
                let on = if r.enabled_by_default { "" } else { " (off)" };
                s.push_str(&format!(
                    "{:<6} {:<38} {:<8} {:<7}{}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.fix.as_str(),
                    on
                ));
            }
            s
        }
        RulesFormat::Json => {
            let v: Vec<serde_json::Value> = list
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "family": r.family(),
                        "severity": r.severity,
                        "enabled_by_default": r.enabled_by_default,
                        "tags": r.tags,
                        "fix": r.fix.as_str(),
                        "summary": r.summary,
                        "url": r.help_uri(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        RulesFormat::Markdown => {
            let mut s =
                String::from("| Code | Name | Default | Summary | Fix |\n|---|---|---|---|---|\n");
            for r in &list {
                s.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary,
                    r.fix.as_str()
                ));
            }
            s
        }
    };
    match write_output(None, &[text.as_bytes()]) {
        Ok(()) => EXIT_OK,
        Err(e) => fail(e),
    }
}
