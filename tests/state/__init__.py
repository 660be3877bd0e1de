"""Tests of glue_mast.state; a package, so that its module names may repeat other folders'."""
