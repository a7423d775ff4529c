#!/usr/bin/env bash
# Installs soma from BUILD_DIR into a fresh prefix under WORK_DIR and checks what a user's
# shell gets: bin/soma, the bash completion (share/bash-completion/completions/soma, the
# output of `soma completion`, offering train's options), and, when the build found
# help2man (MAN_PAGE=1), the manual page share/man/man1/soma.1, which `man soma` shows.
# Usage: install_test.sh BUILD_DIR WORK_DIR MAN_PAGE
set -euo pipefail
build=$1 work=$2 man_page=$3
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
prefix=$work/prefix
soma=$prefix/bin/soma
completion=$prefix/share/bash-completion/completions/soma
fail() { echo "install_test: $*" >&2; exit 1; }

[ -x "$soma" ] || fail "no executable $soma"
[ -f "$completion" ] || fail "no bash completion at $completion"
cmp -s "$completion" <("$soma" completion) || fail "$completion differs from 'soma completion'"
offered=$(bash -c 'source "$1"; COMP_WORDS=(soma train --sch); COMP_CWORD=2; _soma;
                   printf "%s\n" "${COMPREPLY[@]}"' bash "$completion")
[ "$offered" = "--schedule" ] || fail "completing 'soma train --sch' gave '$offered'"

if [ "$man_page" != 1 ]; then
  echo "install_test: help2man was not found at build time: no manual page to check"
  exit 0
fi
page=$prefix/share/man/man1/soma.1
[ -f "$page" ] || fail "no manual page at $page"
if ! command -v man >/dev/null; then
  echo "install_test: $page installed; man is not installed, so 'man soma' is not tried"
  exit 0
fi
[ "$(MANPATH=$prefix/share/man man -w soma)" = "$page" ] || fail "man -w soma does not find $page"
text=$(MANPATH=$prefix/share/man MANWIDTH=100 MANPAGER=cat man soma 2>/dev/null)
for expected in "soma - neural networks trained by backpropagation" "usage: soma train" \
  "--schedule SPEC" "--leaky-slope X" "usage: soma completion"; do
  grep -qF -- "$expected" <<<"$text" || fail "'man soma' does not show '$expected'"
done
echo "install_test: soma, its bash completion and its manual page install and work"
