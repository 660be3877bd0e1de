"""The consistent snapshot of MAST that the local archive serves, read from ``data/snapshot``.

The snapshot is data: ``fields.json`` (the CAOM observation and product fields, in MAST's order,
with their Mashup types), ``targets.json`` (the names the resolver knows) and
``observations.json`` (the named-target observations, each with its product rows and where the
bytes of each product come from: a real file shipped in ``data/real``, or a file generated in
its real MAST layout by :func:`glue_mast.testing.files.make_file`). The builders here fill in
what a product row shares with its observation, as MAST does, so obsids of products always
match their observation; product sizes are measured from the bytes at start-up, so a query,
its product list and the downloaded files always agree.

A large synthetic collection (``SYNTHETIC``, 100,000 rows by default) lives in a sky patch of its
own around the COSMOS field (RA 145..155, Dec -3..7), where no named target lies, so it exercises
paging without disturbing the named-target searches. Its rows and products are computed from
the row index, never stored (`glue_mast.testing.catalog`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

__all__ = [
    "MRP",
    "OBSERVATION_FIELDS",
    "PRODUCT_FIELDS",
    "SYNTHETIC_COLLECTION",
    "TARGETS",
    "Observation",
    "ProductSpec",
    "build_observation",
    "circle_region",
    "observations",
]


def _read(name):
    path = resources.files("glue_mast.testing").joinpath("data", "snapshot", name)
    return json.loads(path.read_text(encoding="utf-8"))


_FIELDS = _read("fields.json")
#: CAOM observation fields in the order MAST returns them, with the Mashup type of each.
OBSERVATION_FIELDS: dict[str, str] = _FIELDS["observation"]
#: Product fields of ``Mast.Caom.Products``, in MAST's order, with their Mashup types.
PRODUCT_FIELDS: dict[str, str] = _FIELDS["product"]

#: The ``productGroupDescription`` of the products MAST recommends.
MRP = "Minimum Recommended Products"

# Product fields that repeat the observation's (product field -> observation field).
_FROM_OBSERVATION = {
    "obsID": "obsid",
    "obs_collection": "obs_collection",
    "dataproduct_type": "dataproduct_type",
    "obs_id": "obs_id",
    "project": "project",
    "proposal_id": "proposal_id",
    "parent_obsid": "obsid",
    "dataRights": "dataRights",
    "filters": "filters",
}


def _targets():
    """Lower-cased search string -> resolver answers, the first being the default."""
    targets: dict[str, list[dict]] = {}
    for target in _read("targets.json"):
        answer = {
            "resolver": target["resolver"],
            "cached": True,
            "resolverTime": 12,
            "searchRadius": -1.0,
            "canonicalName": target["canonicalName"],
            "ra": target["ra"],
            "decl": target["decl"],
            "objectType": target["objectType"],
        }
        for name in target["names"]:
            targets.setdefault(name.lower(), []).append(answer)
    return targets


#: Names the resolver knows: lower-cased search string -> list of resolver answers, first is
#: the default. The M-objects and TIC 307210830 are MAST's own answers recorded by astroquery
#: (astroquery/mast/tests/data/resolver.json).
TARGETS: dict[str, list[dict]] = _targets()


@dataclass
class ProductSpec:
    """One product row and the source of its bytes.

    ``source`` is ``("real", filename)`` for a file in ``data/real`` or
    ``("generate", kind, params)`` for :func:`glue_mast.testing.files.make_file`.
    """

    row: dict
    source: tuple
    content_type: str = "application/fits"


@dataclass
class Observation:
    """One CAOM observation row and its products."""

    row: dict
    products: list[ProductSpec] = field(default_factory=list)


def circle_region(ra, dec, radius):
    """An ``s_region`` circle, as MAST writes it."""
    return f"CIRCLE ICRS {ra:.8f} {dec:.8f} {radius}"


# Keys of a product entry in observations.json besides its product fields.
_PRODUCT_KEYS = {"file", "content_type"}


def build_observation(entry):
    """An :class:`Observation` from its entry in ``observations.json``.

    Parameters
    ----------
    entry : dict
        ``{"row": {field: value}, "products": [product, ...]}``; fields left out of the row
        are empty. A product holds its own fields, its ``file`` (``{"real": filename}`` or
        ``{"kind": kind, "params": {...}}``) and optionally its ``content_type``.

    Raises
    ------
    ValueError
        For a field MAST does not have, or a product without a file, named with its obsid.
    """
    row = dict.fromkeys(OBSERVATION_FIELDS)
    unknown = set(entry["row"]) - set(OBSERVATION_FIELDS)
    if unknown:
        obsid = entry["row"].get("obsid")
        raise ValueError(f"observation {obsid}: unknown fields {sorted(unknown)}")
    row.update(entry["row"])
    return Observation(row, [_product(row, product) for product in entry["products"]])


def _product(observation_row, entry):
    where = f"observation {observation_row['obsid']}, product {entry.get('dataURI')}"
    unknown = set(entry) - set(PRODUCT_FIELDS) - _PRODUCT_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
    row = dict.fromkeys(PRODUCT_FIELDS)
    row.update((name, observation_row[source]) for name, source in _FROM_OBSERVATION.items())
    row.update(
        type="S",
        productFilename=entry["dataURI"].rsplit("/", 1)[1],
        size=None,  # measured from the bytes when the archive starts
    )
    row.update((name, value) for name, value in entry.items() if name not in _PRODUCT_KEYS)
    file = entry.get("file", {})
    if "real" in file:
        source = ("real", file["real"])
    elif "kind" in file:
        source = ("generate", file["kind"], file.get("params", {}))
    else:
        raise ValueError(f'{where}: "file" needs "real" or "kind", not {file!r}')
    return ProductSpec(row, source, entry.get("content_type", "application/fits"))


def observations() -> list[Observation]:
    """The named-target observations of the snapshot, with their products."""
    return [build_observation(entry) for entry in _read("observations.json")]


@dataclass(frozen=True)
class SyntheticCollection:
    """A large collection computed from row indexes, for paging and download benchmarks.

    Row ``i`` has obsid ``9000000000 + i``; ``sequence_number = i % 10`` (so
    ``sequence_number=0`` selects a tenth of it) and ``proposal_id = f"{i // 16:05d}"`` (so
    every proposal has exactly 16 observations, each with one calibrated science file).
    """

    name: str = "SYNTHETIC"
    first_obsid: int = 9_000_000_000
    ra_range: tuple = (145.0, 155.0)
    dec_range: tuple = (-3.0, 7.0)
    instruments: tuple = ("SYN-A", "SYN-B", "SYN-C", "SYN-D")
    product_types: tuple = ("spectrum", "image", "timeseries", "spectrum")


SYNTHETIC_COLLECTION = SyntheticCollection()
