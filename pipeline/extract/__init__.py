"""Page bytes -> Article: decoding, the article body, metadata (title, time, 稿源, bylines)."""
