import sys

if sys.argv[1:2] == ["web"]:
    from benchmarks.web import main

    sys.exit(main(sys.argv[2:]))

from benchmarks.etl import main

sys.exit(main(sys.argv[1:]))
