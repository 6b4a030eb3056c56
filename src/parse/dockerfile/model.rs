//! The typed Dockerfile model that DF rules read.

use super::lexer::{Directive, Heredoc};
use crate::parse::shell::{Script, Word};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
}

impl Keyword {
    pub fn parse(word: &str) -> Option<Keyword> {
        Some(match word.to_ascii_uppercase().as_str() {
            "ADD" => Keyword::Add,
            "ARG" => Keyword::Arg,
            "CMD" => Keyword::Cmd,
            "COPY" => Keyword::Copy,
            "ENTRYPOINT" => Keyword::Entrypoint,
            "ENV" => Keyword::Env,
            "EXPOSE" => Keyword::Expose,
            "FROM" => Keyword::From,
            "HEALTHCHECK" => Keyword::Healthcheck,
            "LABEL" => Keyword::Label,
            "MAINTAINER" => Keyword::Maintainer,
            "ONBUILD" => Keyword::Onbuild,
            "RUN" => Keyword::Run,
            "SHELL" => Keyword::Shell,
            "STOPSIGNAL" => Keyword::Stopsignal,
            "USER" => Keyword::User,
            "VOLUME" => Keyword::Volume,
            "WORKDIR" => Keyword::Workdir,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
        }
    }

    /// The flags BuildKit accepts after this keyword.
    pub fn allowed_flags(self) -> &'static [&'static str] {
        match self {
            Keyword::From => &["platform"],
            Keyword::Run => &["mount", "network", "security", "device"],
            Keyword::Copy => &["from", "chown", "chmod", "link", "parents", "exclude"],
            Keyword::Add => &[
                "chown",
                "chmod",
                "link",
                "checksum",
                "keep-git-dir",
                "exclude",
                "unpack",
            ],
            Keyword::Healthcheck => &[
                "interval",
                "timeout",
                "start-period",
                "start-interval",
                "retries",
            ],
            _ => &[],
        }
    }
}

/// `--name=value` after the keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

/// `KEY=value` in ENV, LABEL or ARG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub key: String,
    pub key_span: Span,
    /// The value after quote removal and substitution; `None` for `ARG NAME`.
    pub value: Option<String>,
    pub value_span: Option<Span>,
    /// Span of the whole `KEY=value`.
    pub span: Span,
}

/// What RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `["prog", "arg"]`: run directly, no shell.
    Exec { argv: Vec<Word>, span: Span },
    /// Run by the stage's shell (`/bin/sh -c` by default).
    Shell {
        /// The command text as the shell receives it.
        text: String,
        script: Script,
        span: Span,
    },
}

impl Command {
    pub fn span(&self) -> Span {
        match self {
            Command::Exec { span, .. } | Command::Shell { span, .. } => *span,
        }
    }

