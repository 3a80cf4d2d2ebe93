"""`python -m minimt.corpus`: rewrite the clone's data/{train,valid,test}.tsv."""
import sys

from ..errors import MinimtError
from ..files import writable_data_dir
from . import write_splits

try:
    out = writable_data_dir()  # a clone's data/, never the copy inside an installed package
except MinimtError as e:
    print(f"python -m minimt.corpus: error: {e}", file=sys.stderr)
    sys.exit(2)
for key, value in write_splits(out).items():
    print(f"{key:>16}: {value}")
