"""Make the README's screenshots small: each PNG re-saved with a palette of at most 256 colours
(the app's flat colours survive this unchanged to the eye). Usage: shrink_png.py FILE.png ..."""

import sys

from PIL import Image

for path in sys.argv[1:]:
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    print(f"wrote {path}")
