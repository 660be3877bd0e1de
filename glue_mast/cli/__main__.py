"""``python -m glue_mast.cli``: the same as the ``glue-mast`` command."""

import sys

from . import main

sys.exit(main())
