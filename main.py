"""Start gradviz: ``python main.py``."""

import sys

from gradviz.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
