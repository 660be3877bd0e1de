"""A shell script that fetches a plan's files with curl later, keeping glue-mast's layout."""

from __future__ import annotations

import os
from pathlib import Path

from ...util import atomic_write

__all__ = ["write_curl_script"]


def write_curl_script(fetch_plan, path):
    """Write a POSIX shell script that downloads ``fetch_plan``'s files with curl later.

    Like astroquery's ``curl_flag``, but written here rather than by MAST's bundle service, so
    that it keeps glue-mast's layout, resumes partial files (``curl -C -``), checks each file's
    size before giving it its final name, and reads the token from ``MAST_API_TOKEN`` when it
    runs: the script itself never contains a token, and hands it to curl on standard input
    (``--config -``), never on a command line (which ``ps`` shows to every local user).
    """
    import shlex

    path = Path(path).resolve()
    root = fetch_plan.download_dir
    files = fetch_plan.not_on_disk
    lines = [
        "#!/bin/sh",
        f"# Written by glue-mast: {len(files)} files, {sum(f.size or 0 for f in files):,} bytes "
        f"from {fetch_plan.server}.",
        "# Files go under the directory below; exclusive-access files need MAST_API_TOKEN.",
        "set -eu",
        f"ROOT={shlex.quote(os.fspath(root))}",
        'case "${MAST_API_TOKEN:-}" in',
        "  *[\\\"\\\\]*) echo 'MAST_API_TOKEN holds a quote or backslash: not a MAST token'"
        " >&2; exit 2 ;;",
        "esac",
        "",
        "fetch() {",
        '  url=$1; dest="$ROOT/$2"; size=$3; token=$4',
        '  if [ -f "$dest" ] && [ "$(wc -c < "$dest")" -eq "$size" ]; then',
        '    echo "have $2"; return 0',
        "  fi",
        '  mkdir -p "$(dirname "$dest")"',
        '  echo "fetching $2"',
        '  if [ "$token" = 1 ]; then',
        '    if [ -z "${MAST_API_TOKEN:-}" ]; then echo "skip $2: needs MAST_API_TOKEN" >&2;'
        " return 0; fi",
        # The header goes to curl on its standard input (--config -), from printf, a shell
        # builtin: no process's command line, which any local user can read with ps, holds it.
        "    printf 'header = \"Cookie: mast_token=%s\"\\n' \"$MAST_API_TOKEN\" |",
        "      curl --config - --fail --silent --show-error --retry 5 --retry-delay 2 -C - \\",
        '      -o "$dest.part" "$url"',
        "  else",
        "    curl --fail --silent --show-error --location --retry 5 --retry-delay 2 -C - \\",
        '      -o "$dest.part" "$url"',
        "  fi",
        '  got=$(wc -c < "$dest.part")',
        '  if [ "$size" -gt 0 ] && [ "$got" -ne "$size" ]; then',
        '    echo "incomplete $2: $got of $size bytes; run the script again" >&2; return 1',
        "  fi",
        '  mv "$dest.part" "$dest"',
        "}",
        "",
    ]
    for f in files:
        relative = f.path.relative_to(root).as_posix()
        lines.append(
            f"fetch {shlex.quote(f.url)} {shlex.quote(relative)} {f.size or 0} "
            f"{1 if f.exclusive else 0}"
        )
    atomic_write(path, "\n".join(lines) + "\n")
    path.chmod(0o755)
    return path
