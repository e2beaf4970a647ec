"""Rasa's own command line (`rasa …`) with components/early_imports.py's imports done first (.venv-rasa).

    .venv-rasa/bin/python scripts/rasa_command.py train --out models …   (as `make train` runs it)

`rasa train` saves the intent classifier with skops, whose import after TensorFlow's was a quarter of the
training (components/early_imports.py): 46 s of CPU became 27 s on a busy machine, the same model.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.early_imports import prepare  # noqa: E402  (needs the project root on the path)

if __name__ == "__main__":
    prepare()
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    main()
