"""Page bytes -> Article: decoding, the article body, metadata (title, time, 稿源, bylines)."""
from pipeline.compiled import use_compiled

# The modules below are imported from mypyc's build of them when one of these very sources exists
# (pipeline/compiled.py); otherwise from their .py files.
COMPILED = use_compiled(__name__, __path__)
