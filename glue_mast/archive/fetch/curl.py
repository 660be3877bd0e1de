"""A shell script that fetches a plan's files with curl later, keeping glue-mast's layout."""

from __future__ import annotations

import os
from pathlib import Path

from ...util import atomic_write

__all__ = ["write_curl_script"]


def write_curl_script(fetch_plan, path):
    """Write a POSIX shell script that downloads ``fetch_plan``'s files with curl later.

    Like astroquery's ``curl_flag``, but written here rather than by MAST's bundle service, so
    that it keeps glue-mast's layout, checks each file's size before giving it its final name,
    and reads the token from ``MAST_API_TOKEN`` when it runs: the script itself never contains
    a token, and hands it to curl on standard input (``--config -``), never on a command line
    (which ``ps`` shows to every local user).

    A partial file is resumed (``curl -C -``) only with ``If-Range`` and the strong ETag of the
    response it came from (saved beside it as ``<name>.part.etag``), so that a file changed on
    the server since comes whole rather than spliced onto the old start; without a strong
    ETag, or when the file changed, the partial file starts again. The script needs curl 7.68
    or later (``--etag-save``).
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
        # transfer URL DEST TOKEN [curl options]: one curl run into DEST.part, saving the
        # response's ETag beside it (an empty file when there is none).
        "transfer() {",
        "  url=$1; dest=$2; token=$3; shift 3",
        '  if [ "$token" = 1 ]; then',
        # The header goes to curl on its standard input (--config -), from printf, a shell
        # builtin: no process's command line, which any local user can read with ps, holds it.
        '    printf \'header = "Cookie: mast_token=%s"\\n\' "$MAST_API_TOKEN" |',
        "      curl --config - --fail --silent --show-error --retry 5 --retry-delay 2 \\",
        '      --etag-save "$dest.part.etag" -o "$dest.part" "$@" "$url"',
        "  else",
        "    curl --fail --silent --show-error --location --retry 5 --retry-delay 2 \\",
        '      --etag-save "$dest.part.etag" -o "$dest.part" "$@" "$url"',
        "  fi",
        "}",
        "",
        "fetch() {",
        '  url=$1; dest="$ROOT/$2"; size=$3; token=$4',
        '  if [ -f "$dest" ] && [ "$(wc -c < "$dest")" -eq "$size" ]; then',
        '    echo "have $2"; return 0',
        "  fi",
        '  if [ "$token" = 1 ] && [ -z "${MAST_API_TOKEN:-}" ]; then',
        '    echo "skip $2: needs MAST_API_TOKEN" >&2; return 0',
        "  fi",
        '  mkdir -p "$(dirname "$dest")"',
        # A partial copy is resumed only with If-Range and the strong ETag of the response it
        # came from: a file that changed on the server since then comes whole, and curl stops
        # (exit 33: it asked for the rest and got all of it); then it starts again. Never is
        # the rest of one version spliced onto the start of another.
        '  etag=""',
        '  if [ -s "$dest.part" ] && [ -s "$dest.part.etag" ]; then',
        '    etag=$(cat "$dest.part.etag")',
        "  fi",
        '  case "$etag" in',
        '    \\"*) echo "resuming $2"',
        '      status=0; transfer "$url" "$dest" "$token" -C - -H "If-Range: $etag" || status=$?',
        '      if [ "$status" -eq 33 ]; then',
        '        echo "restarting $2: it changed on the server since the partial copy"',
        '        rm -f "$dest.part"; transfer "$url" "$dest" "$token"',
        '      elif [ "$status" -ne 0 ]; then return "$status"; fi ;;',
        '    *) echo "fetching $2"',
        '      rm -f "$dest.part"; transfer "$url" "$dest" "$token" ;;',
        "  esac",
        '  got=$(wc -c < "$dest.part")',
        '  if [ "$size" -gt 0 ] && [ "$got" -ne "$size" ]; then',
        '    echo "incomplete $2: $got of $size bytes; run the script again" >&2; return 1',
        "  fi",
        '  mv "$dest.part" "$dest"; rm -f "$dest.part.etag"',
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
