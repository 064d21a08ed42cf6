import sys

from benchmarks.etl import main

sys.exit(main(sys.argv[1:]))
