//! `man`: one page for the whole tool. clap_mangen renders a page per command and refers to
//! `whispir-migrate-check(1)` and the like; we ship one page, so each subcommand's synopsis,
//! description and options become a subsection of COMMANDS instead.

use crate::cli::Cli;
use clap::CommandFactory;
use clap_mangen::Man;
use std::io::{self, Write};

/// The lines clap_mangen (through `roff`) starts every rendered piece with; kept once.
const PREAMBLE: [&str; 2] = [r".ie \n(.g .ds Aq \(aq", r".el .ds Aq '"];

const EXIT_STATUS: &str = r".SH EXIT STATUS
.TP
0
No diagnostics remain.
.TP
1
Diagnostics remain (not with \fB\-\-exit\-zero\fR); \fBfix \-\-diff\fR: something would change.
.TP
2
Usage, configuration or I/O error; the message names the path and the cause.
.SH ENVIRONMENT
.TP
\fBWHISPIR_REGION\fR
The account region, as \fB\-\-region\fR.
.TP
\fBNO_COLOR\fR
No colour with \fB\-\-color auto\fR.
";

/// Writes the page (roff) to `out`.
pub fn render(out: &mut dyn Write) -> io::Result<()> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let page = Man::new(cmd.clone());
    let mut top = Vec::new();
    page.render_title(&mut top)?;
    page.render_name_section(&mut top)?;
    page.render_synopsis_section(&mut top)?;
    page.render_description_section(&mut top)?;
    page.render_options_section(&mut top)?;
    let mut text = String::from_utf8_lossy(&top).into_owned();
    text = PREAMBLE.join("\n") + "\n" + &without_preamble(&text);

    text.push_str(".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        text.push_str(&format!(".SS \"{}\"\n", name.replace('-', r"\-")));
        let sub_page = Man::new(sub.clone());
        let mut body = Vec::new();
        sub_page.render_description_section(&mut body)?;
        sub_page.render_synopsis_section(&mut body)?;
        if sub.get_arguments().any(|arg| !arg.is_hide_set()) {
            sub_page.render_options_section(&mut body)?;
        }
        text.push_str(&as_subsection_body(&String::from_utf8_lossy(&body)));
    }
    text.push_str(EXIT_STATUS);

    let mut version = Vec::new();
    page.render_version_section(&mut version)?;
    text.push_str(&without_preamble(&String::from_utf8_lossy(&version)));
    out.write_all(text.as_bytes())
}

fn without_preamble(roff: &str) -> String {
    roff.split_inclusive('\n')
        .filter(|line| !PREAMBLE.contains(&line.trim_end()))
        .collect()
}

/// A command's own page sections (`.SH SYNOPSIS`, `.SH OPTIONS`) become paragraphs of its
/// subsection.
fn as_subsection_body(roff: &str) -> String {
    without_preamble(roff)
        .split_inclusive('\n')
        .map(|line| {
            if line.starts_with(".SH ") {
                ".PP\n"
            } else {
                line
            }
        })
        .collect()
}
