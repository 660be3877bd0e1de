"""Provenance: manifests of what was fetched from MAST, and checking them against the disk."""

from .entries import LOCK_NAME, ManifestError
from .manifest import DATASET_FIELDS, SCHEMA, Manifest, VerifyReport, sha256_of

__all__ = [
    "DATASET_FIELDS",
    "LOCK_NAME",
    "SCHEMA",
    "Manifest",
    "ManifestError",
    "VerifyReport",
    "sha256_of",
]
