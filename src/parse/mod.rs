//! One module per input kind: a lexer/parser and its typed model.

pub mod command;
pub mod compose;
pub mod dependencies;
pub mod dockerfile;
pub mod dockerignore;
pub mod dotenv;
pub mod duration;
pub mod expr;
pub mod image;
pub mod ini;
pub mod kube;
pub mod offsets;
pub mod procfile;
pub mod python;
pub mod shell;
pub mod source_mounts;
pub mod template;
pub mod vars;
pub mod workflow;
pub mod yaml;
mod yaml_block;
pub mod yaml_edit;
