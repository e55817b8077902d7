//! `completions SHELL`: clap_complete's scripts, with the bash script repaired for our
//! hyphenated binary name.

use crate::cli::Cli;
use clap::CommandFactory;
use clap_complete::Shell;

/// The name the scripts complete, as installed.
const BIN_NAME: &str = "whispir-migrate";

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN_NAME, &mut script);
    if shell != Shell::Bash {
        return script;
    }
    match String::from_utf8(script) {
        Ok(text) => relabel_bash_case_arms(&text).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// clap_complete's bash script walks the words typed and tracks the command in `cmd` as
/// `whispir__migrate__subcmd__check`, but labels the matching `case` arm
/// `whispir__subcmd__migrate__subcmd__check` (clap issue 6421: hyphens in the binary name are
/// escaped two ways). No arm after the subcommand ever matches, so bash completes only the
/// subcommand names. The arms are relabelled the way the walk spells the command; once
/// clap_complete agrees with itself, no line matches and the script is left as generated.
fn relabel_bash_case_arms(script: &str) -> String {
    let tracked = BIN_NAME.replace('-', "__");
    let mislabelled = BIN_NAME.replace('-', "__subcmd__");
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        let label = line.trim_start();
        let is_arm = label.trim_end().ends_with(')')
            && label
                .strip_prefix(&mislabelled)
                .is_some_and(|rest| rest.starts_with("__subcmd__") || rest.starts_with(')'));
        if is_arm {
            out.push_str(&line[..line.len() - label.len()]);
            out.push_str(&tracked);
            out.push_str(&label[mislabelled.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn bash_script() -> String {
        String::from_utf8(script(Shell::Bash)).expect("UTF-8")
    }

    /// The values the word walk assigns to `cmd` (`cmd="…"`).
    fn tracked_commands(script: &str) -> BTreeSet<&str> {
        script
            .lines()
            .filter_map(|line| line.trim().strip_prefix("cmd=\""))
            .filter_map(|rest| rest.strip_suffix('"'))
            .filter(|cmd| !cmd.is_empty())
            .collect()
    }

    /// The labels of the arms of `case "${cmd}" in`, the one that picks the options.
    fn dispatch_labels(script: &str) -> BTreeSet<&str> {
        let start = script
            .find("case \"${cmd}\" in")
            .expect("the dispatch on ${cmd}");
        script[start..]
            .lines()
            .skip(1)
            .map(str::trim)
            .filter(|line| line.ends_with(')') && !line.starts_with('-') && !line.starts_with('*'))
            .filter(|line| line.starts_with("whispir"))
            .map(|line| line.trim_end_matches(')'))
            .collect()
    }

    #[test]
    fn every_dispatch_arm_is_a_command_the_walk_can_reach() {
        let script = bash_script();
        let tracked = tracked_commands(&script);
        let labels = dispatch_labels(&script);
        assert!(
            labels.contains("whispir__migrate__subcmd__check"),
            "{labels:?}"
        );
        assert!(
            labels.contains("whispir__migrate__subcmd__fix"),
            "{labels:?}"
        );
        assert_eq!(labels, tracked, "arms and walk disagree:\n{script}");
    }

    #[test]
    fn relabelling_touches_only_mislabelled_arms() {
        let generated = "        cmd=\"whispir__migrate__subcmd__check\"\n        \
                         whispir__subcmd__migrate__subcmd__check)\n        \
                         whispir__subcmd__migrate)\n        \
                         whispir__subcmd__migrated)\n";
        assert_eq!(
            relabel_bash_case_arms(generated),
            "        cmd=\"whispir__migrate__subcmd__check\"\n        \
             whispir__migrate__subcmd__check)\n        \
             whispir__migrate)\n        \
             whispir__subcmd__migrated)\n"
        );
    }

    #[test]
    fn other_shells_are_as_generated() {
        let mut expected = Vec::new();
        clap_complete::generate(Shell::Zsh, &mut Cli::command(), BIN_NAME, &mut expected);
        assert_eq!(script(Shell::Zsh), expected);
    }
}
