"""Provenance: manifests of what was fetched from MAST, and checking them against the disk."""

from .entries import LOCK_NAME, ManifestError
from .manifest import DATASET_FIELDS, SCHEMA, Manifest, VerifyReport, sha256_of
from .session_files import JDAVIZ_SESSION_SCHEMA, SessionFiles, read_records

__all__ = [
    "DATASET_FIELDS",
    "JDAVIZ_SESSION_SCHEMA",
    "LOCK_NAME",
    "SCHEMA",
    "Manifest",
    "ManifestError",
    "SessionFiles",
    "VerifyReport",
    "read_records",
    "sha256_of",
]
