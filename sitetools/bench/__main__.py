import sys

from sitetools.bench.cli import main

sys.exit(main())
