"""The ASDF extension of JWST files: stdatamodels' tree of a product, stored in FITS.

The tree is written as YAML by PyYAML, with the ``asdf_library`` and ``history`` entries a
pipeline of the files' era recorded (asdf 3.5.0). The asdf library would stamp its own version
into them, so a file's bytes, size and checksum would change whenever asdf is upgraded.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import yaml
from astropy.io import fits

__all__ = ["Tagged", "asdf_hdu", "fits_link"]

#: What ``!`` abbreviates in the tags of an ASDF file.
ASDF_TAG_PREFIX = "tag:stsci.edu:asdf/"

# The software a JWST pipeline run of the cal_ver era recorded in the ASDF tree.
_ASDF_LIBRARY = {
    "author": "The ASDF Developers",
    "homepage": "http://github.com/asdf-format/asdf",
    "name": "asdf",
    "version": "3.5.0",
}


class Tagged:
    """A YAML mapping carrying an ASDF tag, e.g. ``core/ndarray-1.0.0``."""

    def __init__(self, tag, mapping):
        self.tag = tag
        self.mapping = mapping


# Strings written unquoted; any other is double-quoted. YAML 1.1, which asdf reads, takes
# y/n/yes/no/on/off for booleans, so those are quoted even though PyYAML would not quote them.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


class _AsdfDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with ASDF tags and the quoting described above."""

    def represent_str(self, data):
        plain = _PLAIN.fullmatch(data) and data.lower() not in _YAML_WORDS
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=None if plain else '"')

    def represent_list(self, data):
        # A list of scalars (a shape) on one line, as asdf writes it; mappings in block style.
        flat = not any(isinstance(item, (dict, list, Tagged)) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)

    def represent_tagged(self, data):
        return self.represent_mapping(ASDF_TAG_PREFIX + data.tag, data.mapping)

    def ignore_aliases(self, data):
        # No anchors and aliases: a node used twice is written out twice, so that every
        # tree reads as stdatamodels writes it.
        return True


_AsdfDumper.add_representer(str, _AsdfDumper.represent_str)
_AsdfDumper.add_representer(list, _AsdfDumper.represent_list)
_AsdfDumper.add_representer(Tagged, _AsdfDumper.represent_tagged)


def fits_link(hdu):
    """The tree node stdatamodels writes for an array stored in an HDU of the file."""
    if isinstance(hdu, fits.BinTableHDU):
        # Columns as readers see them: TZERO-shifted integers are unsigned.
        datatype = [
            {"name": name, "datatype": hdu.data[name].dtype.name, "byteorder": "big"}
            for name in hdu.columns.names
        ]
        shape = [len(hdu.data)]
    else:
        datatype = hdu.data.dtype.name
        shape = list(hdu.data.shape)
    return Tagged(
        "core/ndarray-1.0.0",
        {
            "source": f"fits:{hdu.name},{hdu.ver}",
            "datatype": datatype,
            "byteorder": "big",
            "shape": shape,
        },
    )


def asdf_hdu(tree, hdus):
    """The ``ASDF`` extension as stdatamodels' ``fits_support.to_fits`` builds it.

    A one-row BinTable whose single ``ASDF_METADATA`` column holds the bytes of an
    ASDF file; the tree also records a SHA-256 of the other HDUs' headers.
    """
    fits_hash = hashlib.sha256("".join(str(hdu.header) for hdu in hdus).encode()).hexdigest()
    tree = dict(tree)
    tree["_fits_hash"] = fits_hash
    tree["asdf_library"] = Tagged("core/software-1.0.0", _ASDF_LIBRARY)
    tree["history"] = {
        "extensions": [
            Tagged(
                "core/extension_metadata-1.0.0",
                {
                    "extension_class": "asdf.extension._manifest.ManifestExtension",
                    "extension_uri": "asdf://asdf-format.org/core/extensions/core-1.5.0",
                    "software": Tagged(
                        "core/software-1.0.0", {"name": "asdf", "version": _ASDF_LIBRARY["version"]}
                    ),
                },
            )
        ]
    }
    text = "#ASDF 1.0.0\n#ASDF_STANDARD 1.5.0\n" + yaml.dump(
        Tagged("core/asdf-1.1.0", tree),
        Dumper=_AsdfDumper,
        version=(1, 1),
        tags={"!": ASDF_TAG_PREFIX},
        explicit_start=True,
        explicit_end=True,
        width=2**16,  # no folded lines: ASDF readers unfold them, but the bytes would move
    )
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)[None, :]
    column = fits.Column(name="ASDF_METADATA", format=f"{data.shape[1]}B", array=data)
    return fits.BinTableHDU.from_columns([column], name="ASDF")
