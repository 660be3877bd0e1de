"""Provenance: manifests of what was fetched from MAST, and checking them against the disk."""

from .manifest import DATASET_FIELDS, SCHEMA, Manifest, VerifyReport, sha256_of

__all__ = ["DATASET_FIELDS", "SCHEMA", "Manifest", "VerifyReport", "sha256_of"]
