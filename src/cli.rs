//! Command-line definitions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "prodlint",
    version,
    about = "A production-readiness linter for Python web services"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and folders.
    Check(CheckArgs),
    /// Score the repository against the production checklist: each item
    /// pass, fail, n/a, unknown or waived, with its evidence; the score,
    /// its coverage, the level and the next step.
    Audit(AuditArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain {
        /// A rule code (`DF001`) or name (`final-stage-runs-as-root`).
        rule: String,
    },
    /// Run the language server on standard input and output, for editors.
    Server,
    /// Print a shell completion script (`prodlint completions bash > …`).
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print a manual page, in roff (`prodlint man > prodlint.1`,
    /// `prodlint man check > prodlint-check.1`).
    Man {
        /// A subcommand whose page to print (default: the main page).
        subcommand: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    /// A Markdown summary for job summaries and pull-request comments.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and folders to lint (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to a file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Rules to run instead of the defaults: codes, prefixes (`DF`, `DF01`) or names.
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Rules to turn off.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Rules to run in addition to the selected ones.
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Lowest severity that makes the run fail (exit code 1).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Configuration file to use instead of the one found from the working folder upward.
    #[arg(long, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub no_config: bool,
    /// Lint standard input as if it were this file.
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// `all` lints every file as production, tests, examples and
    /// development files included (default: `guess` each file's purpose).
    #[arg(long, value_enum)]
    pub purpose: Option<PurposeArg>,
    /// Worker threads (default: one per CPU).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Never colour the output.
    #[arg(long)]
    pub no_color: bool,
    /// Print findings only, no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print a count per rule instead of each finding (human format only).
    #[arg(long)]
    pub statistics: bool,
    /// Apply safe fixes to the files.
    #[arg(long)]
    pub fix: bool,
    /// Also apply unsafe fixes (with --fix or --diff).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and change nothing.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only this family (`DF`, `PL`).
    #[arg(long)]
    pub family: Option<String>,
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

/// `--purpose`: guess each file's purpose, or lint all as production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PurposeArg {
    Guess,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Human,
    Json,
    /// For a job summary or a pull-request comment (fits GitHub's limit).
    Markdown,
    /// One self-contained page (no external assets).
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Bronze,
    Silver,
    Gold,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Folders (or files) of the repository (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,
    /// Write the report to a file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Configuration file to use instead of the one found from the working folder upward.
    #[arg(long, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file (and its waivers).
    #[arg(long)]
    pub no_config: bool,
    /// Exit 1 below this level.
    #[arg(long, value_enum)]
    pub min_level: Option<LevelArg>,
    /// Exit 1 below this score (0 to 100).
    #[arg(long)]
    pub min_score: Option<f64>,
    /// List every item's evidence, passes included.
    #[arg(long, short)]
    pub verbose: bool,
    /// A previous audit's JSON: report what changed since.
    #[arg(long, value_name = "PREVIOUS_JSON")]
    pub compare: Option<PathBuf>,
    /// Worker threads (default: one per CPU).
    #[arg(long, short)]
    pub jobs: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Combine the JSON audits of many repositories into one table.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The audits (`prodlint audit --format json` of each repository).
    #[arg(required = true)]
    pub audits: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,
    /// Write the table to a file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}
