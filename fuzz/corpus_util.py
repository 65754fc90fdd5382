"""What the seed-corpus generators share (standard library only)."""

import hashlib
import os


def write_seeds(out, seeds):
    """Replaces every file of `out` with `seeds`, each named after its hash
    (seed-<sha1 prefix>), and prints how many there are."""
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.unlink(os.path.join(out, f))
    for s in seeds:
        with open(os.path.join(out, 'seed-' + hashlib.sha1(s).hexdigest()[:12]), 'wb') as f:
            f.write(s)
    print(len(seeds))