    pub fn is_shell(&self) -> bool {
        matches!(self, Command::Shell { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    None,
    /// FROM, COPY, ADD, USER, WORKDIR, EXPOSE, VOLUME, STOPSIGNAL, MAINTAINER, SHELL.
    Words(Vec<Word>),
    /// ENV, LABEL, ARG.
    Pairs(Vec<Pair>),
    /// RUN, CMD, ENTRYPOINT.
    Command(Command),
    /// HEALTHCHECK: `None` for `HEALTHCHECK NONE`.
    Healthcheck(Option<Command>),
    Onbuild(Box<Instruction>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    pub keyword_span: Span,
    /// The instruction including its continuation lines and heredoc bodies.
    pub span: Span,
    /// Where the arguments begin (after keyword and flags): an insertion point.
    pub args_start: usize,
    pub flags: Vec<Flag>,
    pub args: Args,
    pub heredocs: Vec<Heredoc>,
    /// Index of the stage this instruction belongs to (`None` before the first FROM).
    pub stage: Option<usize>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    pub fn words(&self) -> &[Word] {
        match &self.args {
            Args::Words(w) => w,
            _ => &[],
        }
    }

    pub fn pairs(&self) -> &[Pair] {
        match &self.args {
            Args::Pairs(p) => p,
            _ => &[],
        }
    }

    pub fn command(&self) -> Option<&Command> {
        match &self.args {
            Args::Command(c) => Some(c),
            Args::Healthcheck(c) => c.as_ref(),
            _ => None,
        }
    }

    pub fn script(&self) -> Option<&Script> {
        match self.command()? {
            Command::Shell { script, .. } => Some(script),
            Command::Exec { .. } => None,
        }
    }

    /// `--mount=type=cache` flags and the targets they cover.
    pub fn cache_mount_targets(&self) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|f| f.name == "mount")
            .filter_map(|f| f.value.as_deref())
            // A cache or tmpfs mount: what is written there stays out of
            // the layer.
            .filter(|v| v.split(',').any(|p| p == "type=cache" || p == "type=tmpfs"))
            .filter_map(|v| {
                v.split(',').find_map(|p| {
                    p.strip_prefix("target=")
                        .or_else(|| p.strip_prefix("dst="))
                        .or_else(|| p.strip_prefix("destination="))
                })
            })
            .collect()
    }
}

/// The image a FROM names, after ARG substitution.
pub use crate::parse::image::ImageRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// `AS name`, lower-cased as BuildKit compares it.
    pub name: Option<String>,
    pub name_span: Option<Span>,
    /// Index of the FROM instruction.
    pub from: usize,
    pub image: ImageRef,
    /// The build arguments its image reference reads, as written
    /// (`FROM app:${TAG}` reads `TAG`), before their values replace them.
    pub args: Vec<String>,
    /// The earlier stage this one is built FROM.
    pub parent: Option<usize>,
    /// Instruction indices of this stage, FROM included.
    pub instructions: std::ops::Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerfile {
    pub escape: char,
    pub directives: Vec<Directive>,
    pub comments: Vec<Span>,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// Stage name -> index of the first stage with that name.
    pub stage_names: crate::hashing::FastMap<String, usize>,
    pub errors: Vec<ParseError>,
    /// Limits that left part of the file unanalysed (PL003): variable
    /// values past the substitution budget.
    pub limits: Vec<ParseError>,
    /// The final chain's stage indexes, root first, made once at the end
    /// of the parse: most Dockerfile rules ask for it.
    pub final_ix: Vec<usize>,
}

impl Dockerfile {
    /// Every instruction with this keyword, in every stage.
    pub fn instructions_of(&self, keyword: Keyword) -> impl Iterator<Item = &Instruction> {
        self.instructions
            .iter()
            .filter(move |i| i.keyword == keyword)
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.shipped()
    }

    /// The stage the image is: the last one, except a Docker Dev
    /// Environments stage (`FROM builder AS dev-envs`, the container a
    /// developer's editor attaches to), which stands for the stage it is
    /// built on.
    fn shipped(&self) -> Option<&Stage> {
        let last = self.stages.last()?;
        match (last.name.as_deref(), last.parent) {
            (Some("dev-envs"), Some(p)) => self.stages.get(p).or(Some(last)),
            _ => Some(last),
        }
    }

    /// The final stage and the stages it is built FROM, root first.
    pub fn final_chain(&self) -> Vec<&Stage> {
        if self.final_ix.is_empty() {
            return self.chain_of(self.shipped());
        }
        self.final_ix
            .iter()
            .filter_map(|&i| self.stages.get(i))
            .collect()
    }

    /// Sets [`Dockerfile::final_ix`] once the stages are known.
    pub(crate) fn index_final_chain(&mut self) {
        self.final_ix = self
            .chain_of(self.shipped())
            .iter()
            .map(|s| s.index)
            .collect();
    }

    /// The stage a build targets (`--target`, compose `build.target`;
    /// `None`: the final stage), and the stages it is built FROM, root
    /// first. An unknown target gives no stage.
    pub fn target_chain(&self, target: Option<&str>) -> Vec<&Stage> {
        match target {
            None => self.final_chain(),
            Some(t) => self.chain_of(
                self.stage_names
                    .get(&t.to_ascii_lowercase())
                    .and_then(|&i| self.stages.get(i)),
            ),
        }
    }

    /// The last instruction with this keyword in the image a build
    /// targets (see [`Dockerfile::target_chain`]).
    /// A `CMD` is the one the image keeps ([`Dockerfile::target_cmd`]).
    pub fn target_last(&self, target: Option<&str>, keyword: Keyword) -> Option<&Instruction> {
        if keyword == Keyword::Cmd {
            return self.target_cmd(target);
        }
        self.target_chain(target)
            .into_iter()
            .rev()
            .flat_map(|s| self.stage_instructions(s).iter().rev())
            .find(|i| i.keyword == keyword)
    }

    /// The `CMD` the image a build targets keeps: the last of its chain,
    /// unless a later stage sets an `ENTRYPOINT`, which clears the `CMD`
    /// it inherits (Docker resets it; that stage must set its own).
    pub fn target_cmd(&self, target: Option<&str>) -> Option<&Instruction> {
        let mut cmd = None;
        for s in self.target_chain(target) {
            let own = self.stage_instructions(s);
            match own.iter().rev().find(|i| i.keyword == Keyword::Cmd) {
                Some(c) => cmd = Some(c),
                None if own.iter().any(|i| i.keyword == Keyword::Entrypoint) => cmd = None,
                None => {}
            }
        }
        cmd
    }

    fn chain_of<'a>(&'a self, last: Option<&'a Stage>) -> Vec<&'a Stage> {
        let mut chain = Vec::new();
        // A set of visited stages, not a scan of the chain per step: a
        // chain of thousands of `FROM <stage>` stays linear.
        let mut seen = vec![false; self.stages.len()];
        let mut cur = last;
        while let Some(s) = cur {
            match seen.get_mut(s.index) {
                Some(v) if !*v => *v = true,
                _ => break,
            }
            chain.push(s);
            cur = s.parent.and_then(|p| self.stages.get(p));
        }
        chain.reverse();
        chain
    }

    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        self.instructions
            .get(stage.instructions.clone())
            .unwrap_or(&[])
    }

    /// Instructions of the final image, root stage first.
    pub fn final_instructions(&self) -> impl Iterator<Item = &Instruction> {
        self.final_chain()
            .into_iter()
            .flat_map(|s| self.stage_instructions(s).iter())
    }

    /// The last instruction with this keyword in the final image (a
    /// `CMD`: the one the image keeps, [`Dockerfile::target_cmd`]).
    pub fn final_last(&self, keyword: Keyword) -> Option<&Instruction> {
        if keyword == Keyword::Cmd {
            return self.target_cmd(None);
        }
        self.final_instructions()
            .filter(|i| i.keyword == keyword)
            .last()
    }

    /// The value an ENV sets in the final image (the last one wins).
    pub fn final_env(&self, key: &str) -> Option<(&Pair, &Instruction)> {
        self.final_instructions()
            .filter(|i| i.keyword == Keyword::Env)
            .flat_map(|i| i.pairs().iter().map(move |p| (p, i)))
            .filter(|(p, _)| p.key == key)
            .last()
    }

    /// The first stage of this name (through the name index: a file of
    /// thousands of stages would otherwise scan them all per lookup).
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        let lower = name.to_ascii_lowercase();
        self.stage_names
            .get(&lower)
            .and_then(|&i| self.stages.get(i))
    }

    /// Is this a multi-stage build whose final image copies from a builder?
    pub fn is_multi_stage(&self) -> bool {
        self.stages.len() > 1
    }
}
