"""The writers of the local archive's generated files, one module per format or mission.

`.fits` (headers, tables, checksums), `.asdf` (the ASDF extension of JWST files) and `.png`
are the formats; `.hst` (with `.cos` and `.stis`), `.jwst`, `.vo` (IUE and FUSE) and
`.synthetic` the products; `.noise`, `.spectra` and `.dates` what their numbers and dates are
made of. `glue_mast.testing.files` names them by kind. Kepler, K2 and TESS products are real
files shipped in ``data/real``, so they have no writer here.
"""
