"""MAST's public cloud copy: which files have one, where their bytes are, and which copy a
file came from.

MAST keeps a public copy of much of its holdings (HST, JWST, TESS, Kepler, K2, GALEX, PS1)
in the AWS S3 bucket ``stpubdata``, free to read without an account. ``fetch(cloud=True)``
asks astroquery which files have a copy there (:func:`~..astroquery_adapter.cloud_uris`:
MAST's path lookup, then an unsigned ``head_object`` per file); those come from the bucket,
the others (no cloud copy: IUE, FUSE, exclusive-access files, ...) from MAST's download
service as usual.

The bytes of a cloud copy travel over plain HTTPS, through the same transfers as MAST's
(resume with ``If-Range``, retries, SHA-256 on arrival, cancel): the URL is the one boto3
itself resolves for ``get_object`` with astroquery's unsigned configuration, so it honours
boto3's standard settings (``AWS_ENDPOINT_URL_S3``, ``AWS_ENDPOINT_URL``, an AWS config
file) exactly as astroquery's lookups do. The request is unsigned and carries no token: the
token goes to the MAST server's origin only (:func:`glue_mast.archive.auth.token_allowed`).

The manifest records, for every file fetched, the copy it came from (``origin``: the
``s3://`` URI of a cloud copy, or MAST's download URL) and the ``etag`` the server gave for
the bytes, so a manifest says where each file came from whatever astroquery's default is
(astroquery after 0.4.11 turns its own cloud access on whenever boto3 is installed; glue-mast
asks for the cloud only when told to, and states the origin either way).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CloudCopy", "cloud_copies", "mark_origins"]


@dataclass(frozen=True)
class CloudCopy:
    """A file's copy in MAST's cloud bucket."""

    #: ``s3://stpubdata/<key>``, as astroquery names it: recorded as the file's origin.
    uri: str
    #: The HTTP(S) URL boto3 resolves for it (its endpoint settings applied): fetched.
    url: str


def cloud_copies(products):
    """``{dataURI: CloudCopy}`` of the ``products`` that have a copy in MAST's cloud bucket.

    Parameters
    ----------
    products : `~astropy.table.Table` or list of dict
        Rows with a ``dataURI``.
    """
    from ..astroquery_adapter import cloud_uris

    found = cloud_uris(products)
    if not found:
        return {}
    client = _unsigned_s3_client()
    return {uri: CloudCopy(s3, _http_url(client, s3)) for uri, s3 in found.items()}


def mark_origins(fetch_plan, copies):
    """Note on each planned file fetched from a cloud copy the ``s3://`` URI it comes from."""
    for f in [*fetch_plan.to_fetch, *fetch_plan.cached, *fetch_plan.skipped]:
        copy = copies.get(f.uri)
        if copy is not None and f.url == copy.url:
            f.origin = copy.uri


def _unsigned_s3_client():
    """An S3 client configured as astroquery's ``CloudAccess`` makes its own: unsigned."""
    import boto3
    import botocore
    from botocore.config import Config

    return boto3.client("s3", config=Config(signature_version=botocore.UNSIGNED))


def _http_url(client, s3_uri):
    """The URL ``client`` would GET for ``s3://bucket/key``.

    With an unsigned client, ``generate_presigned_url`` signs nothing: it returns the plain
    object URL, addressed as boto3 addresses it (path or virtual-host style, per endpoint).
    """
    bucket, _, key = s3_uri.removeprefix("s3://").partition("/")
    return client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
