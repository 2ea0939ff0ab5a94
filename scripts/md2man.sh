#!/bin/sh
# Convert the man page source (a small subset of markdown, see
# docs/minibpf.8.md) to roff: md2man.sh SRC > PAGE.
#   % NAME SEC "source" "manual"  title      # X          section
#   - term (then "  " indented body lines)  **bold**  *italic*  ``` verbatim ```
exec awk '
function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	if (s ~ /^[.\047]/)
		s = "\\&" s
	return s
}
function fonts(s) {
	s = esc(s)
	while (match(s, /\*\*[^*]+\*\*/))
		s = substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 2, RLENGTH - 4) "\\fR" substr(s, RSTART + RLENGTH)
	while (match(s, /\*[^*]+\*/))
		s = substr(s, 1, RSTART - 1) "\\fI" substr(s, RSTART + 1, RLENGTH - 2) "\\fR" substr(s, RSTART + RLENGTH)
	return s
}
NR == 1 && /^% / { $1 = ""; sub(/^ /, ""); n = split($0, f, " "); printf ".TH %s %s \"\"", f[1], f[2]; sub(/^[^ ]+ [^ ]+/, ""); print; next }
/^```/ { verb = !verb; if (verb && pend) print ".PP"; pend = 0; print verb ? ".nf" : ".fi"; next }
verb { print esc($0); next }
/^# / { sub(/^# /, ""); print ".SH " $0; term = 0; pend = 0; next }
/^$/ { pend = 1; term = 0; next }
pend && !/^- / { print ".PP" }
{ pend = 0 }
/^- / { sub(/^- /, ""); print (term ? ".TQ" : ".TP"); print fonts($0); term = 1; next }
{ sub(/^ +/, ""); print fonts($0); term = 0 }
' "$@"
