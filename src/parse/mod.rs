//! One module per input kind: a lexer/parser and its typed model.

pub mod dockerfile;
pub mod dockerignore;
pub mod dotenv;
pub mod expr;
pub mod offsets;
pub mod shell;
pub mod workflow;
pub mod yaml;
pub mod yaml_edit;
